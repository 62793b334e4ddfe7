// SPEC §13: cross-region clearing sums per insuring region (both backends), and dip.include_cross_region deciding
// whether visitors' points enter this region's month-end. Hand-worked from the fixture policies (fixtures.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { adjudicate } from '../../engine/adjudicate/index.js'
import { prepareRecord } from '../../engine/ledger/codec.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { SqliteCrossRegionReports } from '../../engine/ledger/sqlite/cross-region-reports.js'
import type { CrossRegionReportsPort } from '../../engine/ledger/cross-region-port.js'
import type { LedgerPort } from '../../engine/ledger/port.js'
import type { Policy } from '../../engine/policy/types.js'
import { clearCrossRegion } from '../../engine/settlement/cross-region-clearing.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { renderCrossRegionClearingHtml } from '../../engine/settlement/report-html.js'
import { C, H, claim, ctx, fee, fen } from '../fixtures/claims.js'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { HOME, OWN_POLICY, V, crossRegionTables } from './fixtures.js'

// every inpatient settlement groups to 500.0000 points (score 500, coefficients 1)
vi.mock('../../engine/grouping/index.js', async () => (await import('../adjudicate/dip-mock.js')).dipMock)

const TABLES = crossRegionTables()
/** A bill at a hospital: 甲类 qty × 100.00 + 乙类 10 × 100.00 (this region's 10 % 先行自付). */
const bill = (psn: string, hosp: string, jiaQty = 100) => claim({
  psn_no: psn, insutype: TABLES.persons.get(psn)?.insutype, fixmedins_code: hosp, fees: [fee(C.JIA, jiaQty, 100), fee(C.YI_DEFAULT, 10, 100)],
})

async function settleOn(port: LedgerPort, body: ReturnType<typeof bill>): Promise<string> {
  const { history } = await port.readHistory(body.psn_no)
  const o = adjudicate(body, ctx(history, OWN_POLICY, TABLES))
  if (o.status !== 'ok') throw new Error(JSON.stringify(o.reasons))
  const [c] = await port.commit([prepareRecord(o.settlement, `h-${body.msgid}`, { version: history.version, absorbed: 0 }).record])
  if (c?.status !== 'settled') throw new Error(JSON.stringify(c))
  return c.setlId
}

/**
 * The month (2026-09) on a ledger: a local resident, two visitors of 150400 (a resident and a 职工) and a third visitor
 * stay reversed. Returns the visitors' live setl_ids.
 */
async function month(port: LedgerPort): Promise<{ resident: string; worker: string; reversed: string }> {
  await settleOn(port, bill('PR01', H.L3))
  const resident = await settleOn(port, bill(V.RESIDENT, H.L3))
  const worker = await settleOn(port, bill(V.WORKER, H.L1))
  const reversed = await settleOn(port, bill(V.RESIDENT, H.L1, 50))
  const r = await port.reverse({ setlId: reversed, msgid: 'H15020300004202609301200000001', bodyHash: 'rev' })
  expect(r.status).toBe('settled')
  return { resident, worker, reversed }
}

function clearingSuite(open: () => Promise<{ port: LedgerPort; reports: CrossRegionReportsPort; close: () => Promise<void> }>): void {
  let l: Awaited<ReturnType<typeof open>>
  beforeEach(async () => { l = await open() })
  afterEach(async () => { await l.close() })

  it('sums per insuring region and fund type, nets the reversal, lists the live setl_ids', async () => {
    const ids = await month(l.port)
    const r = await clearCrossRegion(l.reports, TABLES, '2026-09', Number.MAX_SAFE_INTEGER)
    // PV01, resident at level 3 (150400: deductible 1,000, ratio 0.6): 0.6 × (10,900 − 1,000) = 5,940 → 390100
    // PV02, 职工 in service at level 1 (150400 keeps the SPEC 310 numbers: deductible 300, ratio 0.95):
    //   0.95 × (10,900 − 300) = 10,070 → 310100; 大额 base 830 < 20,000: nothing
    // the reversed stay of PV01 at L1 (甲类 5,000 + 乙类 900 in scope) nets to 0
    expect(r.regions).toEqual([{
      insuplc_admdvs: HOME, region: 'neighbour', settlements: 2,
      medfee_sumamt_yuan: 22000, // 11,000 + 11,000
      funds: [{ fund_pay_type: '310100', fund_payamt_yuan: 10070 }, { fund_pay_type: '390100', fund_payamt_yuan: 5940 }],
      fund_pay_sumamt_yuan: 16010, // 10,070 + 5,940
      acct_pay_yuan: 0,
      setl_ids: [ids.resident, ids.worker],
      hospitals: [
        { fixmedins_code: H.L3, settlements: 1, fund_pay_sumamt_yuan: 5940 },
        { fixmedins_code: H.L1, settlements: 1, fund_pay_sumamt_yuan: 10070 },
      ].sort((a, b) => (a.fixmedins_code < b.fixmedins_code ? -1 : 1)),
    }])
    expect(r.totals).toEqual({ settlements: 2, fund_pay_sumamt_yuan: 16010, acct_pay_yuan: 0 })
    expect(r.regions[0]?.setl_ids).not.toContain(ids.reversed)
    // another month: nothing
    expect((await clearCrossRegion(l.reports, TABLES, '2026-10', Number.MAX_SAFE_INTEGER)).regions).toEqual([])
    // up to a seq before the reversal: the reversed stay still counts — at L1 (150400, 390 level 1: deductible 300,
    // ratio 0.85): 0.85 × (5,900 − 300) = 4,760
    const before = await clearCrossRegion(l.reports, TABLES, '2026-09', 4)
    expect(before.regions[0]).toMatchObject({ settlements: 3, fund_pay_sumamt_yuan: 16010 + 4760 })
    const html = renderCrossRegionClearingHtml(r, { echarts: { src: 'echarts.min.js' } })
    expect(html).toContain('异地就医清算 2026-09')
    expect(html).toContain(ids.worker)
  })
}

describe('cross-region clearing on SQLite', () => clearingSuite(async () => {
  const tmp = tempDir()
  const l = new SqliteLedger(tmp.file('ledger.sqlite'))
  return { port: l.port(), reports: new SqliteCrossRegionReports(l.db), close: async () => { l.close(); tmp.cleanup() } }
}))

describePg('cross-region clearing on PostgreSQL', (url) => clearingSuite(async () => {
  const db = await freshDatabase(url, 'xr')
  const l = await PgLedger.open(db.url)
  return { port: l, reports: l.crossRegion, close: async () => { await l.close(); await db.drop() } }
}))

describe('dip.include_cross_region in month-end', () => {
  let tmp: ReturnType<typeof tempDir>
  let l: SqliteLedger
  beforeEach(async () => {
    tmp = tempDir()
    l = new SqliteLedger(tmp.file('ledger.sqlite'))
    // 390 inpatient stays of 2026-09, 500 points each: a local at L3, a visitor at L3, a local at L1
    await settleOn(l.port(), bill('PR01', H.L3))
    await settleOn(l.port(), bill(V.RESIDENT, H.L3))
    await settleOn(l.port(), bill('PR03', H.L1))
  })
  afterEach(() => { l.close(); tmp.cleanup() })

  const run = async (policy: Policy) => {
    // budget 7,000 ÷ the policy's fixed ratio 0.7 = 10,000.00 yuan of DIP amount
    const o = await settleMonth(l, TABLES, policy, { month: '2026-09', pool: '390', budgetFen: fen(7000), close: false })
    if (o.status !== 'ok') throw new Error(JSON.stringify(o))
    return o.report
  }
  const byCode = (r: Awaited<ReturnType<typeof run>>) => Object.fromEntries(r.hospitals.map((h) => [h.fixmedins_code, [h.points, h.discharges, h.dip_amount_yuan]]))

  it('counts visitors by default (纳入就医地 DIP 管理)', async () => {
    const r = await run(OWN_POLICY)
    // 1,500 points → 6.666667 yuan/point; L3 1,000 points → 6,666.67 (the remainder fen), L1 500 → 3,333.33
    expect(r.total_points).toBe(1500)
    expect(byCode(r)).toEqual({ [H.L3]: [1000, 2, 6666.67], [H.L1]: [500, 1, 3333.33] })
  })

  it('leaves the visitors out when false: their points, discharges and costs', async () => {
    const policy: Policy = { ...OWN_POLICY, dip: { ...OWN_POLICY.dip, include_cross_region: false } }
    const r = await run(policy)
    // 1,000 points → 10.00 yuan/point; each hospital 500 points → 5,000.00
    expect(r.total_points).toBe(1000)
    expect(byCode(r)).toEqual({ [H.L3]: [500, 1, 5000], [H.L1]: [500, 1, 5000] })
    // the local stay's item costs only: L3's medfee is the local's 11,000, not 22,000
    const l3 = r.hospitals.find((h) => h.fixmedins_code === H.L3)
    expect(l3?.item_fund_yuan).toBe(7070) // hifp of the local stay: 0.7 × (10,900 − 800)
  })
})
