import { describe, expect, it } from 'vitest'
import { bandShareFen, clearHospital, clearYear, turnoverAdvanceFen, type ClearingPolicy } from '../../engine/settlement/annual-clearing.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { fen, testPolicy, testTables } from './fixtures.js'
import { pgLedgers, sqliteLedgers, type LedgerMaker } from './backends.js'
import { describePg } from '../ledger/pg-server.js'

// surplus: ≤ 10 % of DIP kept in full, 10–20 % half, beyond nothing;
// overspend: ≤ 10 % of DIP the fund shares 70 %, 10–20 % 50 %, beyond nothing
const cp = testPolicy().annual_clearing as ClearingPolicy

/** DIP 100,000 yuan; patients and other funds paid 20,000 of every bill, the basic fund the rest. */
function clear(medfeeYuan: number) {
  return clearHospital({
    code: 'H', points1e4: 10_000n, discharges: 1, medfeeFen: fen(medfeeYuan), hifpFen: fen(medfeeYuan - 20_000),
    payoutsFen: 0, withheldFen: 0, advanceFen: 0, qualityScore: 100,
  }, fen(100_000), cp)
}

describe('annual clearing bands (结余留用 / 合理超支分担)', () => {
  it('a surplus at the 10 % edge is kept in full; one yuan beyond, that yuan is kept half', async () => {
    // cost 90,000: surplus 10,000 = 10 % → kept 10,000; due = item fund 70,000 + 10,000 = 80,000 (= the DIP share)
    expect(clear(90_000)).toMatchObject({ surplus_yuan: 10_000, surplus_kept_yuan: 10_000, fund_due_yuan: 80_000 })
    // cost 89,999: surplus 10,001 → 10,000 + 1 × 50 % = 10,000.50; due = 69,999 + 10,000.50
    expect(clear(89_999)).toMatchObject({ surplus_yuan: 10_001, surplus_kept_yuan: 10_000.5, fund_due_yuan: 79_999.5 })
  })

  it('a surplus at the 20 % edge keeps 10,000 + half of 10,000; beyond 20 % nothing more is kept', async () => {
    // cost 80,000: surplus 20,000 → 10,000 + 5,000 = 15,000; due = 60,000 + 15,000
    expect(clear(80_000)).toMatchObject({ surplus_kept_yuan: 15_000, fund_due_yuan: 75_000 })
    // cost 79,999: surplus 20,001 → still 15,000; due = 59,999 + 15,000
    expect(clear(79_999)).toMatchObject({ surplus_kept_yuan: 15_000, fund_due_yuan: 74_999 })
  })

  it('an overspend at the 10 % edge is shared 70 %; one yuan beyond, that yuan 50 %', async () => {
    // cost 110,000: overspend 10,000 → fund shares 7,000; due = DIP share 80,000 + 7,000
    expect(clear(110_000)).toMatchObject({ overspend_yuan: 10_000, overspend_shared_yuan: 7_000, fund_due_yuan: 87_000 })
    // cost 110,001: 7,000 + 1 × 50 % = 7,000.50
    expect(clear(110_001)).toMatchObject({ overspend_shared_yuan: 7_000.5, fund_due_yuan: 87_000.5 })
  })

  it('an overspend at the 20 % edge shares 7,000 + 5,000; beyond 20 % the hospital bears it alone', async () => {
    expect(clear(120_000)).toMatchObject({ overspend_shared_yuan: 12_000, fund_due_yuan: 92_000 })
    expect(clear(120_001)).toMatchObject({ overspend_shared_yuan: 12_000, fund_due_yuan: 92_000 })
    expect(clear(150_000)).toMatchObject({ overspend_shared_yuan: 12_000, fund_due_yuan: 92_000 })
  })

  it('a cost equal to the DIP amount clears at the DIP share with nothing kept or shared', async () => {
    expect(clear(100_000)).toMatchObject({ surplus_yuan: 0, overspend_yuan: 0, fund_due_yuan: 80_000 })
  })

  it('bands are marginal and stop at the last band', async () => {
    const bands = [{ up_to_ratio: 0.1, share: 1 }, { up_to_ratio: 0.2, share: 0.5 }]
    // base 1,000 fen: 0–100 at 100 %, 100–200 at 50 %, beyond nothing
    expect(bandShareFen(150, 1000, bands)).toBe(125)
    expect(bandShareFen(500, 1000, bands)).toBe(150)
    expect(bandShareFen(0, 1000, bands)).toBe(0)
  })

  it('the balance subtracts monthly payouts, the 周转金 advance and the deposit kept for low quality', async () => {
    const line = clearHospital({
      code: 'H', points1e4: 10_000n, discharges: 1, medfeeFen: fen(100_000), hifpFen: fen(80_000),
      payoutsFen: fen(72_000), withheldFen: fen(4_000), advanceFen: fen(5_000), qualityScore: 80,
    }, fen(100_000), cp)
    // score 80 below 90: released 4,000 × 80/90 (888,889 ppm) = 3,555.556 → 3,555.56; kept 444.44
    // balance = due 80,000 − 72,000 − 5,000 − 444.44 = 2,555.56
    expect(line).toMatchObject({ deposit_released_yuan: 3_555.56, deposit_kept_yuan: 444.44, balance_yuan: 2_555.56 })
  })
})

describe('rounding of the deposit release and the 周转金 advance (SPEC §1: one rounding where the rule applies)', () => {
  it('releases withheld × score ÷ min exactly, rounded once', async () => {
    const line = clearHospital({
      code: 'H', points1e4: 10_000n, discharges: 1, medfeeFen: fen(100_000), hifpFen: fen(80_000),
      payoutsFen: 0, withheldFen: fen(90_000), advanceFen: 0, qualityScore: 80,
    }, fen(100_000), cp)
    // 90,000 × 80 / 90 = 80,000.00 exactly; a ratio first rounded to 888,889 ppm would give 80,000.01
    expect(line).toMatchObject({ deposit_released_yuan: 80_000, deposit_kept_yuan: 10_000 })
  })

  it('sizes the default 周转金 advance as months × prior-year payouts ÷ 12, rounded once', async () => {
    // 3 months of 0.90 yuan a year: 90 × 3 / 12 = 22.5 → 23 fen; rounding the monthly average first (7.5 → 8) gave 24
    expect(turnoverAdvanceFen(90, 3)).toBe(23)
    // 1 month of 1,000,000.00 yuan: 100,000,000 / 12 = 8,333,333.33 → 8,333,333 fen
    expect(turnoverAdvanceFen(100_000_000, 1)).toBe(8_333_333)
    // 1.5 months of 0.10 yuan: 10 × 1.5 / 12 = 1.25 → 1 fen
    expect(turnoverAdvanceFen(10, 1.5)).toBe(1)
  })
})

function clearingSuite(m: LedgerMaker): void {
  describe('clearYear over the ledger', () => {
    it('recomputes the year point value and settles against the closed monthly payouts and the advance', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      const tables = testTables(policy)
      l.discharge({ code: 'H00000000001', enddate: '2026-01-10', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
      l.discharge({ code: 'H00000000002', enddate: '2026-01-11', points: 1000, medfeeYuan: 8_000, hifpYuan: 5_000 })
      // January: 14,000 ÷ 0.7 = 20,000 yuan, 10 per point; H1 payable 10,000 − 4,000 = 6,000 → payout 5,700;
      // H2 10,000 − 3,000 = 7,000 → payout 6,650, withheld 350
      expect((await settleMonth(l, tables, policy, { month: '2026-01', pool: '390', budgetFen: fen(14_000), close: true })).status).toBe('ok')
      const out = await clearYear(l, tables, policy, { year: 2026, pool: '390', fundFen: fen(14_000), facts: [{ fixmedins_code: 'H00000000002', turnover_advance_yuan: 1_000 }] })
      if (out.status !== 'ok') throw new Error(JSON.stringify(out))
      const r = out.report
      expect(r).toMatchObject({ total_points: 2000, point_value_yuan: 10, dip_total_yuan: 20_000, closed_months: ['2026-01'] })
      const [h1, h2] = r.hospitals
      // H1: overspend 2,000 = 20 % of 10,000 → shared 700 + 500 = 1,200; due 6,000 + 1,200 = 7,200; − 5,700 paid
      expect(h1).toMatchObject({ overspend_yuan: 2_000, overspend_shared_yuan: 1_200, fund_due_yuan: 7_200, monthly_payouts_yuan: 5_700,
        withheld_yuan: 300, deposit_released_yuan: 300, balance_yuan: 1_500 })
      // H2: surplus 2,000 → kept 1,000 + 500; due 5,000 + 1,500 = 6,500; − 6,650 paid − 1,000 advance
      expect(h2).toMatchObject({ surplus_kept_yuan: 1_500, fund_due_yuan: 6_500, turnover_advance_yuan: 1_000, balance_yuan: -1_150 })
      expect(r.balance_total_yuan).toBe(350)
    })
  })
}

describe('annual clearing on SQLite', () => clearingSuite(sqliteLedgers))
describePg('annual clearing on PostgreSQL', (url) => clearingSuite(pgLedgers(url)))
