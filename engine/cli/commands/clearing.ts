// `dipsettle clearing --ledger FILE|URL --year YYYY --pool 310|390 --fund-yuan N [--hospitals FILE] [--close]` (SPEC §6
// 年度清算): the year's point value on the year's fund, each hospital's 结余留用 / 合理超支分担 band result, settled
// against the closed monthly payouts, the 周转金 advance and the quality deposit; stored as a draft (replaced by the
// next run) or closed (final: a later run refuses, exit 1); prints the JSON report (last line).
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { parseYuan } from '../../money.js'
import type { HospitalClearingFacts } from '../../settlement/annual-clearing.js'
import { runClearing } from '../../settlement/clearing-runs.js'
import { openContext } from '../context.js'
import { usageError } from '../usage.js'
import { LEDGER_FLAGS, requireLedger, withReportsLedger } from '../reports-ledger.js'

interface Opts { ledger?: string; year: string; pool: string; fundYuan: string; hospitals?: string; tables?: string; policy?: string; close?: boolean }

function readFacts(file: string): HospitalClearingFacts[] {
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    usageError(`--hospitals ${file}: not valid JSON (${(e as Error).message})`)
  }
  if (!Array.isArray(doc)) usageError(`--hospitals ${file}: expected a JSON array of { fixmedins_code, quality_score?, turnover_advance_yuan? }`)
  return doc.map((x: unknown, i: number) => {
    const o = x as Record<string, unknown>
    if (typeof o?.fixmedins_code !== 'string') usageError(`--hospitals ${file}: [${i}].fixmedins_code must be a string`)
    if (o.quality_score !== undefined && (typeof o.quality_score !== 'number' || o.quality_score < 0 || o.quality_score > 100)) {
      usageError(`--hospitals ${file}: [${i}].quality_score must be a number 0–100`)
    }
    if (o.turnover_advance_yuan !== undefined && !parseYuan(o.turnover_advance_yuan).ok) {
      usageError(`--hospitals ${file}: [${i}].turnover_advance_yuan must be yuan with at most 2 decimals`)
    }
    return o as unknown as HospitalClearingFacts
  })
}

export function register(program: Command): void {
  program.command('clearing')
    .description('年度清算: clear a pool\'s year against the monthly payouts, the 周转金 advance and the quality deposits')
    .option(LEDGER_FLAGS, 'the ledger with the year\'s settlements and closed month-end runs: a file or postgres:// URL (default: DIPSETTLE_LEDGER)')
    .requiredOption('--year <YYYY>', 'the calendar year of the discharges')
    .requiredOption('--pool <310|390>', '310 职工 or 390 居民')
    .requiredOption('--fund-yuan <n>', 'the year\'s DIP fund (年度基金预算), yuan')
    .option('--hospitals <file>', 'JSON array of { fixmedins_code, quality_score? (0–100, default 100), turnover_advance_yuan? (default: policy months × prior year\'s average monthly payout) }')
    .option('--tables <file>', 'lookup tables (default: the demo region\'s)')
    .option('--policy <file>', 'policy file (default: the one in the tables); needs an annual_clearing section')
    .option('--close', 'close the year\'s clearing (final); without it the run is a draft, replaced by the next')
    .addHelpText('after', `
Per hospital: DIP amount = the year's fund ÷ ratio split by points; surplus (DIP > cost) kept by the policy's
surplus_bands, overspend (cost > DIP) shared by overspend_bands (marginal bands, fractions of the DIP amount);
balance = fund due − monthly payouts − 周转金 advance − deposit kept (negative: the hospital pays back).
The 周转金 is the advance recorded by \`dipsettle turnover issue\` (none recorded for the year: the estimate).
Each hospital's report: \`dipsettle clearing-report --year Y --pool P --hospital CODE\`.
Exit status: 0 done; 1 fault or a closed clearing; 2 bad usage.`)
    .action(async (opts: Opts) => {
      if (!/^\d{4}$/.test(opts.year)) usageError(`--year must be YYYY, got "${opts.year}"`)
      if (opts.pool !== '310' && opts.pool !== '390') usageError(`--pool must be 310 or 390, got "${opts.pool}"`)
      const fund = parseYuan(Number(opts.fundYuan), false, opts.fundYuan)
      if (opts.fundYuan.trim() === '' || !fund.ok) usageError(`--fund-yuan must be a non-negative amount of yuan, got "${opts.fundYuan}"`)
      const pool = opts.pool
      const target = requireLedger(opts.ledger)
      const facts = opts.hospitals !== undefined ? readFacts(opts.hospitals) : []
      const ctx = openContext(opts)
      await withReportsLedger(target, async ({ reports, clearing }) => {
        const out = await runClearing(reports, clearing(), ctx.tables, ctx.policy,
          { year: Number(opts.year), pool, fundFen: fund.fen, facts, close: opts.close === true })
        if (out.status === 'invalid') usageError(`${out.field}: ${out.message}`)
        if (out.status === 'refused') {
          process.stderr.write(`dipsettle: ${out.message}\n`)
          process.exitCode = 1
          return
        }
        process.stdout.write(JSON.stringify(out.report) + '\n')
      })
    })
}
