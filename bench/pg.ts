// Benchmark of the PostgreSQL ledger (SPEC §9 second wave, §11): `dipsettle adjudicate --workers 1|2` and
// `dipsettle serve --workers 1|2` on a PostgreSQL URL, each beside the same command on a SQLite ledger file IN THE
// SAME RUN (same claims, same harness, runs alternated), so the ratios hold on a loaded machine where the rates do not.
// Needs a PostgreSQL server: DIPSETTLE_TEST_PG (`.ci/pg-cluster start`, .ci/run) or `--pg URL`; without one it reports
// nothing (the keys stay null) and starts nothing. Each run gets a new database on that server, dropped after.
// Run alone after `npx tsc -p .`: `node dist/bench/pg.js [--quick] [--pg URL]` (last stdout line: one JSON object).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { generateDemoClaims } from '../engine/demo/claims.js'
import { PgLedger } from '../engine/ledger/postgres/ledger.js'
import { openLedger } from '../engine/ledger/sqlite.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../engine/paths.js'
import { loadTables } from '../engine/tables/load.js'
import { buildTables } from '../grouper-data/build.js'
import { CredentialStore } from '../server/auth/credentials.js'
import { runCli, writeClaimsFile } from './cli.js'
import { postmasterOf, sampleEvery } from './cpu.js'
import { serveUnderLoad, type Prepared } from './http.js'

export interface PgBenchResult {
  /** `adjudicate --workers N` on PostgreSQL (each worker thread commits itself), claims/s, files in and out. */
  readonly pg_pool_ledger_claims_per_s_1w: number
  readonly pg_pool_ledger_claims_per_s_2w: number
  readonly pg_pool_2w_vs_1w: number
  /** The same command and claims on a SQLite ledger file, this run. */
  readonly pg_sqlite_pool_claims_per_s_1w: number
  readonly pg_sqlite_pool_claims_per_s_2w: number
  readonly pg_pool_1w_vs_sqlite: number
  /** `serve --workers N` on PostgreSQL, POST /v1/settlements, requests/s and p99 ms. */
  readonly pg_http_settle_rps_1proc: number
  readonly pg_http_settle_rps_2proc: number
  readonly pg_http_2proc_vs_1proc: number
  readonly pg_http_settle_p99_ms_1proc: number
  /** `serve --workers 1` on a SQLite ledger file, same load, this run; and PostgreSQL ÷ it. */
  readonly pg_sqlite_http_settle_rps_1proc: number
  readonly pg_http_1proc_vs_sqlite: number
  readonly pg_http_non2xx: number
  readonly pg_claims: number
  /**
   * CPU per request during each HTTP run's load window (bench/cpu.ts, from /proc), by who spent it: the `serve`
   * processes, the PostgreSQL cluster (postmaster and backends), the load generator (autocannon, in this process);
   * and the rate the machine's cores would allow were they all ours: cores ÷ the sum. `busy_cores`: the whole
   * machine's busy CPU per second of the window (ours and the neighbours'); `others`: what was not ours.
   */
  readonly pg_http_cpu: Readonly<Record<'sqlite_1proc' | 'pg_1proc' | 'pg_2proc', CpuPerRequest>>
}

export interface CpuPerRequest {
  readonly server_us_per_req: number
  readonly postgres_us_per_req: number | null
  readonly loadgen_us_per_req: number
  readonly total_us_per_req: number
  readonly ceiling_rps: number
  readonly busy_cores: number
  readonly others_cores: number
  readonly requests: number
}

const r2 = (x: number): number => Math.round(x * 100) / 100

/** The server to bench against: --pg URL (run.ts passes it on as DIPSETTLE_BENCH_PG), else DIPSETTLE_TEST_PG, else none. */
export function benchPgUrl(argv: readonly string[] = process.argv): string | undefined {
  const at = argv.indexOf('--pg')
  return (at >= 0 ? argv[at + 1] : undefined) ?? (process.env['DIPSETTLE_BENCH_PG'] || process.env['DIPSETTLE_TEST_PG'] || undefined)
}

/** A new database on the server, its schema created (not timed); drop() removes it. */
async function freshLedger(server: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `dipsettle_bench_${randomBytes(5).toString('hex')}`
  const admin = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: server })
    await c.connect()
    try { await c.query(sql) } finally { await c.end() }
  }
  await admin(`CREATE DATABASE ${name}`)
  const u = new URL(server)
  u.pathname = '/' + name
  await (await PgLedger.open(u.toString(), { maxConnections: 1 })).close()
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

/**
 * `dipsettle serve` on this ledger (file or URL) with N processes; credentials made first; autocannon for durationS;
 * the CPU of its load window by who spent it.
 */
async function serveRun(tablesFile: string, ledger: string, p: Prepared, workers: number, o: { durationS: number; connections: number }) {
  const tokens: Record<string, string> = {}
  let postmaster: number | undefined
  if (ledger.startsWith('postgres')) {
    const l = await PgLedger.open(ledger, { maxConnections: 1 })
    const store = new CredentialStore(l.credentials)
    for (const code of p.hospitals) tokens[code] = (await store.add({ hospital: code })).token
    postmaster = postmasterOf((await l.connections.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid)
    await l.close()
  } else {
    const l = openLedger(ledger)
    const store = new CredentialStore(l.db)
    for (const code of p.hospitals) tokens[code] = (await store.add({ hospital: code })).token
    l.close()
  }
  const cpu = sampleEvery(100, postmaster)
  try {
    const run = await serveUnderLoad(tablesFile, ledger, workers, ['--batch-workers', '0'], p, tokens, o)
    cpu.stop()
    const w = cpu.between(new Date(run.start).getTime(), new Date(run.finish).getTime())
    const n = Math.max(1, run.requests.total)
    const us = (sec: number): number => Math.round((sec * 1e6) / n)
    const total = w.childrenS + (w.postgresS ?? 0) + w.selfS
    const cpuPerRequest: CpuPerRequest = {
      server_us_per_req: us(w.childrenS), postgres_us_per_req: w.postgresS === null ? null : us(w.postgresS),
      loadgen_us_per_req: us(w.selfS), total_us_per_req: us(total), ceiling_rps: Math.round((cpus().length * n) / total),
      busy_cores: r2(w.machineS / w.wallS), others_cores: r2((w.machineS - total) / w.wallS), requests: run.requests.total,
    }
    return { run, cpu: cpuPerRequest }
  } finally {
    cpu.stop()
  }
}

export async function runPgBench(opts: { quick?: boolean; url?: string; tablesFile?: string; claims?: number } = {}): Promise<PgBenchResult | { pg_ledger: string }> {
  const server = opts.url ?? benchPgUrl()
  if (server === undefined) return { pg_ledger: 'no server: set DIPSETTLE_TEST_PG or pass --pg URL' }
  const quick = opts.quick === true
  const tablesFile = opts.tablesFile ?? DEMO_TABLES_FILE
  if (tablesFile === DEMO_TABLES_FILE && !existsSync(tablesFile)) buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: tablesFile })
  const claims = opts.claims ?? (quick ? 600 : 3000)
  const dir = mkdtempSync(join(tmpdir(), 'dipsettle-bench-pg-'))
  try {
    // the pool: adjudicate --workers 1 and 2, files in and out, SQLite and PostgreSQL alternated; best of the repeats
    const inFile = join(dir, 'in.jsonl')
    writeClaimsFile(inFile, tablesFile, claims)
    const best: Record<string, number> = {}
    let n = 0
    for (let rep = 0; rep < (quick ? 1 : 2); rep++) {
      for (const workers of [1, 2]) {
        const file = join(dir, `pool-${++n}.sqlite`)
        const s = await runCli(['--tables', tablesFile, '--ledger', file, '--workers', String(workers)], inFile, join(dir, 'out.jsonl'))
        best[`sqlite${workers}`] = Math.min(best[`sqlite${workers}`] ?? Infinity, s)
        const db = await freshLedger(server)
        try {
          const t = await runCli(['--tables', tablesFile, '--ledger', db.url, '--workers', String(workers)], inFile, join(dir, 'out.jsonl'))
          best[`pg${workers}`] = Math.min(best[`pg${workers}`] ?? Infinity, t)
        } finally {
          await db.drop()
        }
      }
    }
    const rate = (k: string): number => Math.round(claims / best[k]!)

    // HTTP: serve --workers 1 on SQLite, then --workers 1 and 2 on PostgreSQL, the same ~7 KB inpatient claims
    const tables = loadTables(tablesFile)
    const inpatient = [...generateDemoClaims(tables, { count: 2000, seed: 7, linesPerClaim: [85, 95], referralShare: 0 })]
      .filter((c) => c.med_type === '21')
    const p: Prepared = {
      templates: inpatient.map((c) => ({ hospital: c.fixmedins_code, json: JSON.stringify({ ...c, msgid: '__MSGID__', mdtrt_id: '__MDTRT__' }) })),
      hospitals: [...new Set(inpatient.map((c) => c.fixmedins_code))],
    }
    const o = { durationS: quick ? 2 : 10, connections: 16 }
    const { run: sqlite1, cpu: sqliteCpu1 } = await serveRun(tablesFile, join(dir, 'serve.sqlite'), p, 1, o)
    const onPg = async (workers: number) => {
      const db = await freshLedger(server)
      try {
        return await serveRun(tablesFile, db.url, p, workers, o)
      } finally {
        await db.drop()
      }
    }
    const { run: pg1, cpu: pgCpu1 } = await onPg(1)
    const { run: pg2, cpu: pgCpu2 } = await onPg(2)
    return {
      pg_pool_ledger_claims_per_s_1w: rate('pg1'),
      pg_pool_ledger_claims_per_s_2w: rate('pg2'),
      pg_pool_2w_vs_1w: r2(best['pg1']! / best['pg2']!),
      pg_sqlite_pool_claims_per_s_1w: rate('sqlite1'),
      pg_sqlite_pool_claims_per_s_2w: rate('sqlite2'),
      pg_pool_1w_vs_sqlite: r2(best['sqlite1']! / best['pg1']!),
      pg_http_settle_rps_1proc: r2(pg1.requests.average),
      pg_http_settle_rps_2proc: r2(pg2.requests.average),
      pg_http_2proc_vs_1proc: r2(pg2.requests.average / pg1.requests.average),
      pg_http_settle_p99_ms_1proc: pg1.latency.p99,
      pg_sqlite_http_settle_rps_1proc: r2(sqlite1.requests.average),
      pg_http_1proc_vs_sqlite: r2(pg1.requests.average / sqlite1.requests.average),
      pg_http_non2xx: sqlite1.non2xx + sqlite1.errors + pg1.non2xx + pg1.errors + pg2.non2xx + pg2.errors,
      pg_claims: claims,
      pg_http_cpu: { sqlite_1proc: sqliteCpu1, pg_1proc: pgCpu1, pg_2proc: pgCpu2 },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runPgBench({ quick: process.argv.includes('--quick') })
  process.stdout.write(JSON.stringify(r) + '\n')
}
