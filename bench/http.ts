// HTTP benchmark: autocannon against the real listening service, POST /v1/settlements with ~7 KB demo claims (a fresh
// msgid and visit per request: every request is a new settlement, recorded durably), against a bare fastify route
// that only parses and echoes the same body, in one run. Also settles once with group commit off, to show what the
// shared transaction buys. Run alone: `node dist/bench/http.js [--quick]` (last stdout line: one JSON object).
import autocannon from 'autocannon'
import Fastify from 'fastify'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildTables } from '../grouper-data/build.js'
import type { ClaimInput } from '../engine/claim.js'
import { generateDemoClaims } from '../engine/demo/claims.js'
import { openLedger } from '../engine/ledger/sqlite.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../engine/paths.js'
import { loadTables } from '../engine/tables/load.js'
import type { Tables } from '../engine/tables/types.js'
import { buildApp } from '../server/app.js'
import { CredentialStore } from '../server/auth/credentials.js'
import type { GroupCommitMode } from '../server/group-commit.js'
import { listen } from '../server/server.js'

export interface HttpBenchResult {
  readonly http_settle_rps: number
  readonly http_settle_p99_ms: number
  readonly http_echo_rps: number
  readonly http_settle_vs_echo: number
  readonly http_settle_rps_no_group_commit: number
  readonly http_group_commit_gain: number
  readonly http_claim_bytes: number
  readonly http_settle_non2xx: number
}

export interface HttpBenchOptions {
  readonly quick?: boolean
  /** Seconds per autocannon run (default 3 quick, 10 full). */
  readonly durationS?: number
  readonly connections?: number
  readonly tablesFile?: string
}

interface Prepared {
  readonly claims: readonly ClaimInput[]
  readonly tokens: ReadonlyMap<string, string>
}

/** Claims of the demo month, re-keyed per request so that each is a new msgid and a new visit. */
function requestFactory(p: Prepared) {
  let n = 0
  return () => {
    n++
    const c = p.claims[n % p.claims.length] as ClaimInput
    const seq = String(n).padStart(18, '0').slice(-18)
    const body = JSON.stringify({ ...c, msgid: c.fixmedins_code + seq, mdtrt_id: `B${n}` })
    return { body, headers: { 'content-type': 'application/json', authorization: `Bearer ${p.tokens.get(c.fixmedins_code) as string}` } }
  }
}

async function settleRun(tables: Tables, p: Prepared, dir: string, mode: GroupCommitMode, o: { durationS: number; connections: number }) {
  const ledger = openLedger(join(dir, `ledger-${String(mode)}.sqlite`))
  const store = new CredentialStore(ledger.db)
  const tokens = new Map<string, string>()
  for (const code of new Set(p.claims.map((c) => c.fixmedins_code))) tokens.set(code, store.add({ hospital: code }).token)
  const app = await buildApp({ tables, policy: tables.policy, ledger, groupCommit: mode, closeLedger: true })
  const l = await listen(app, { port: 0, host: '127.0.0.1' })
  const next = requestFactory({ ...p, tokens })
  try {
    const r = await autocannon({
      url: `${l.url}/v1/settlements`, connections: o.connections, duration: o.durationS,
      requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...next() }) }],
    })
    return r
  } finally {
    await l.shutdown()
  }
}

async function echoRun(body: string, o: { durationS: number; connections: number }) {
  const app = Fastify({ bodyLimit: 1024 * 1024 })
  app.post('/echo', async (req) => req.body)
  const l = await listen(app as never, { port: 0, host: '127.0.0.1' })
  try {
    return await autocannon({
      url: `${l.url}/echo`, connections: o.connections, duration: o.durationS,
      requests: [{ method: 'POST', body, headers: { 'content-type': 'application/json' } }],
    })
  } finally {
    await app.close()
  }
}

export async function benchHttp(opts: HttpBenchOptions = {}): Promise<HttpBenchResult> {
  const durationS = opts.durationS ?? (opts.quick ? 3 : 10)
  const connections = opts.connections ?? 16
  const tablesFile = opts.tablesFile ?? DEMO_TABLES_FILE
  if (tablesFile === DEMO_TABLES_FILE && !existsSync(tablesFile)) buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: tablesFile })
  const tables = loadTables(tablesFile)
  // inpatient claims of ~90 lines: the ~7 KB claim of SPEC §10's real-time load
  const claims = [...generateDemoClaims(tables, { count: 2000, seed: 7, linesPerClaim: [85, 95], referralShare: 0 })]
    .filter((c) => c.med_type === '21')
  const p: Prepared = { claims, tokens: new Map() }
  const dir = mkdtempSync(join(tmpdir(), 'dipsettle-bench-http-'))
  try {
    const o = { durationS, connections }
    const settle = await settleRun(tables, p, dir, 'immediate', o)
    const single = await settleRun(tables, p, dir, false, o)
    const sample = requestFactory({ ...p, tokens: new Map([[claims[0]!.fixmedins_code, 'x']]) })().body
    const echo = await echoRun(sample, o)
    const r2 = (x: number) => Math.round(x * 100) / 100
    return {
      http_settle_rps: r2(settle.requests.average),
      http_settle_p99_ms: settle.latency.p99,
      http_echo_rps: r2(echo.requests.average),
      http_settle_vs_echo: r2(settle.requests.average / echo.requests.average),
      http_settle_rps_no_group_commit: r2(single.requests.average),
      http_group_commit_gain: r2(settle.requests.average / single.requests.average),
      http_claim_bytes: Buffer.byteLength(sample),
      http_settle_non2xx: settle.non2xx + settle.errors,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchHttp({ quick: process.argv.includes('--quick') })
  process.stdout.write(JSON.stringify(r) + '\n')
}
