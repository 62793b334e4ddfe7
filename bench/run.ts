// `npm run bench [-- --quick]`: every benchmark module, each in its own child process (a crash, a hang or one
// module's garbage cannot touch another's figures), repeated (3 full, fewer quick) with min / median / max. Each
// headline figure is a RATIO against a baseline measured in the same run — absolute rates on a shared 2-core CI
// machine say little, a ratio to the machine's own bare baseline says what the engine adds. Prints a table; the LAST
// stdout line is one JSON object with every SPEC §9 key (the median; null when the module is missing or failed,
// with an `errors` entry) plus extras; writes bench/results/<YYYY-MM-DD>.json.
// Run from the build: `node dist/bench/run.js [--quick] [--only engine,regroup] [--pg URL]` (the pg module runs only
// with a PostgreSQL server: --pg URL or DIPSETTLE_TEST_PG).
import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { DEMO_TABLES_FILE, fromRoot } from '../engine/paths.js'

type Figures = Record<string, number | string | boolean | Record<string, number> | null>

interface ModuleSpec {
  /** Name in the table and in `errors`; also the file dist/bench/<file>.js. */
  readonly name: string
  readonly file: string
  /** The exported function (other engineers' modules: their names, unchanged). */
  readonly fn: string
  readonly repeats: { readonly full: number; readonly quick: number }
  /** Seconds before a child is killed and the module reported as failed. */
  readonly timeoutS: { readonly full: number; readonly quick: number }
  /** Call the module's function with the options of this mode; may add its own baseline. */
  readonly call: (f: (...a: never[]) => unknown, quick: boolean) => Promise<Figures>
}

type Fn = (...a: unknown[]) => unknown

/**
 * The naive loader: step every row of every canonical SQL table of the lookup file into JS (the `packed` JSON copy
 * that loadTables reads instead is left out). `tables_load_ms` over this shows what the packed form buys.
 */
function sqliteScanMs(file: string): number {
  const db = new Database(file, { readonly: true })
  try {
    const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'packed'`).pluck().all() as string[]
    const times: number[] = []
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now()
      let rows = 0
      for (const n of names) for (const _ of db.prepare(`SELECT * FROM "${n}"`).raw().iterate()) rows++
      times.push(performance.now() - t0)
      if (rows === 0) throw new Error(`${file}: no rows to scan`)
    }
    return median(times)
  } finally {
    db.close()
  }
}

export const MODULES: readonly ModuleSpec[] = [
  {
    name: 'engine', file: 'engine', fn: 'runEngineBench', repeats: { full: 3, quick: 2 }, timeoutS: { full: 300, quick: 60 },
    call: async (f, quick) => (f as Fn)(quick ? 5_000 : 20_000) as Figures,
  },
  {
    name: 'regroup', file: 'regroup', fn: 'runRegroupBench', repeats: { full: 3, quick: 2 }, timeoutS: { full: 300, quick: 60 },
    call: async (f, quick) => (f as Fn)(quick ? 50_000 : 200_000) as Figures,
  },
  {
    name: 'tables-load', file: 'tables-load', fn: 'benchTablesLoad', repeats: { full: 3, quick: 2 }, timeoutS: { full: 300, quick: 60 },
    call: async (f, quick) => {
      const r = (f as Fn)({ runs: quick ? 3 : 5 }) as { tables_load_ms: number; worker_rss_mb: number }
      const scan = sqliteScanMs(DEMO_TABLES_FILE)
      const fileMb = statSync(DEMO_TABLES_FILE).size / 1048576
      return {
        ...r, tables_sqlite_scan_ms: round(scan, 1), tables_load_vs_sqlite_scan: round(r.tables_load_ms / scan, 2),
        tables_file_mb: round(fileMb, 1), worker_rss_vs_tables_file: round(r.worker_rss_mb / fileMb, 2),
      }
    },
  },
  {
    name: 'month-end', file: 'month-end', fn: 'runMonthEndBench', repeats: { full: 3, quick: 1 }, timeoutS: { full: 900, quick: 120 },
    call: async (f, quick) => (f as Fn)({ rows: 1_000_000, runs: quick ? 1 : 2 }) as Figures,
  },
  {
    name: 'pool', file: 'pool', fn: 'runPoolBench', repeats: { full: 3, quick: 1 }, timeoutS: { full: 900, quick: 120 },
    call: async (f, quick) => (await (f as Fn)({ quick })) as Figures,
  },
  {
    // the built CLI as a child process, files in and out: 40,000 claims (~100 MB) full, 8,000 quick
    name: 'cli', file: 'cli', fn: 'runCliBench', repeats: { full: 1, quick: 1 }, timeoutS: { full: 900, quick: 180 },
    call: async (f, quick) => (await (f as Fn)({ quick })) as Figures,
  },
  {
    name: 'http', file: 'http', fn: 'benchHttp', repeats: { full: 3, quick: 1 }, timeoutS: { full: 900, quick: 150 },
    call: async (f, quick) => (await (f as Fn)({ quick })) as Figures,
  },
  {
    // the PostgreSQL ledger beside SQLite (bench/pg.ts): only with a server (DIPSETTLE_TEST_PG or --pg URL)
    name: 'pg', file: 'pg', fn: 'runPgBench', repeats: { full: 1, quick: 1 }, timeoutS: { full: 900, quick: 240 },
    call: async (f, quick) => (await (f as Fn)({ quick })) as Figures,
  },
]

/** SPEC §9 keys, in the order of the table. */
export const SPEC_KEYS = [
  'http_settle_rps', 'http_settle_p99_ms', 'http_echo_rps', 'http_settle_vs_echo', 'engine_claims_per_s', 'engine_vs_lookup_only',
  'pool_claims_per_s_1w', 'pool_claims_per_s_2w', 'pool_scaling_2w_vs_1w', 'regroup_claims_per_s', 'month_end_1m_s',
  'month_end_1m_vs_sqlite_groupby', 'tables_load_ms', 'worker_rss_mb',
  // second wave
  'http_floor_rps', 'http_settle_vs_floor', 'cli_workers_scaling_2w_vs_1w',
  'pg_pool_ledger_claims_per_s_1w', 'pg_pool_ledger_claims_per_s_2w', 'pg_http_settle_rps_1proc', 'pg_http_settle_rps_2proc',
  'pg_http_2proc_vs_1proc',
] as const

/** Headline ratios: figure ÷ its baseline from the same run (SPEC keys first, then this runner's own). */
export const HEADLINE_RATIOS: Readonly<Record<string, string>> = {
  http_settle_vs_echo: 'settle rps ÷ a bare fastify echo of the same body',
  http_settle_vs_floor: 'settle rps ÷ a durable floor (parse, fsync\'d append, answer-sized reply)',
  cli_workers_scaling_2w_vs_1w: 'adjudicate --workers 2 ÷ --workers 1, files in and out',
  engine_vs_lookup_only: 'adjudication rate ÷ a loop doing only its table look-ups',
  pool_scaling_2w_vs_1w: 'pool rate with 2 workers ÷ with 1',
  month_end_1m_vs_sqlite_groupby: 'month-end time ÷ a bare SQLite GROUP BY over the same rows',
  regroup_vs_engine: 'regroup rate ÷ full adjudication rate',
  tables_load_vs_sqlite_scan: 'load time ÷ stepping every SQL row of the same file',
  worker_rss_vs_tables_file: 'worker RSS ÷ size of the tables file',
  pg_http_2proc_vs_1proc: 'serve --workers 2 ÷ --workers 1 on PostgreSQL',
  pg_http_1proc_vs_sqlite: 'serve on PostgreSQL ÷ on a SQLite file, 1 process',
  pg_pool_2w_vs_1w: 'adjudicate --workers 2 ÷ 1 on PostgreSQL, files in and out',
  pg_pool_1w_vs_sqlite: 'adjudicate --workers 1 on PostgreSQL ÷ on SQLite',
}

function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/** min / median / max of every numeric key over the repeats; non-numeric keys from the last repeat. */
export function summarise(repeats: readonly Figures[]): { values: Figures; spread: Record<string, [number, number, number]> } {
  const values: Figures = {}
  const spread: Record<string, [number, number, number]> = {}
  const keys = new Set(repeats.flatMap((r) => Object.keys(r)))
  for (const k of keys) {
    const nums = repeats.map((r) => r[k]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    if (nums.length === repeats.length && nums.length > 0) {
      const med = median(nums)
      // integer figures (rates) stay integers when an even count of repeats averages the middle two
      values[k] = nums.every(Number.isInteger) ? Math.round(med) : round(med, 3)
      spread[k] = [Math.min(...nums), values[k] as number, Math.max(...nums)]
    } else {
      values[k] = repeats.at(-1)?.[k] ?? null
    }
  }
  return { values, spread }
}

// ------------------------------------------------------------------------------------------------ child

/** Child mode: run one module once and print its figures as the last stdout line. */
async function child(name: string, quick: boolean): Promise<void> {
  const spec = MODULES.find((m) => m.name === name)
  if (spec === undefined) throw new Error(`bench: no module named ${name}`)
  // tables-load measures RSS after a collection: expose gc without asking every caller for --expose-gc
  if ((globalThis as { gc?: unknown }).gc === undefined) {
    setFlagsFromString('--expose-gc')
    ;(globalThis as { gc?: unknown }).gc = runInNewContext('gc')
  }
  const here = fileURLToPath(new URL('.', import.meta.url))
  const file = join(here, `${spec.file}.js`)
  if (!existsSync(file)) throw new Error(`bench/${spec.file}.ts is not built (${file} missing)`)
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  const f = mod[spec.fn]
  if (typeof f !== 'function') throw new Error(`bench/${spec.file}.ts exports no function ${spec.fn}`)
  const figures = await spec.call(f as (...a: never[]) => unknown, quick)
  process.stdout.write('\n' + JSON.stringify(figures) + '\n')
}

function runChild(name: string, quick: boolean, timeoutS: number): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const args = [fileURLToPath(import.meta.url), '--child', name, ...(quick ? ['--quick'] : [])]
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    p.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    p.stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
    const timer = setTimeout(() => { p.kill('SIGKILL') }, timeoutS * 1000)
    p.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code !== 0) {
        const why = signal === 'SIGKILL' ? `killed after ${timeoutS} s` : `exit ${code ?? signal}`
        const tail = err.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ')
        reject(new Error(`${why}${tail !== '' ? ': ' + tail.slice(0, 500) : ''}`))
        return
      }
      const last = out.trim().split('\n').at(-1) ?? ''
      try {
        resolve(JSON.parse(last) as Figures)
      } catch {
        reject(new Error(`no JSON figures on the last stdout line: ${last.slice(0, 200)}`))
      }
    })
  })
}

// ------------------------------------------------------------------------------------------------ parent

function fmtNum(v: unknown): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '—' : String(v)
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(v)
}

function table(values: Figures, spread: Record<string, [number, number, number]>, runs: Record<string, number>): string {
  const keys = [...SPEC_KEYS, ...Object.keys(HEADLINE_RATIOS).filter((k) => !(SPEC_KEYS as readonly string[]).includes(k))]
  const head = `${'figure'.padEnd(32)}${'median'.padStart(12)}${'min'.padStart(12)}${'max'.padStart(12)}  n  baseline (ratios)\n`
  const rows = keys.map((k) => {
    const s = spread[k]
    const module = k.split('_')[0] === 'month' ? 'month-end' : k.startsWith('tables') || k.startsWith('worker') ? 'tables-load' : k.split('_')[0] ?? ''
    return `${(HEADLINE_RATIOS[k] !== undefined ? '* ' : '  ') + k}`.padEnd(32) + fmtNum(values[k]).padStart(12)
      + fmtNum(s?.[0] ?? null).padStart(12) + fmtNum(s?.[2] ?? null).padStart(12)
      + `  ${String(runs[module] ?? 0)}  ${HEADLINE_RATIOS[k] ?? ''}`
  })
  return head + rows.join('\n') + '\n'
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const quick = argv.includes('--quick')
  const childAt = argv.indexOf('--child')
  if (childAt >= 0) {
    await child(argv[childAt + 1] ?? '', quick)
    return
  }
  // --pg URL: the PostgreSQL server of the pg module (its children read it from the environment)
  const pgAt = argv.indexOf('--pg')
  if (pgAt >= 0 && argv[pgAt + 1] !== undefined) process.env['DIPSETTLE_BENCH_PG'] = argv[pgAt + 1]
  const onlyAt = argv.indexOf('--only')
  const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',')) : null
  const started = Date.now()
  const values: Figures = {}
  const spread: Record<string, [number, number, number]> = {}
  const errors: { module: string; error: string }[] = []
  const runs: Record<string, number> = {}
  for (const m of MODULES) {
    if (only !== null && !only.has(m.name)) continue
    const n = quick ? m.repeats.quick : m.repeats.full
    const got: Figures[] = []
    for (let r = 0; r < n; r++) {
      const t0 = Date.now()
      try {
        got.push(await runChild(m.name, quick, quick ? m.timeoutS.quick : m.timeoutS.full))
        process.stderr.write(`bench: ${m.name} ${r + 1}/${n} ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
      } catch (e) {
        errors.push({ module: m.name, error: (e as Error).message })
        process.stderr.write(`bench: ${m.name} ${r + 1}/${n} FAILED: ${(e as Error).message}\n`)
        break // a module that fails once is reported, not retried: the others still run
      }
    }
    runs[m.name] = got.length
    if (got.length > 0 && got.length === n) {
      const s = summarise(got)
      Object.assign(values, s.values)
      Object.assign(spread, s.spread)
    }
  }
  // a ratio across two modules, once both medians exist
  const regroup = values['regroup_claims_per_s']
  const engine = values['engine_claims_per_s']
  if (typeof regroup === 'number' && typeof engine === 'number' && engine > 0) values['regroup_vs_engine'] = round(regroup / engine, 2)

  const result: Figures & { errors: unknown } = {
    ...Object.fromEntries(SPEC_KEYS.map((k) => [k, values[k] ?? null])),
    ...Object.fromEntries(Object.entries(values).filter(([k]) => !(SPEC_KEYS as readonly string[]).includes(k))),
    batch_size: values['pool_best_batch_size'] ?? null,
    quick,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    load_avg_1m_at_end: round(loadavg()[0] ?? 0, 2),
    repeats: Object.fromEntries(MODULES.map((m) => [m.name, runs[m.name] ?? 0])),
    duration_s: round((Date.now() - started) / 1000, 1),
    spread: Object.fromEntries(Object.entries(spread).filter(([k]) => (SPEC_KEYS as readonly string[]).includes(k) || k in HEADLINE_RATIOS)) as never,
    errors: errors as never,
  }
  process.stdout.write(`dipsettle benchmarks (${quick ? 'quick' : 'full'}), ${result.date as string}, node ${process.version}, ${cpus().length} cpus\n`)
  process.stdout.write(table(values, spread, runs))
  if (errors.length > 0) process.stdout.write(errors.map((e) => `error: ${e.module}: ${e.error}`).join('\n') + '\n')
  const dir = fromRoot('bench', 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${(result.date as string).slice(0, 10)}.json`), JSON.stringify(result, null, 2) + '\n')
  process.stdout.write(JSON.stringify(result) + '\n')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main()
}
