// SPEC §13 over HTTP: a visitor's demo claim settled through POST /v1/settlements under the neighbouring region's
// policy, then the admin's cross-region clearing (JSON and page); a hospital may not read it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { loadDemoTables } from '../fixtures/tables.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { bearer } from '../server/fixtures.js'

let dir: string
let ledger: SqliteLedger
let app: App
let visit: ClaimInput
let hospitalToken: string
let adminToken: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dipsettle-xr-http-'))
  const tables = loadDemoTables()
  ledger = openLedger(join(dir, 'ledger.sqlite'))
  // every 5th demo claim is a visitor's (V…, insured in 640000)
  visit = [...generateDemoClaims(tables, { count: 40, seed: 7, month: '2026-10', visitorEvery: 5 })]
    .find((c) => c.psn_no.startsWith('V') && c.med_type === '21' && !c.referral_from)!
  const store = new CredentialStore(ledger.db)
  hospitalToken = (await store.add({ hospital: visit.fixmedins_code })).token
  adminToken = (await store.add({ admin: true })).token
  app = await buildApp({ tables, policy: tables.policy, ledger, closeLedger: true })
}, 60_000)

afterAll(async () => {
  await app.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('cross-region clearing over HTTP', () => {
  it('reports the visitor\'s settlement under its insuring region, to the admin only', async () => {
    expect(loadDemoTables().persons.get(visit.psn_no)?.insuplcAdmdvs).toBe('640000')
    const res = await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(hospitalToken), payload: visit })
    expect(res.statusCode).toBe(200)
    const s = res.json()
    expect(s.status).toBe('settled')

    const r = await app.inject({ url: '/v1/clearing/cross-region/2026-10', headers: bearer(adminToken) })
    expect(r.statusCode).toBe(200)
    const body = r.json()
    expect(body.regions).toHaveLength(1)
    expect(body.regions[0]).toMatchObject({
      insuplc_admdvs: '640000', region: 'neighbour', settlements: 1, setl_ids: [s.setl_id],
      fund_pay_sumamt_yuan: s.setlinfo.fund_pay_sumamt, medfee_sumamt_yuan: s.setlinfo.medfee_sumamt,
    })
    // per fund type exactly as the settlement answered it
    expect(body.regions[0].funds).toEqual(s.setldetail.map((d: { fund_pay_type: string; fund_payamt: number }) => ({ fund_pay_type: d.fund_pay_type, fund_payamt_yuan: d.fund_payamt })))

    // 5206: the visitor's totals are the insuring region's, under its cap (640000 basic 310 250,000 / 390 150,000)
    const acc = await app.inject({ url: `/v1/persons/${visit.psn_no}/accumulators?year=2026`, headers: bearer(hospitalToken) })
    expect(acc.statusCode).toBe(200)
    const cap = visit.insutype === '310' ? 250000 : 150000
    expect(acc.json()).toMatchObject({
      insuplc_admdvs: '640000', admissions: 1, hifp_paid: s.setlinfo.hifp_pay,
      hifp_cap_left: Math.round((cap - s.setlinfo.hifp_pay) * 100) / 100,
    })

    const page = await app.inject({ url: '/reports/clearing/cross-region/2026-10', headers: bearer(adminToken) })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('异地就医清算 2026-10')
    expect(page.body).toContain(s.setl_id)
    const html = await app.inject({ url: '/v1/clearing/cross-region/2026-10', headers: { ...bearer(adminToken), accept: 'text/html' } })
    expect(html.headers['content-type']).toContain('text/html')

    expect((await app.inject({ url: '/v1/clearing/cross-region/2026-10', headers: bearer(hospitalToken) })).statusCode).toBe(403)
    expect((await app.inject({ url: '/v1/clearing/cross-region/2026-10' })).statusCode).toBe(401)
    const bad = await app.inject({ url: '/v1/clearing/cross-region/2026-13', headers: bearer(adminToken) })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().field).toContain('month')
  })
})
