// The service over the real engine: demo tables built from the shipped sources, the real adjudicator, ledger and
// month-end; a demo claim goes from POST /v1/settlements to the hospital's month-end page.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTables } from '../../grouper-data/build.js'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { DEMO_SOURCES_DIR } from '../../engine/paths.js'
import { loadTables } from '../../engine/tables/load.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { bearer } from './fixtures.js'

let dir: string
let ledger: SqliteLedger
let app: App
let claim: ClaimInput
let hospitalToken: string
let adminToken: string
let strangerToken: string
const STRANGER = 'H99999999999'

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dipsettle-server-real-'))
  const tablesFile = join(dir, 'tables.sqlite')
  buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: tablesFile })
  const tables = loadTables(tablesFile)
  ledger = openLedger(join(dir, 'ledger.sqlite'))
  claim = [...generateDemoClaims(tables, { count: 20, seed: 11, month: '2026-10' })].find((c) => c.med_type === '21' && !c.referral_from)!
  const store = new CredentialStore(ledger.db)
  hospitalToken = (await store.add({ hospital: claim.fixmedins_code })).token
  adminToken = (await store.add({ admin: true })).token
  // a credential whose hospital is not a designated hospital of the region
  strangerToken = (await store.add({ hospital: STRANGER })).token
  app = await buildApp({ tables, policy: tables.policy, ledger, closeLedger: true })
}, 60_000)

afterAll(async () => {
  await app.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the service over the real engine', () => {
  it('settles a demo claim whose parts sum to the whole, then shows it in the month-end report and page', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(hospitalToken), payload: claim })
    expect(res.statusCode).toBe(200)
    const r = res.json()
    expect(r.status).toBe('settled')
    // SPEC §3 step 8 invariants, in fen to avoid float sums
    const fen = (x: number) => Math.round(x * 100)
    const s = r.setlinfo
    expect(fen(s.medfee_sumamt)).toBe(fen(s.fund_pay_sumamt) + fen(s.psn_part_amt))
    expect(fen(s.psn_part_amt)).toBe(fen(s.acct_pay) + fen(s.psn_cash_pay))
    expect(r.dip).not.toBeNull()

    const pool = claim.insutype
    const run = await app.inject({ method: 'POST', url: `/v1/month-end/2026-10/${pool}`, headers: bearer(adminToken), payload: { budget_yuan: 100000 } })
    expect(run.statusCode).toBe(200)
    expect(run.json()).toMatchObject({ month: '2026-10', pool, status: 'draft' })

    const url = `/v1/month-end/2026-10/${pool}/hospitals/${claim.fixmedins_code}`
    const report = await app.inject({ url, headers: bearer(hospitalToken) })
    expect(report.statusCode).toBe(200)
    expect(report.json()).toMatchObject({ month: '2026-10', fixmedins_code: claim.fixmedins_code })
    const page = await app.inject({ url: `/reports/month-end/2026-10/${pool}/hospitals/${claim.fixmedins_code}`, headers: bearer(hospitalToken) })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<html')

    const closed = await app.inject({ method: 'POST', url: `/v1/month-end/2026-10/${pool}`, headers: bearer(adminToken), payload: { budget_yuan: 100000, close: true } })
    expect(closed.json().status).toBe('closed')
    const again = await app.inject({ method: 'POST', url: `/v1/month-end/2026-10/${pool}`, headers: bearer(adminToken), payload: { budget_yuan: 100000 } })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('E_MONTH_CLOSED')
  })

  it('a settlement answer is sent as UTF-8 JSON whose length header counts its bytes, as its lookup is', async () => {
    const msgid = claim.msgid.slice(0, -4) + '0777'
    const res = await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(hospitalToken), payload: { ...claim, msgid, mdtrt_id: 'UTF8-1' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(res.headers['content-length']).toBe(String(res.rawPayload.length))
    // the line reasons' messages are Chinese: the bytes are their UTF-8, not one byte per character
    expect(res.rawPayload.length).toBeGreaterThan(res.body.length)
    // the lookup (GET, answered as a string) gives the same bytes as the settlement's answer
    const got = await app.inject({ method: 'GET', url: `/v1/settlements/${res.json().setl_id}`, headers: bearer(hospitalToken) })
    expect(got.headers['content-type']).toBe(res.headers['content-type'])
    expect(got.rawPayload.equals(res.rawPayload)).toBe(true)
  })

  it('an unknown hospital or person is a 200 rejection naming its reason; nothing written', async () => {
    const rows = () => ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get() as number
    const before = rows()
    const seq = claim.msgid.slice(12)
    const foreign = { ...claim, fixmedins_code: STRANGER, msgid: STRANGER + seq }
    let res = await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(strangerToken), payload: foreign })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_UNKNOWN_HOSPITAL', field: 'fixmedins_code' }] })
    const nobody = { ...claim, psn_no: 'NOBODY', msgid: claim.msgid.slice(0, 26) + '9999' }
    res = await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(hospitalToken), payload: nobody })
    expect(res.statusCode).toBe(200)
    expect(res.json().status).toBe('rejected')
    expect(res.json().reasons).toContainEqual(expect.objectContaining({ code: 'E_UNKNOWN_PERSON', field: 'psn_no' }))
    expect(rows()).toBe(before)
  })
})
