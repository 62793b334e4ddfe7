// `dipsettle serve --workers 2` for real: two processes (node:cluster) on one port and one ledger file, each with its
// ledger writer thread. Claims sent at once to both settle once each, a msgid sent to both at once settles once, the
// accumulators agree with the settlements, and GET /metrics — whichever process answers — counts both processes.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { CLI, demoTables, requireBuilt, tablesFile } from '../pool/helpers.js'
import { freePort } from '../../bench/http.js'

let dir: string
let ledgerFile: string
let serve: ChildProcess
let base: string
const tokens: Record<string, string> = {}
let claims: ClaimInput[]

beforeAll(async () => {
  requireBuilt()
  dir = mkdtempSync(join(tmpdir(), 'dipsettle-cluster-'))
  ledgerFile = join(dir, 'ledger.sqlite')
  claims = [...generateDemoClaims(demoTables(), { count: 80, seed: 23, month: '2026-10' })]
  const ledger = openLedger(ledgerFile)
  const store = new CredentialStore(ledger.db)
  for (const h of new Set(claims.map((c) => c.fixmedins_code))) tokens[h] = (await store.add({ hospital: h })).token
  ledger.close()
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  serve = spawn(process.execPath, [CLI, 'serve', '--tables', tablesFile(), '--ledger', ledgerFile, '--port', String(port),
    '--workers', '2', '--batch-workers', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer): void => { if (b.toString().includes('serving')) resolve() }
    serve.stdout?.on('data', onData)
    serve.stderr?.on('data', onData)
    serve.once('exit', (code) => reject(new Error(`dipsettle serve exited (${code}) before listening`)))
  })
}, 60_000)

afterAll(async () => {
  if (serve.exitCode === null) {
    const exited = new Promise((resolve) => serve.once('exit', resolve))
    serve.kill('SIGTERM')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
})

async function post(c: ClaimInput): Promise<{ status: number; body: { status?: string; setl_id?: string } }> {
  // a new connection per request (no keep-alive agent sharing): the OS spreads them over both processes
  const res = await fetch(`${base}/v1/settlements`, {
    method: 'POST', body: JSON.stringify(c),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[c.fixmedins_code] ?? ''}`, connection: 'close' },
  })
  return { status: res.status, body: await res.json() as { status?: string; setl_id?: string } }
}

function settledCount(metrics: string): number {
  const m = /^dipsettle_settlements_total\{route="settlement",status="settled"\} (\d+)$/m.exec(metrics)
  return m === null ? 0 : Number(m[1])
}

describe('dipsettle serve --workers 2', () => {
  it('settles claims sent at once exactly once, a duplicate msgid once, and the metrics count both processes', async () => {
    const dup = claims.find((c) => c.med_type === '21')!
    const answers = await Promise.all([...claims.map(post), post(dup), post(dup)])
    expect(answers.every((a) => a.status === 200)).toBe(true)
    const settled = answers.slice(0, claims.length).filter((a) => a.body.status === 'settled').length
    expect(settled).toBeGreaterThan(claims.length / 2)
    // the duplicate's two extra sends replay the first answer
    const dupAnswers = answers.filter((_, i) => i === claims.indexOf(dup) || i >= claims.length)
    expect(new Set(dupAnswers.map((a) => a.body.setl_id)).size).toBe(1)

    const l = openLedger(ledgerFile, { readonly: true })
    try {
      expect(l.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(settled)
      expect(l.db.prepare('SELECT COUNT(DISTINCT msgid) FROM settlements').pluck().get()).toBe(settled)
      expect(l.verify()).toEqual([])
    } finally {
      l.close()
    }

    // each scrape lands on either process; every one reports the cluster's total (the replays count as answers)
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${base}/metrics`, { headers: { connection: 'close' } })
      expect(res.status).toBe(200)
      expect(settledCount(await res.text())).toBe(settled + 2)
    }
  }, 60_000)
})
