// POST /v1/special-cases (SPEC §5, seed 001 特殊病例 专家评议): a hospital applies for expert review of its own live
// 特例单议 candidate; the application is shown in the next month-end run; the bureau decides on the CLI.
import { afterEach, describe, expect, it } from 'vitest'
import { sqliteReports } from '../../engine/ledger/sqlite/reports.js'
import type { MonthEndPort } from '../../server/engine-port.js'
import { monthEndPort } from '../../server/month-end-port.js'
import { TestLedger } from '../settlement/fixtures.js'
import { demoPolicy, fakeTables, H1, H2, makeWorld, type World } from './fixtures.js'

let w: World | undefined
afterEach(async () => { await w?.close(); w = undefined })

/** A world whose month-end is the real one over the world's own ledger file (bound once the world exists). */
async function world(): Promise<World> {
  const policy = demoPolicy()
  let real: MonthEndPort | undefined = undefined
  const port = (): MonthEndPort => real as MonthEndPort
  const lazy: MonthEndPort = {
    run: (req) => port().run(req),
    hospitalReport: (m, p, c) => port().hospitalReport(m, p, c),
    renderHospitalReportHtml: (r) => port().renderHospitalReportHtml(r),
    listRuns: () => port().listRuns(),
    applySpecialCase: (req) => (port().applySpecialCase as NonNullable<MonthEndPort['applySpecialCase']>)(req),
  }
  const made = await makeWorld({ monthEnd: lazy })
  real = monthEndPort(sqliteReports(made.ledger.db), fakeTables(policy), policy)
  return made
}

const post = (w: World, token: string | undefined, body: unknown) => w.app.inject({
  method: 'POST', url: '/v1/special-cases', payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
})

describe('POST /v1/special-cases', () => {
  it('records a hospital\'s application for its own candidate; refuses another hospital\'s, a non-candidate, bad bodies', async () => {
    w = await world()
    const rows = new TestLedger(w.ledger.file)
    const candidate = rows.discharge({ code: H1, enddate: '2026-10-02', points: 7000, medfeeYuan: 80_000, hifpYuan: 60_000, deviation: 'review', score: 1000, avgCostYuan: 10_000 })
    const plain = rows.discharge({ code: H1, enddate: '2026-10-02', points: 1000, medfeeYuan: 10_000, hifpYuan: 6_000 })
    const theirs = rows.discharge({ code: H2, enddate: '2026-10-02', points: 7000, medfeeYuan: 80_000, hifpYuan: 60_000, deviation: 'review' })
    rows.close()

    const ok = await post(w, w.tokens.h1, { setl_id: candidate, note: '多器官衰竭 ICU 21 天' })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ setl_id: candidate, fixmedins_code: H1, status: 'applied' })
    // another hospital's candidate reads as unknown; a discharge that is not a candidate is a 409
    expect((await post(w, w.tokens.h1, { setl_id: theirs })).json()).toMatchObject({ code: 'E_UNKNOWN_SETTLEMENT', field: 'setl_id' })
    const not = await post(w, w.tokens.h1, { setl_id: plain })
    expect([not.statusCode, not.json().code]).toEqual([409, 'E_NOT_CANDIDATE'])
    expect((await post(w, w.tokens.h1, { setl_id: 'S999999999999' })).statusCode).toBe(404)
    expect((await post(w, w.tokens.h1, { setl_id: candidate, extra: 1 })).statusCode).toBe(400)
    expect((await post(w, undefined, { setl_id: candidate })).statusCode).toBe(401)
    // the bureau's admin credential is not a hospital: it decides, it does not apply
    expect((await post(w, w.tokens.admin, { setl_id: candidate })).statusCode).toBe(403)

    const run = await w.app.inject({ method: 'POST', url: '/v1/month-end/2026-10/390', payload: JSON.stringify({ budget_yuan: 7000 }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${w.tokens.admin}` } })
    expect(run.statusCode).toBe(200)
    const cases = (run.json() as { special_cases: { setl_id: string; status: string; applied_at: string | null }[] }).special_cases
    expect(cases.find((c) => c.setl_id === candidate)).toMatchObject({ status: 'pending', applied_at: ok.json().applied_at })
  })
})
