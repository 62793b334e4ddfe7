// HTTP benchmark: autocannon against the real listening service, POST /v1/settlements with ~7 KB demo claims (a fresh
// msgid and visit per request: every request is a new settlement, recorded durably), against a bare fastify route
// that only parses and echoes the same body, in one run. The service commits through its ledger writer thread (its
// one real-time path); also under 4 connections, and as 2 processes (node:cluster). Each server runs in a worker
// thread (bench/http-server.ts) and autocannon on the main
// thread, so the client's work is not counted as the server's. The durable floor (bench/http-floor.ts: parse, append
// durably in one group commit per event-loop turn, answer as many bytes as a settlement) runs on the same claims and
// load: `http_settle_vs_floor` is the share of the least a durable settlement can cost that dipsettle reaches. Run alone: `node dist/bench/http.js [--quick]` (last stdout line: one JSON object).
import autocannon from 'autocannon'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { openLedger } from '../engine/ledger/sqlite.js'
import { CredentialStore } from '../server/auth/credentials.js'
import { buildTables } from '../grouper-data/build.js'
import { generateDemoClaims } from '../engine/demo/claims.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../engine/paths.js'
import { loadTables } from '../engine/tables/load.js'
import type { Tables } from '../engine/tables/types.js'
import type { HttpServerJob } from './http-server.js'

export interface HttpBenchResult {
  readonly http_settle_rps: number
  readonly http_settle_p99_ms: number
  readonly http_echo_rps: number
  readonly http_settle_vs_echo: number
  /** The durable floor (bench/http-floor.ts) on the same claims and load, and settle rps ÷ floor rps. */
  readonly http_floor_rps: number
  readonly http_floor_p99_ms: number
  readonly http_settle_vs_floor: number
  /** The size of one settlement answer to these claims: the floor answers as many bytes. */
  readonly http_answer_bytes: number
  readonly http_claim_bytes: number
  readonly http_settle_non2xx: number
  /** `dipsettle serve --workers 2` (node:cluster) on the same load: one process per core, one ledger file. */
  readonly http_settle_rps_2proc: number
  readonly http_settle_p99_ms_2proc: number
  readonly http_settle_2proc_vs_1proc: number
  /**
   * The default service under 4 connections instead of 16: what a lighter load gives in latency (closed-loop load:
   * fewer requests in flight wait less, at some cost in rate).
   */
  readonly http_settle_rps_4conn: number
  readonly http_settle_p99_ms_4conn: number
}

export interface HttpBenchOptions {
  readonly quick?: boolean
  /** Seconds per autocannon run (default 3 quick, 10 full). */
  readonly durationS?: number
  readonly connections?: number
  readonly tablesFile?: string
}

export interface Prepared {
  /** Each claim as JSON with placeholders for msgid and mdtrt_id: a request is two string replaces, not a stringify. */
  readonly templates: readonly { readonly hospital: string; readonly json: string }[]
  readonly hospitals: readonly string[]
}

const MSGID = '"__MSGID__"'
const MDTRT = '"__MDTRT__"'

/** Claims of the demo month, re-keyed per request so that each is a new msgid and a new visit. */
export function requestFactory(p: Prepared, tokens: Readonly<Record<string, string>>) {
  let n = 0
  return () => {
    n++
    const t = p.templates[n % p.templates.length]!
    const seq = String(n).padStart(18, '0').slice(-18)
    const body = t.json.replace(MSGID, `"${t.hospital}${seq}"`).replace(MDTRT, `"B${n}"`)
    return { body, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[t.hospital] ?? ''}` } }
  }
}

/** Start the server under test in a worker thread; resolves with its port, its tokens and a stop function. */
async function startServer(job: HttpServerJob): Promise<{ port: number; tokens: Record<string, string>; stop: () => Promise<void> }> {
  const file = fileURLToPath(new URL('./http-server.js', import.meta.url))
  const w = new Worker(file, { workerData: job })
  const ready = await new Promise<{ port: number; tokens: Record<string, string> }>((resolve, reject) => {
    w.once('message', resolve)
    w.once('error', reject)
    w.once('exit', (code) => reject(new Error(`http bench server exited (${code}) before listening`)))
  })
  return {
    ...ready,
    stop: () => new Promise<void>((resolve) => { w.once('exit', () => resolve()); w.postMessage('stop') }),
  }
}

async function settleRun(tablesFile: string, p: Prepared, dir: string, name: string,
  o: { durationS: number; connections: number; probe?: { answerBytes: number } }) {
  const server = await startServer({
    kind: 'settle', tablesFile, ledgerFile: join(dir, `ledger-${name}-c${o.connections}.sqlite`), hospitals: p.hospitals,
  })
  const next = requestFactory(p, server.tokens)
  try {
    if (o.probe !== undefined) {
      // one real settlement first: its answer's size is the floor's answer size (a request of the same load)
      const r = next()
      const res = await fetch(`http://127.0.0.1:${server.port}/v1/settlements`, { method: 'POST', body: r.body, headers: r.headers })
      if (res.status !== 200) throw new Error(`http bench: probe settlement answered ${res.status}: ${(await res.text()).slice(0, 200)}`)
      o.probe.answerBytes = (await res.arrayBuffer()).byteLength
    }
    return await autocannon({
      url: `http://127.0.0.1:${server.port}/v1/settlements`, connections: o.connections, duration: o.durationS,
      requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...next() }) }],
    })
  } finally {
    await server.stop()
  }
}

/** The settlement route served by `dipsettle serve --workers N` (node:cluster: N processes, one ledger file). */
async function clusterSettleRun(tablesFile: string, p: Prepared, dir: string, workers: number, o: { durationS: number; connections: number }) {
  const ledgerFile = join(dir, `ledger-cluster-${workers}.sqlite`)
  const ledger = openLedger(ledgerFile)
  const store = new CredentialStore(ledger.db)
  const tokens: Record<string, string> = {}
  for (const code of p.hospitals) tokens[code] = (await store.add({ hospital: code })).token
  ledger.close()
  return serveUnderLoad(tablesFile, ledgerFile, workers, [], p, tokens, o)
}

/**
 * `dipsettle serve --workers N` on this ledger (a file or a URL, its credentials made first) as a child process, and
 * autocannon on its settlement route for durationS; the server is stopped after.
 */
export async function serveUnderLoad(
  tablesFile: string, ledger: string, workers: number, extraArgs: readonly string[], p: Prepared,
  tokens: Readonly<Record<string, string>>, o: { durationS: number; connections: number },
) {
  const port = await freePort()
  const main = fileURLToPath(new URL('../engine/cli/main.js', import.meta.url))
  const child = spawn(process.execPath, [main, 'serve', '--tables', tablesFile, '--ledger', ledger, '--port', String(port),
    '--workers', String(workers), ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => { if (b.toString().includes('serving')) resolve() }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.once('exit', (code) => reject(new Error(`dipsettle serve exited (${code}) before listening`)))
    })
    const next = requestFactory(p, tokens)
    return await autocannon({
      url: `http://127.0.0.1:${port}/v1/settlements`, connections: o.connections, duration: o.durationS,
      requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...next() }) }],
    })
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}

/** A TCP port free on the loopback now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0))
    })
  })
}

/** The durable floor on the same claims: the body as sent to the settlement route (msgid and visit fresh per request). */
async function floorRun(p: Prepared, dir: string, answerBytes: number, o: { durationS: number; connections: number }) {
  const server = await startServer({ kind: 'floor', file: join(dir, 'floor.sqlite'), answerBytes })
  const next = requestFactory(p, {})
  try {
    return await autocannon({
      url: `http://127.0.0.1:${server.port}/floor`, connections: o.connections, duration: o.durationS,
      requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...next() }) }],
    })
  } finally {
    await server.stop()
  }
}

async function echoRun(body: string, o: { durationS: number; connections: number }) {
  const server = await startServer({ kind: 'echo' })
  try {
    return await autocannon({
      url: `http://127.0.0.1:${server.port}/echo`, connections: o.connections, duration: o.durationS,
      requests: [{ method: 'POST', body, headers: { 'content-type': 'application/json' } }],
    })
  } finally {
    await server.stop()
  }
}

/** Inpatient claims of ~90 lines: the ~7 KB claim of SPEC §10's real-time load, as request templates. */
export function realtimeClaims(tables: Tables): Prepared {
  const claims = [...generateDemoClaims(tables, { count: 2000, seed: 7, linesPerClaim: [85, 95], referralShare: 0 })]
    .filter((c) => c.med_type === '21')
  return {
    templates: claims.map((c) => ({ hospital: c.fixmedins_code, json: JSON.stringify({ ...c, msgid: '__MSGID__', mdtrt_id: '__MDTRT__' }) })),
    hospitals: [...new Set(claims.map((c) => c.fixmedins_code))],
  }
}

export async function benchHttp(opts: HttpBenchOptions = {}): Promise<HttpBenchResult> {
  const durationS = opts.durationS ?? (opts.quick ? 3 : 10)
  const connections = opts.connections ?? 16
  const tablesFile = opts.tablesFile ?? DEMO_TABLES_FILE
  if (tablesFile === DEMO_TABLES_FILE && !existsSync(tablesFile)) buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: tablesFile })
  const p = realtimeClaims(loadTables(tablesFile))
  const dir = mkdtempSync(join(tmpdir(), 'dipsettle-bench-http-'))
  try {
    const o = { durationS, connections }
    const probe = { answerBytes: 0 }
    const settle = await settleRun(tablesFile, p, dir, 'thread', { ...o, probe })
    const floor = await floorRun(p, dir, probe.answerBytes, o)
    const light = await settleRun(tablesFile, p, dir, 'thread', { ...o, connections: 4 })
    const cluster2 = await clusterSettleRun(tablesFile, p, dir, 2, o)
    const sample = requestFactory(p, {})().body
    const echo = await echoRun(sample, o)
    const r2 = (x: number) => Math.round(x * 100) / 100
    return {
      http_settle_rps: r2(settle.requests.average),
      http_settle_p99_ms: settle.latency.p99,
      http_echo_rps: r2(echo.requests.average),
      http_settle_vs_echo: r2(settle.requests.average / echo.requests.average),
      http_floor_rps: r2(floor.requests.average),
      http_floor_p99_ms: floor.latency.p99,
      http_settle_vs_floor: r2(settle.requests.average / floor.requests.average),
      http_answer_bytes: probe.answerBytes,
      http_claim_bytes: Buffer.byteLength(sample),
      http_settle_non2xx: settle.non2xx + settle.errors + light.non2xx + light.errors + floor.non2xx + floor.errors,
      http_settle_rps_2proc: r2(cluster2.requests.average),
      http_settle_p99_ms_2proc: cluster2.latency.p99,
      http_settle_2proc_vs_1proc: r2(cluster2.requests.average / settle.requests.average),
      http_settle_rps_4conn: r2(light.requests.average),
      http_settle_p99_ms_4conn: light.latency.p99,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchHttp({ quick: process.argv.includes('--quick') })
  process.stdout.write(JSON.stringify(r) + '\n')
}
