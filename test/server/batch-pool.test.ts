// POST /v1/batches through the worker pool (server/batch-pool.ts, as `dipsettle serve` runs it): a hospital's claims
// answered in order, recorded once, the same answers as inline processBatch; real tables, ledger file and workers
// (the compiled dist/engine/pool/worker.js: `npm test` builds first).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { processBatch } from '../../engine/ledger/settle.js'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { loadTables } from '../../engine/tables/load.js'
import type { Tables } from '../../engine/tables/types.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { startBatchPool, type PoolBatchRunner } from '../../server/batch-pool.js'
import { demoTablesFile } from '../fixtures/tables.js'
import { bearer } from './fixtures.js'

let dir: string
let tables: Tables
let ledger: SqliteLedger
let pool: PoolBatchRunner
let app: App
let claims: ClaimInput[]
let token: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dipsettle-batch-pool-'))
  tables = loadTables(demoTablesFile())
  const ledgerFile = join(dir, 'ledger.sqlite')
  ledger = openLedger(ledgerFile)
  // one hospital's claims (a batch is one hospital's), several of them for the same persons, in order
  const all = [...generateDemoClaims(tables, { count: 3000, seed: 21, month: '2026-10', outpatientShare: 0.3 })]
  const hospital = all[0]!.fixmedins_code
  const mine = all.filter((c) => c.fixmedins_code === hospital).slice(0, 12)
  const persons = mine.slice(0, 3).map((c) => c.psn_no)
  claims = mine.map((c, i) => ({ ...c, psn_no: persons[i % 3]!, insutype: tables.persons.get(persons[i % 3]!)!.insutype, mdtrt_id: `BP${i}` }))
  token = (await new CredentialStore(ledger.db).add({ hospital })).token
  pool = await startBatchPool({ workers: 2, tablesFile: demoTablesFile(), ledgerFile })
  app = await buildApp({ tables, policy: tables.policy, ledger, runBatch: (b) => pool.run(b) })
}, 120_000)

afterAll(async () => {
  await app.close()
  await pool.close()
  ledger.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('POST /v1/batches through the worker pool', () => {
  it('answers every claim in order, as inline processBatch would, and records each once', async () => {
    const payload = claims.map((c) => JSON.stringify(c)).join('\n') + '\n'
    const headers = { ...bearer(token), 'content-type': 'application/x-ndjson' }
    const res = await app.inject({ method: 'POST', url: '/v1/batches', headers, payload })
    expect(res.statusCode).toBe(200)
    const results = (res.json() as { results: { msgid: string; status: string; setl_id?: string }[] }).results
    expect(results.map((r) => r.msgid)).toEqual(claims.map((c) => c.msgid))

    const inlineLedger = openLedger(join(dir, 'inline.sqlite'))
    const inline = processBatch(claims, { tables, policy: tables.policy, ledger: inlineLedger })
    inlineLedger.close()
    const strip = (r: object) => ({ ...r, setl_id: undefined })
    expect(results.map(strip)).toEqual(inline.map(strip))
    expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(results.filter((r) => r.status === 'settled').length)
    expect(ledger.verify()).toEqual([])

    // the same batch again: every claim replays its first answer, nothing new is written
    const again = await app.inject({ method: 'POST', url: '/v1/batches', headers, payload })
    expect((again.json() as { results: unknown[] }).results).toEqual(results)
    expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(results.filter((r) => r.status === 'settled').length)
  })
})

describe('a claim nested 10,000 levels deep in a pooled batch', () => {
  it('is answered alone, in its place (JSON.stringify overflows there); the others go through the pool', async () => {
    const c = { ...claims[0]!, msgid: claims[0]!.msgid.slice(0, -4) + '9901', mdtrt_id: 'BPDEEP' }
    const deep = JSON.stringify(c).slice(0, -1) + ',"x":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}'
    const ok = { ...claims[0]!, msgid: claims[0]!.msgid.slice(0, -4) + '9902', mdtrt_id: 'BPOK' }
    const payload = deep + '\n' + JSON.stringify(ok) + '\n'
    const res = await app.inject({ method: 'POST', url: '/v1/batches', headers: { ...bearer(token), 'content-type': 'application/x-ndjson' }, payload })
    expect(res.statusCode).toBe(200)
    const results = (res.json() as { results: { msgid: string; status: string; reasons: { code: string }[] }[] }).results
    expect(results.map((r) => r.msgid)).toEqual([c.msgid, ok.msgid])
    expect(results[0]).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_BAD_JSON' }] })
    expect(results[1]!.status).toBe('settled')
  })
})
