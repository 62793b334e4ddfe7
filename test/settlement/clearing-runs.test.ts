// SPEC §6, seed 001: 周转金 issued once at the start of a year from the prior year's closed payouts, shown in the
// year's month-end reports, subtracted at annual clearing; the clearing stored like month-end (a draft replaced, a
// closed run final, one report per hospital).
import { describe, expect, it } from 'vitest'
import { sqliteClearing } from '../../engine/ledger/sqlite/clearing.js'
import { runClearing } from '../../engine/settlement/clearing-runs.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { issueAdvances } from '../../engine/settlement/turnover.js'
import { hospitalReport } from '../../engine/settlement/feedback.js'
import { renderHospitalReportHtml } from '../../engine/settlement/report-html.js'
import { fen, testPolicy, testTables, TestLedger } from './fixtures.js'

const H1 = 'H00000000001'
const H2 = 'H00000000002'

/** H1: 1,000 points, cost 12,000 (fund 8,000); H2: 1,000 points, cost 8,000 (fund 5,000); the month closed. */
async function closedMonth(l: TestLedger, month: string): Promise<void> {
  l.discharge({ code: H1, enddate: `${month}-10`, points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
  l.discharge({ code: H2, enddate: `${month}-11`, points: 1000, medfeeYuan: 8_000, hifpYuan: 5_000 })
}

describe('周转金 and the stored annual clearing', () => {
  it('issues the advance once, shows it in the month, clears it, and keeps the run draft → closed', async () => {
    const policy = testPolicy()
    const tables = testTables(policy)
    const l = new TestLedger(':memory:')
    const clearing = sqliteClearing(l.db)
    // December 2025: 14,000 ÷ 0.7 = 20,000 yuan, 10 per point; H1 payable 10,000 − 4,000 = 6,000 → payout 95 % = 5,700;
    // H2 10,000 − 3,000 = 7,000 → payout 6,650
    await closedMonth(l, '2025-12')
    expect((await settleMonth(l, tables, policy, { month: '2025-12', pool: '390', budgetFen: fen(14_000), close: true })).status).toBe('ok')
    // 1 month × the prior year's payouts ÷ 12: H1 5,700 / 12 = 475.00; H2 6,650 / 12 = 554.1666… → 554.17
    expect(await issueAdvances(l, clearing, tables, policy, 2026, '390')).toEqual({ issued: 2, issuedFen: 47_500 + 55_417, already: 0 })
    expect(await issueAdvances(l, clearing, tables, policy, 2026, '390')).toEqual({ issued: 0, issuedFen: 0, already: 2 })
    const advances = new Map([...(await clearing.advances(2026, '390')).values()].map((a) => [a.code, a.amountFen]))
    expect(advances).toEqual(new Map([[H1, 47_500], [H2, 55_417]]))

    // January 2026, the same discharges; the month shows each hospital's advance
    await closedMonth(l, '2026-01')
    const jan = await settleMonth(l, tables, policy, { month: '2026-01', pool: '390', budgetFen: fen(14_000), close: true, advances })
    if (jan.status !== 'ok') throw new Error(JSON.stringify(jan))
    expect(jan.report.hospitals.map((h) => [h.fixmedins_code, h.turnover_advance_yuan])).toEqual([[H1, 475], [H2, 554.17]])
    // and each hospital's feedback page shows it
    const page = renderHospitalReportHtml((await hospitalReport(l, tables, policy, { month: '2026-01', pool: '390', code: H2 }))!)
    expect(page).toContain('年初周转金 (已预付)')
    expect(page).toContain('554.17')

    // clearing 2026 on 14,000: H1 due 7,200 (overspend 2,000 shared 1,200) − 5,700 − 475 = 1,025.00;
    // H2 due 6,500 (surplus 2,000 kept 1,500) − 6,650 − 554.17 = −704.17
    const draft = await runClearing(l, clearing, tables, policy, { year: 2026, pool: '390', fundFen: fen(14_000), close: false })
    if (draft.status !== 'ok') throw new Error(JSON.stringify(draft))
    expect(draft.report.status).toBe('draft')
    expect(draft.report.hospitals.map((h) => [h.turnover_advance_yuan, h.balance_yuan])).toEqual([[475, 1_025], [554.17, -704.17]])
    expect(JSON.parse((await clearing.clearingHospital(2026, '390', H2))!)).toMatchObject({
      year: 2026, pool: '390', status: 'draft', hospital: { fixmedins_code: H2, balance_yuan: -704.17 },
    })
    // a draft is replaced by the next run (another fund: 7,000 → 5 per point), then closed, then final
    const again = await runClearing(l, clearing, tables, policy, { year: 2026, pool: '390', fundFen: fen(7_000), close: false })
    expect(again.status === 'ok' && again.report.point_value_yuan).toBe(5)
    expect((await clearing.getClearing(2026, '390'))?.fundFen).toBe(fen(7_000))
    const closed = await runClearing(l, clearing, tables, policy, { year: 2026, pool: '390', fundFen: fen(14_000), close: true })
    expect(closed.status === 'ok' && closed.report.status).toBe('closed')
    const refused = await runClearing(l, clearing, tables, policy, { year: 2026, pool: '390', fundFen: fen(1), close: false })
    expect(refused).toMatchObject({ status: 'refused', code: 'E_CLEARING_CLOSED' })
    expect((await clearing.getClearing(2026, '390'))).toMatchObject({ status: 'closed', fundFen: fen(14_000) })
    expect(JSON.parse((await clearing.clearingHospital(2026, '390', H1))!)).toMatchObject({ status: 'closed', hospital: { balance_yuan: 1_025 } })
  })

  it('keeps the 集采 saving whole, outside the surplus bands, and shows it as its own line', async () => {
    const policy = testPolicy()
    const base = testTables(policy)
    // a 集采 drug: 集采 price 10.00, pre-集采 price 25.00
    const VBP = { code: 'XVBP00000001', name: '集采药', listType: '101', chrgitmLv: '01' as const, priceCapFen: null, selfpayPropPpm: null,
      minHospLv: null, dxPrefix: null, vbp: true, refPriceFen: 1_000, preVbpPriceFen: 2_500 }
    const tables = { ...base, catalogue: new Map([...base.catalogue, [VBP.code, VBP]]) }
    const l = new TestLedger(':memory:')
    const clearing = sqliteClearing(l.db)
    const lines = (code: string, amountFen: number): string => JSON.stringify([['1', code, '01', amountFen, 0, 0, 0, amountFen, []]])
    const addLines = l.db.prepare('INSERT INTO settlement_line_sets (setl_id, lines) VALUES (?, ?)')
    addLines.run(l.discharge({ code: H1, enddate: '2026-01-10', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 }), lines(VBP.code, 10_000))
    addLines.run(l.discharge({ code: H2, enddate: '2026-01-11', points: 1000, medfeeYuan: 8_000, hifpYuan: 5_000 }), lines(VBP.code, 40_000))
    expect((await settleMonth(l, tables, policy, { month: '2026-01', pool: '390', budgetFen: fen(14_000), close: true })).status).toBe('ok')
    const out = await runClearing(l, clearing, tables, policy, { year: 2026, pool: '390', fundFen: fen(14_000), close: false })
    if (out.status !== 'ok') throw new Error(JSON.stringify(out))
    const [h1, h2] = out.report.hospitals
    // H2 billed 400.00 of it (40 units): saving 400 × (25 − 10) ÷ 10 = 600.00. Surplus 2,000 (DIP 10,000 − cost 8,000):
    // 600.00 of it is 集采 saving, kept whole; the other 1,400 by the bands: 10 % of 10,000 = 1,000 whole, 400 half =
    // 200 → kept 600 + 1,200 = 1,800 (1,500 without the saving); due 5,000 + 1,800 = 6,800; − 6,650 paid = 150
    expect(h2).toMatchObject({ vbp_saving_yuan: 600, vbp_saving_kept_yuan: 600, surplus_kept_yuan: 1_800, fund_due_yuan: 6_800, balance_yuan: 150 })
    // H1 billed 100.00: saving 150.00, but H1 overspent (no surplus to keep it from): shown, nothing kept
    expect(h1).toMatchObject({ vbp_saving_yuan: 150, vbp_saving_kept_yuan: 0, fund_due_yuan: 7_200 })
  })
})
