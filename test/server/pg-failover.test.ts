// A PostgreSQL failover under load (SPEC §11, issue 15; docs/scale-out.md "Failover and the requests in flight"): a
// primary with a synchronous streaming standby (`synchronous_commit = remote_apply`), a `dipsettle serve` process that
// reaches the database through one address (a TCP forwarder standing in for the virtual IP or DNS name), claims in
// flight. Midway the primary crashes (immediate stop), the standby is promoted and the address moves to it. The
// process is not restarted: requests caught by the failover answer 503 E_LEDGER_UNAVAILABLE (never a 500) and are
// resent with the same msgid. Then: every settlement answered before the crash is on the promoted standby (its resend
// replays the same answer), each msgid is recorded exactly once, and `dipsettle ledger verify` is clean.
import { spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect, type Server as NetServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import pg from 'pg'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { freePort } from '../../bench/http.js'
import { CLI, demoTables, requireBuilt } from '../pool/helpers.js'
import { startServe } from './serve-child.js'
import { describePg } from '../ledger/pg-server.js'

const CLUSTER = join(import.meta.dirname, '../../.ci/pg-cluster')
const PERSONS = 8
const CLAIMS = 48

function cluster(root: string, ...args: string[]): string {
  const r = spawnSync('bash', [CLUSTER, ...args], { env: { ...process.env, PG_CLUSTER_ROOT: root }, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`pg-cluster ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

/** The address the dipsettle process connects to: forwards to `target`; moved, it drops every connection it carries. */
class Forwarder {
  private readonly sockets = new Set<Socket>()
  private server: NetServer | undefined
  constructor(private target: number) {}
  async listen(): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1')
      for (const s of [client, upstream]) {
        this.sockets.add(s)
        s.on('error', () => s.destroy())
        s.on('close', () => { this.sockets.delete(s); client.destroy(); upstream.destroy() })
      }
      client.pipe(upstream).pipe(client)
    })
    const port = await freePort()
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve))
    return port
  }
  moveTo(port: number): void {
    this.target = port
    for (const s of this.sockets) s.destroy()
  }
  close(): void {
    this.moveTo(0)
    this.server?.close()
  }
}

async function sql(url: string, text: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(text)).rows as Record<string, unknown>[]
  } finally {
    await c.end()
  }
}

describePg('a PostgreSQL failover to a synchronous standby under load', () => {
  const roots = { primary: '', standby: '' }
  let forwarder: Forwarder
  let url = ''
  let serve: ChildProcess | undefined
  let base = ''
  const tokens: Record<string, string> = {}
  let claims: ClaimInput[] = []

  beforeAll(async () => {
    requireBuilt()
    roots.primary = mkdtempSync('/tmp/dipsettle-failover-primary-')
    roots.standby = mkdtempSync('/tmp/dipsettle-failover-standby-')
    const primaryUrl = cluster(roots.primary, 'start').replace(/^export DIPSETTLE_TEST_PG=/, '')
    cluster(roots.standby, 'standby', roots.primary)
    // an answered settlement must be on the standby: commits wait for it to have applied them
    await sql(primaryUrl, "ALTER SYSTEM SET synchronous_standby_names = '*'")
    await sql(primaryUrl, "ALTER SYSTEM SET synchronous_commit = 'remote_apply'")
    await sql(primaryUrl, 'SELECT pg_reload_conf()')
    for (let i = 0; ; i++) {
      const r = await sql(primaryUrl, 'SELECT sync_state FROM pg_stat_replication')
      if (r[0]?.['sync_state'] === 'sync') break
      if (i > 100) throw new Error(`the standby never became synchronous: ${JSON.stringify(r)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    forwarder = new Forwarder(Number(new URL(primaryUrl).port))
    const u = new URL(primaryUrl)
    u.port = String(await forwarder.listen())
    url = u.toString()
    const tables = demoTables()
    const persons = [...tables.persons.values()].slice(0, PERSONS).map((p) => p.psnNo)
    claims = [...generateDemoClaims(tables, { count: CLAIMS, seed: 21, month: '2026-10' })].map((c, i) => ({ ...c, psn_no: persons[i % PERSONS]! }))
    const ledger = await PgLedger.open(url)
    const store = new CredentialStore(ledger.credentials)
    for (const h of new Set(claims.map((c) => c.fixmedins_code))) tokens[h] = (await store.add({ hospital: h })).token
    await ledger.close()
    const port = await freePort()
    serve = await startServe(url, port)
    base = `http://127.0.0.1:${port}`
  }, 180_000)

  afterAll(() => {
    serve?.kill('SIGKILL')
    forwarder?.close()
    for (const root of [roots.standby, roots.primary]) {
      if (root === '') continue
      spawnSync('bash', [CLUSTER, 'destroy'], { env: { ...process.env, PG_CLUSTER_ROOT: root } })
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('no answered settlement is lost, every claim resent settles once, verify is clean', async () => {
    const post = async (c: ClaimInput): Promise<{ status: number; body: Record<string, unknown> }> => {
      const res = await fetch(`${base}/v1/settlements`, {
        method: 'POST', body: JSON.stringify(c),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[c.fixmedins_code]}`, connection: 'close' },
      })
      return { status: res.status, body: await res.json() as Record<string, unknown> }
    }
    const before = new Map<string, Record<string, unknown>>()
    const unavailable: string[] = []
    let answered = 0
    let failedOver: Promise<void> | undefined
    const byPerson = new Map<string, ClaimInput[]>()
    for (const c of claims) byPerson.set(c.psn_no, [...(byPerson.get(c.psn_no) ?? []), c])
    await Promise.all([...byPerson.values()].map(async (mine) => {
      for (const c of mine) {
        for (let tries = 0; ; tries++) {
          // a failover that never completes fails here, not by the test's timeout
          expect(tries, `${c.msgid}: still unavailable`).toBeLessThan(100)
          const a = await post(c)
          expect([200, 503], `${c.msgid}: ${JSON.stringify(a.body)}`).toContain(a.status)
          if (a.status === 200) {
            if (failedOver === undefined) before.set(c.msgid, a.body)
            break
          }
          expect(a.body['code']).toBe('E_LEDGER_UNAVAILABLE')
          unavailable.push(c.msgid)
          await new Promise((resolve) => setTimeout(resolve, 200))
        }
        // a third of the way in: the primary crashes, the standby is promoted, the address moves to it
        if (++answered === Math.floor(CLAIMS / 3)) {
          failedOver = (async () => {
            cluster(roots.primary, 'crash')
            cluster(roots.standby, 'promote')
            forwarder.moveTo(Number(cluster(roots.standby, 'url').match(/:(\d+)\//)![1]))
          })()
          await failedOver
        }
      }
    }))
    expect(before.size).toBeGreaterThanOrEqual(Math.floor(CLAIMS / 3))
    // the failover was felt: requests in flight were answered 503 and resent, not hung or 500
    expect(unavailable.length).toBeGreaterThan(0)
    // every claim resent to the same process, now on the promoted standby: the first answer replayed
    for (const c of claims) {
      const a = await post(c)
      expect(a.status, c.msgid).toBe(200)
      if (before.has(c.msgid)) expect(a.body, `${c.msgid} answered before the crash`).toEqual(before.get(c.msgid))
    }
    const rows = await sql(url, "SELECT msgid, count(*)::int AS n FROM settlements WHERE kind = 'settlement' GROUP BY msgid")
    const settled = new Map(rows.map((r) => [r['msgid'] as string, r['n'] as number]))
    for (const [msgid, body] of before) if (body['status'] === 'settled') expect(settled.get(msgid), msgid).toBe(1)
    expect([...settled.values()].every((n) => n === 1)).toBe(true)
    // straight to the promoted standby: a synchronous child would stall this process's forwarder
    const promoted = cluster(roots.standby, 'url')
    const verify = spawnSync(process.execPath, [CLI, 'ledger', 'verify', '--ledger', promoted], { encoding: 'utf8' })
    expect(verify.status, verify.stdout + verify.stderr).toBe(0)
  }, 180_000)
})
