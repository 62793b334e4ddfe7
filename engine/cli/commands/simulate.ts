// `dipsettle simulate --persons N --months M [--out DIR] [--workers N]` (issue 9): a province of N insured, M months
// of discharges and outpatient visits through the worker pool into a fresh ledger, month-end per pool, the ledger
// verified; prints each stage's time, throughput, ledger size and what that rate means at national scale
// (extrapolated). The last stdout line is the JSON summary (engine/simulate/run.ts SimulationReport).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { PACKAGE_ROOT } from '../../paths.js'
import { MAX_WORKERS } from '../../pool/options.js'
import { runSimulation, type SimulationReport } from '../../simulate/run.js'
import { NATIONAL_SETTLEMENTS_PER_DAY, PROVINCE_PEAK_TPS } from '../../simulate/extrapolate.js'
import { DEFAULT_RATES } from '../../simulate/workload.js'
import { usageError } from '../usage.js'

const MARKER = '.dipsettle-simulate'

interface Opts {
  persons: string; months: string; out: string; workers?: string; startMonth: string; seed: string
  hospitalSets?: string; admissionsPerYear: string; outpatientPerYear: string; batchSize?: string
}

function wholeNumber(name: string, v: string, lo: number, hi: number): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < lo || n > hi) usageError(`simulate: ${name} must be a whole number ${lo.toLocaleString('en-US')}–${hi.toLocaleString('en-US')}, got "${v}"`)
  return n
}

function rate(name: string, v: string): number {
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0 || n > 100) usageError(`simulate: ${name} must be a number 0–100 (per insured per year), got "${v}"`)
  return n
}

function fmt(n: number): string {
  return n.toLocaleString('en-US')
}

function summaryText(r: SimulationReport): string {
  const x = r.extrapolated
  const lines = [
    '',
    `province: ${fmt(r.persons)} insured, ${fmt(r.hospitals)} hospitals, ${r.months} month(s), ${r.workers} worker(s)`,
    ...r.per_month.map((m) => `  ${m.month}: ${fmt(m.claims)} claims (${fmt(m.inpatient)} inpatient, ${fmt(m.outpatient)} outpatient)`
      + ` → ${fmt(m.settled)} settled, ${fmt(m.rejected)} rejected${m.rejected > 0 ? ' ' + JSON.stringify(m.rejected_by_code) : ''};`
      + ` ${fmt(m.claims_per_s)} claims/s; ledger rows ${fmt(m.ledger_rows)}`),
    `throughput: ${fmt(r.totals.claims_per_s)} settlements/s end to end (generate → adjudicate → ledger commit), ${r.totals.settle_s} s for ${fmt(r.totals.claims)}`,
    `month-end: ${r.totals.month_end_s} s for ${fmt(r.totals.discharges)} discharges (both pools, all months, closed)`,
    `ledger: ${fmt(r.ledger.rows)} rows, ${(r.ledger.bytes / 1048576).toFixed(1)} MB (${fmt(r.ledger.bytes_per_row)} bytes/row), ${fmt(r.ledger.person_years)} person-years;`
      + ` verify: ${r.verify.differences === 0 ? 'ok' : `${r.verify.differences} DIFFERENCES`} in ${r.verify.seconds} s`,
    '',
    'extrapolated from this run\'s measured rate (straight line, this machine):',
    `  national ${fmt(NATIONAL_SETTLEMENTS_PER_DAY)} settlements/day: ${x.national_day_hours_on_this_machine} h on this machine;`
      + ` ${x.national_machines_for_24h} machine(s) like it to keep up over 24 h`,
    `  a province's ${fmt(PROVINCE_PEAK_TPS)} settlements/s peak: ${x.province_peak_machines} machine(s) like it`
      + ' (the adjudicators scale out; the ledger must too — docs/scale-out.md)',
    ...(x.month_end_400k_s !== null ? [`  month-end of a 24 M region's ~400,000 discharges: ~${x.month_end_400k_s} s;`
      + ` of 800,000 records: ~${x.month_end_800k_s} s (incumbent: 8,280 s on Oracle)`
      // a month-end has fixed costs (schema, hospital list, report): scaled up from a few discharges it overstates
      + (r.totals.discharges < 10_000 ? ` — scaled from only ${fmt(r.totals.discharges)} discharges, an overestimate; bench/month-end.ts measures 1 M rows` : '')] : []),
  ]
  return lines.join('\n') + '\n'
}

export function register(program: Command): void {
  program.command('simulate')
    .description('a province of N insured, M months of claims through the worker pool, month-end, verify; prints stage times')
    .requiredOption('--persons <n>', 'insured persons in the province')
    .option('--months <m>', 'months to simulate', '1')
    .option('--out <dir>', 'output directory (sources/, tables.sqlite, a fresh ledger.sqlite)', join(PACKAGE_ROOT, 'var', 'simulate'))
    .option('--workers <n>', 'pool workers (default: cores − 1, at least 1)')
    .option('--start-month <YYYY-MM>', 'first month', '2026-01')
    .option('--seed <n>', 'generator seed', '20260101')
    .option('--hospital-sets <k>', 'copies of the demo hospital network (default: one per million insured, at least one)')
    .option('--admissions-per-year <x>', 'inpatient admissions per insured per year', String(DEFAULT_RATES.admissionsPerYear))
    .option('--outpatient-per-year <x>', 'outpatient settlements per insured per year', String(DEFAULT_RATES.outpatientPerYear))
    .option('--batch-size <n>', 'claims per pool batch (default: the pool\'s)')
    .action(async (opts: Opts) => {
      const persons = wholeNumber('--persons', opts.persons, 100, 50_000_000)
      const months = wholeNumber('--months', opts.months, 1, 24)
      const workers = opts.workers === undefined ? undefined : wholeNumber('--workers', opts.workers, 1, MAX_WORKERS)
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.startMonth)) usageError(`simulate: --start-month must be YYYY-MM, got "${opts.startMonth}"`)
      const seed = wholeNumber('--seed', opts.seed, 0, 2 ** 31)
      const hospitalSets = opts.hospitalSets === undefined ? undefined : wholeNumber('--hospital-sets', opts.hospitalSets, 1, 999)
      const batchSize = opts.batchSize === undefined ? undefined : wholeNumber('--batch-size', opts.batchSize, 1, 100_000)
      const rates = { admissionsPerYear: rate('--admissions-per-year', opts.admissionsPerYear), outpatientPerYear: rate('--outpatient-per-year', opts.outpatientPerYear) }
      const out = resolve(opts.out)
      // the ledger is replaced on every run: never in a directory some other command made
      if (existsSync(join(out, 'ledger.sqlite')) && !existsSync(join(out, MARKER))) {
        usageError(`simulate: ${join(out, 'ledger.sqlite')} exists and was not made by \`dipsettle simulate\`: pass another --out`)
      }
      mkdirSync(out, { recursive: true })
      writeFileSync(join(out, MARKER), 'made by dipsettle simulate; its ledger is replaced on every run\n')
      process.stdout.write(`simulate: ${fmt(persons)} insured, ${months} month(s) into ${out}\n`)
      const report = await runSimulation({
        persons, months, out, startMonth: opts.startMonth, seed, rates,
        ...(workers !== undefined ? { workers } : {}), ...(hospitalSets !== undefined ? { hospitalSets } : {}),
        ...(batchSize !== undefined ? { batchSize } : {}),
        log: (l) => process.stdout.write(l + '\n'),
      })
      process.stdout.write(summaryText(report))
      process.stdout.write(JSON.stringify(report) + '\n')
      const faults = report.per_month.reduce((a, m) => a + m.faults, 0)
      if (report.verify.differences > 0 || faults > 0) process.exitCode = 1
    })
}
