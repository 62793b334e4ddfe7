// The province simulation (issue 9): N insured, M months. Each month's discharges and outpatient visits go through
// the real bulk path — the worker pool (engine/pool), each worker adjudicating against and recording into the one
// SQLite ledger — then month-end runs and closes for both pools (engine/settlement/month-end.ts). At the end the
// ledger's accumulators are recomputed from its rows (the same check as `dipsettle ledger verify`).
// Every stage is timed on its own; the summary extrapolates the measured rate to SPEC §10's national scale.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import v8 from 'node:v8'
import { fileURLToPath } from 'node:url'
import { runInNewContext } from 'node:vm'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { openLedger } from '../ledger/sqlite.js'
import { AdjudicationPool, defaultWorkers } from '../pool/index.js'
import { settleMonth } from '../settlement/month-end.js'
import type { Pool } from '../settlement/types.js'
import { loadTables } from '../tables/load.js'
import type { Person, Tables } from '../tables/types.js'
import type { PersonsLookup } from '../persons/lookup.js'
import { extrapolate, type Extrapolation } from './extrapolate.js'
import { buildProvince } from './province.js'
import { isolateMemory, type IsolateMemory } from './isolate-memory.js'
import { generateDemoClaims } from '../demo/claims.js'
import { addMonths, DEFAULT_RATES, monthClaims, monthVolume, type WorkloadRates } from './workload.js'

export interface SimulateOptions {
  readonly persons: number
  readonly months: number
  /** Output directory: sources/, tables.sqlite, ledger.sqlite (replaced on every run). */
  readonly out: string
  readonly workers?: number
  /** First month, YYYY-MM (default 2026-01: the demo policy takes effect 2026-01-01). */
  readonly startMonth?: string
  readonly seed?: number
  readonly hospitalSets?: number
  readonly rates?: WorkloadRates
  readonly batchSize?: number
  /** Called with one line of progress per stage (the CLI prints them). */
  readonly log?: (line: string) => void
}

export interface StageTime {
  readonly stage: string
  readonly seconds: number
  /** Claims or rows the stage handled, when that makes sense. */
  readonly items?: number
  /**
   * CPU seconds of the whole process (main thread and workers) during the stage, and of the child process it ran
   * (`persons import`): comparable on a shared machine.
   */
  readonly cpu_s?: number
}

export interface MonthSummary {
  readonly month: string
  readonly inpatient: number
  readonly outpatient: number
  readonly claims: number
  readonly settled: number
  readonly rejected: number
  readonly faults: number
  /** Rejections by first reason code (e.g. E_PERSON_UNKNOWN): every rejection is accounted for. */
  readonly rejected_by_code: Readonly<Record<string, number>>
  readonly settle_s: number
  readonly generate_s: number
  readonly claims_per_s: number
  /** Live settlement rows the ledger holds for the month after the run (settled claims). */
  readonly ledger_rows: number
  readonly month_end: readonly { pool: Pool; seconds: number; discharges: number; hospitals: number; point_value_yuan: number; budget_yuan: number }[]
}

export interface SimulationReport {
  readonly persons: number
  readonly hospitals: number
  readonly months: number
  readonly workers: number
  readonly out: string
  readonly ledger_file: string
  readonly stages: readonly StageTime[]
  readonly per_month: readonly MonthSummary[]
  readonly totals: {
    readonly claims: number
    readonly settled: number
    readonly rejected: number
    readonly settle_s: number
    readonly claims_per_s: number
    readonly month_end_s: number
    readonly discharges: number
  }
  readonly ledger: { readonly rows: number; readonly bytes: number; readonly bytes_per_row: number; readonly person_years: number }
  readonly verify: { readonly differences: number; readonly seconds: number }
  /**
   * Resident memory (MB). The workers are threads of this process: a worker's share is the process's RSS after the
   * run less the main thread's before the pool started, divided by the workers (its tables, its SQLite connections,
   * its heap — and, as the main thread also grows while it generates claims, an upper bound).
   */
  readonly memory: Memory
  /** Straight-line extrapolations from this run's rates (labelled "extrapolated" wherever shown). */
  readonly extrapolated: Extrapolation
}

/** Counts answers as they stream out of the pool; parses only the rejected ones (to tally their first reason). */
class AnswerTally extends Writable {
  readonly byCode: Record<string, number> = {}
  private rest = ''
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    const text = this.rest + chunk.toString('utf8')
    let s = 0
    for (;;) {
      const e = text.indexOf('\n', s)
      if (e < 0) break
      // the status field is near the start of each answer line (result.ts key order): no parse for the settled
      const k = text.indexOf('"status":"', s)
      if (k >= 0 && k < e && text.startsWith('rejected', k + 10)) {
        const r = JSON.parse(text.slice(s, e)) as { reasons?: { code?: string }[] }
        const code = r.reasons?.[0]?.code ?? 'E_UNKNOWN'
        this.byCode[code] = (this.byCode[code] ?? 0) + 1
      }
      s = e + 1
    }
    this.rest = text.slice(s)
    cb()
  }
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9
}

function r3(x: number): number {
  return Math.round(x * 1000) / 1000
}

function fileBytes(f: string): number {
  return existsSync(f) ? statSync(f).size : 0
}

export async function runSimulation(o: SimulateOptions): Promise<SimulationReport> {
  const log = o.log ?? (() => {})
  const workers = o.workers ?? defaultWorkers()
  const startMonth = o.startMonth ?? '2026-01'
  const seed = o.seed ?? 20260101
  const rates = o.rates ?? DEFAULT_RATES
  const stages: StageTime[] = []
  let cpu0 = process.cpuUsage()
  const stage = (name: string, t0: bigint, items?: number, childCpuS?: number): number => {
    const s = seconds(t0)
    const c = process.cpuUsage(cpu0)
    cpu0 = process.cpuUsage()
    const cpu = (c.user + c.system) / 1e6 + (childCpuS ?? 0)
    stages.push({ stage: name, seconds: r3(s), cpu_s: r3(cpu), ...(items !== undefined ? { items } : {}) })
    log(`${name.padEnd(40)} ${s.toFixed(2).padStart(9)} s ${cpu.toFixed(2).padStart(8)} s CPU${items !== undefined ? `  (${items.toLocaleString('en-US')})` : ''}`)
    return s
  }

  let t = process.hrtime.bigint()
  const province = buildProvince({ dir: o.out, persons: o.persons, ...(o.hospitalSets !== undefined ? { hospitalSets: o.hospitalSets } : {}), seed })
  stage('build province (sources + tables)', t, province.persons)
  t = process.hrtime.bigint()
  const loaded = loadTables(province.tablesFile)
  const policy = loaded.policy
  // the month's claims are drawn from the province's persons (province.ts claimPersons), not the tables' (none)
  const tables: Tables = { ...loaded, persons: listedPersons(province.claimPersons) }
  stage('load tables (main thread)', t)

  const ledgerFile = join(o.out, 'ledger.sqlite')
  // a fresh ledger every run: the counts and the month-end closes are this run's alone
  for (const f of [ledgerFile, `${ledgerFile}-wal`, `${ledgerFile}-shm`]) rmSync(f, { force: true })
  // the insured into the ledger, as `dipsettle persons import` stores them (SPEC §11), effective from the first month
  t = process.hrtime.bigint()
  const imported = importProvincePersons(ledgerFile, province.tablesFile, province.personsFile, `${startMonth}-01`)
  stage('import persons (ledger)', t, imported.rows, imported.cpuS)
  // the persons' share of the ledger file, left out of its bytes per settlement
  const personsBytes = fileBytes(ledgerFile)
  const mainRssMb = rssMb({ collect: false })
  t = process.hrtime.bigint()
  const pool = new AdjudicationPool({ tablesFile: province.tablesFile, ledgerFile, workers, ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}) })
  const perMonth: MonthSummary[] = []
  try {
    await pool.ready()
    stage(`start ${workers} worker(s) (load tables)`, t)
    const startedRssMb = rssMb({ collect: false })
    const ledger = openLedger(ledgerFile)
    let seqOffset = 0
    try {
      for (let i = 0; i < o.months; i++) {
        const month = addMonths(startMonth, i)
        const volume = monthVolume(o.persons, rates)
        const stream = monthClaims(tables, { month, volume, seed: seed + i, seqOffset })
        seqOffset += volume.total
        const tally = new AnswerTally()
        t = process.hrtime.bigint()
        const run = await pool.run(stream.chunks, tally)
        const settleS = stage(`${month} settle (pool, ledger)`, t, run.lines)
        const gen = stream.generated()
        const monthEnd: MonthSummary['month_end'][number][] = []
        for (const p of ['310', '390'] as const) {
          // the simulated budget: what the basic fund paid item by item for the month's discharges of the pool
          const budgetFen = ledger.inpatientHifpFen(month, p)
          t = process.hrtime.bigint()
          const me = await settleMonth(ledger, tables, policy, { month, pool: p, budgetFen, close: true })
          if (me.status !== 'ok') throw new Error(`simulate: month-end ${month} pool ${p}: ${me.message}`)
          const s = stage(`${month} month-end ${p} (close)`, t, me.report.discharges)
          monthEnd.push({ pool: p, seconds: r3(s), discharges: me.report.discharges, hospitals: me.report.hospitals.length,
            point_value_yuan: me.report.point_value_yuan, budget_yuan: me.report.budget_yuan })
        }
        perMonth.push({
          month, inpatient: gen.inpatient, outpatient: gen.outpatient, claims: run.lines, settled: run.settled,
          rejected: run.rejected, faults: run.faults, rejected_by_code: tally.byCode, settle_s: r3(settleS),
          generate_s: r3(stream.generateSeconds()), claims_per_s: Math.round(run.lines / settleS),
          ledger_rows: ledger.settlementsOfMonth(month), month_end: monthEnd,
        })
      }
      t = process.hrtime.bigint()
      const diffs = ledger.verify()
      const verify = { differences: diffs.length, seconds: r3(stage('verify ledger (recompute accumulators)', t)) }
      const { rows, personYears } = ledger.stats()
      ledger.db.pragma('wal_checkpoint(TRUNCATE)')
      const bytes = fileBytes(ledgerFile) + fileBytes(`${ledgerFile}-wal`) - personsBytes
      const ledgerInfo = { rows, bytes, bytes_per_row: rows > 0 ? Math.round(bytes / rows) : 0, person_years: personYears }
      const worker = workerMemory(tables, province.tablesFile, ledgerFile, o.out, { month: startMonth, volume: monthVolume(o.persons, rates), seed, seqOffset })
      const memory = memoryOf(mainRssMb, startedRssMb, workers, worker)
      log(`memory: main ${memory.main_rss_mb} MB; process after the run ${memory.process_rss_mb} MB (peak ${memory.process_peak_rss_mb} MB); ` +
        `a worker's process ${memory.worker_rss_mb} MB RSS (heap ${worker.heap_total_mb} MB, external ${worker.external_mb} MB, ` +
        `node's baseline ${worker.node_baseline_rss_mb} MB)`)
      return summarise({ persons: province.persons, hospitals: province.hospitals, months: o.months, workers, out: o.out,
        ledger_file: ledgerFile, stages, per_month: perMonth, ledger: ledgerInfo, verify, memory })
    } finally {
      ledger.close()
    }
  } finally {
    await pool.close()
  }
}

type Measured = Omit<SimulationReport, 'totals' | 'extrapolated'>

export interface Memory {
  /** The main thread's process before the pool started (tables loaded, persons imported; garbage not collected first). */
  readonly main_rss_mb: number
  /** The process once the workers had started (their tables loaded). */
  readonly started_rss_mb: number
  /** The process after the run, and its peak (VmHWM). */
  readonly process_rss_mb: number
  readonly process_peak_rss_mb: number
  /**
   * A worker's RSS: a process that did only a worker's work on a sample of the month's claims (worker-memory.ts),
   * node's own baseline included (an upper bound: a worker thread shares that baseline with the main thread).
   */
  readonly worker_rss_mb: number
  /** That process's figures: its isolate's heap and external memory, its RSS before (node's baseline) and after. */
  readonly worker: WorkerMemory
  /** The main thread's isolate after the run (its heap is its own; its RSS the whole process's). */
  readonly main: IsolateMemory
  /**
   * (process after the run − main before the pool) ÷ workers: threads share one RSS, and the main thread's own growth
   * meanwhile lands here too (it came out negative once) — kept for comparison with earlier runs, not a worker's size.
   */
  readonly process_growth_per_worker_mb: number
}

export interface WorkerMemory extends IsolateMemory {
  readonly claims: number
  /** Claims adjudicated to an answer other than a rejection (a person not found would be E_UNKNOWN_PERSON). */
  readonly computed: number
  readonly cpu_us_per_claim: number
  readonly node_baseline_rss_mb: number
  readonly rss_mb: number
}

/** Claims the worker-memory process settles (computes): enough to fill the persons cache and reach a steady heap. */
const WORKER_SAMPLE_CLAIMS = 20_000

/**
 * Claims like the month's (another seed; ids after every settled one, so none is already recorded) written beside the
 * ledger, and a process that does a worker's work on them (worker-memory.ts): its figures.
 */
function workerMemory(tables: Tables, tablesFile: string, ledgerFile: string, dir: string, m: { month: string; volume: { total: number; outpatient: number }; seed: number; seqOffset: number }): WorkerMemory {
  const file = join(dir, 'worker-sample.jsonl')
  const count = Math.min(WORKER_SAMPLE_CLAIMS, m.volume.total)
  const share = m.volume.total === 0 ? 0 : m.volume.outpatient / m.volume.total
  const lines: string[] = []
  for (const c of generateDemoClaims(tables, { count, month: m.month, seed: m.seed + 1, outpatientShare: share, msgidOffset: m.seqOffset })) lines.push(JSON.stringify(c))
  writeFileSync(file, lines.join('\n') + '\n')
  const p = spawnSync(process.execPath, [WORKER_MEMORY, tablesFile, ledgerFile, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (p.status !== 0) throw new Error(`simulate: worker-memory failed (exit ${p.status}): ${p.stderr}`)
  return JSON.parse(p.stdout) as WorkerMemory
}

const WORKER_MEMORY = fileURLToPath(new URL('./worker-memory.js', import.meta.url))

/** The main thread's garbage collected first (the flag set at run time: the CLI is not started with --expose-gc). */
const collect: () => void = (() => {
  v8.setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
})()

/**
 * The process's RSS, its garbage collected first unless `collect` is false: before the settle stage it is not, since a
 * forced full collection then sets the main thread's heap limit to its live size and the stage paid for the
 * marking that followed (perf: 0.3 s of 36,666 claims' settle CPU, bench/README.md "persons on the worker's connection").
 */
function rssMb(o: { collect: boolean } = { collect: true }): number {
  if (o.collect) collect()
  return Math.round(process.memoryUsage.rss() / 2 ** 20)
}

/** VmHWM of /proc/self/status (Linux), else the current RSS. */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (m) return Math.round(Number(m[1]) / 1024)
  } catch { /* not Linux */ }
  return rssMb()
}

function memoryOf(mainRssMb: number, startedRssMb: number, workers: number, worker: WorkerMemory): Memory {
  const now = rssMb()
  return { main_rss_mb: mainRssMb, started_rss_mb: startedRssMb, process_rss_mb: now, process_peak_rss_mb: peakRssMb(),
    worker_rss_mb: worker.rss_mb, worker, main: isolateMemory(), process_growth_per_worker_mb: Math.round((now - mainRssMb) / workers) }
}

/** The claims' persons as a lookup (the generator lists them; nothing here adjudicates). */
function listedPersons(list: readonly Person[]): PersonsLookup {
  const byPsn = new Map(list.map((p) => [p.psnNo, p]))
  return { get: (psnNo) => byPsn.get(psnNo), values: () => list }
}

/**
 * `dipsettle persons import` in a process of its own, as an operator runs it: its memory (the import's garbage)
 * is then not counted in the main thread's RSS that the workers' share is measured from. Its CPU seconds are its own.
 */
function importProvincePersons(ledgerFile: string, tablesFile: string, personsFile: string, effectiveFrom: string): { rows: number; cpuS: number } {
  // the province's tables: its admdvs and insuring regions check the rows' insuplc_admdvs
  const p = spawnSync(process.execPath, [CLI_MAIN, 'persons', 'import', '--ledger', ledgerFile, '--tables', tablesFile, '--effective', effectiveFrom,
    '--format', 'csv', personsFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (p.status !== 0) throw new Error(`simulate: persons import failed (exit ${p.status}): ${p.stderr}`)
  const r = JSON.parse(p.stdout) as { rows: number; cpu_s: number }
  return { rows: r.rows, cpuS: r.cpu_s }
}

const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url))

/** Totals over the months and what their rates mean at national scale. */
function summarise(m: Measured): SimulationReport {
  const perMonth = m.per_month
  const claims = perMonth.reduce((a, m) => a + m.claims, 0)
  const settleS = perMonth.reduce((a, m) => a + m.settle_s, 0)
  const meS = perMonth.reduce((a, m) => a + m.month_end.reduce((b, x) => b + x.seconds, 0), 0)
  const discharges = perMonth.reduce((a, m) => a + m.month_end.reduce((b, x) => b + x.discharges, 0), 0)
  const claimsPerS = settleS > 0 ? claims / settleS : 0
  return {
    ...m,
    totals: {
      claims, settled: perMonth.reduce((a, m) => a + m.settled, 0), rejected: perMonth.reduce((a, m) => a + m.rejected, 0),
      settle_s: r3(settleS), claims_per_s: Math.round(claimsPerS), month_end_s: r3(meS), discharges,
    },
    extrapolated: extrapolate(Math.max(claimsPerS, 1e-9), discharges > 0 ? { seconds: meS, discharges } : null),
  }
}
