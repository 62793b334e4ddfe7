import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { reportsOf } from '../../engine/settlement/types.js'
import { approvedPoints1e4 } from '../../engine/settlement/special-cases.js'
import { recordSpecialCaseDecision } from '../../engine/settlement/runs.js'
import type { MonthEndReport } from '../../engine/settlement/types.js'
import { fen, testPolicy, testTables } from './fixtures.js'
import { pgLedgers, sqliteLedgers, type LedgerMaker } from './backends.js'
import { describePg } from '../ledger/pg-server.js'

const H1 = 'H00000000001'
const H2 = 'H00000000002'
const H3 = 'H00000000003'

function ok(o: Awaited<ReturnType<typeof settleMonth>>): MonthEndReport {
  if (o.status !== 'ok') throw new Error(JSON.stringify(o))
  return o.report
}

function byCode(r: MonthEndReport, code: string) {
  const h = r.hospitals.find((x) => x.fixmedins_code === code)
  if (!h) throw new Error(`no ${code} in ${JSON.stringify(r.hospitals)}`)
  return h
}

function monthEndSuite(m: LedgerMaker): void {
  describe('month-end point value and amounts', () => {
    it('SPEC example: 60,000,000 yuan at ratio 0.60 over 10,000,000 points is 10.00 yuan per point', async () => {
      const policy = testPolicy((p) => { p.month_end.reimbursement_ratio['390'] = 0.6 })
      const l = m.newLedger()
      l.discharge({ code: H1, enddate: '2026-10-05', points: 6_000_000, medfeeYuan: 50_000_000, hifpYuan: 30_000_000 })
      l.discharge({ code: H2, enddate: '2026-10-20', points: 4_000_000, medfeeYuan: 45_000_000, hifpYuan: 30_000_000 })
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(60_000_000), close: false }))
      // 60,000,000 ÷ 0.60 = 100,000,000 yuan; ÷ 10,000,000 points = 10 yuan per point
      expect(r.point_value_yuan).toBe(10)
      expect(r.point_value_exact).toBe('10/1')
      expect(r.total_points).toBe(10_000_000)
      expect(r.dip_total_yuan).toBe(100_000_000)
      // H1: 6,000,000 × 10 = 60,000,000; patients and other funds paid 50,000,000 − 30,000,000 = 20,000,000
      // payable 40,000,000; payout × 0.95 = 38,000,000; withheld 2,000,000; gain 60,000,000 − 50,000,000
      expect(byCode(r, H1)).toMatchObject({ dip_amount_yuan: 60_000_000, item_fund_yuan: 30_000_000, patient_paid_yuan: 20_000_000,
        payable_yuan: 40_000_000, payout_yuan: 38_000_000, withheld_yuan: 2_000_000, gain_yuan: 10_000_000, discharges: 1 })
      // H2: 40,000,000 − (45,000,000 − 30,000,000) = 25,000,000; × 0.95 = 23,750,000
      expect(byCode(r, H2)).toMatchObject({ dip_amount_yuan: 40_000_000, payable_yuan: 25_000_000, payout_yuan: 23_750_000, withheld_yuan: 1_250_000 })
      expect(r).toMatchObject({ month: '2026-10', pool: '390', budget_yuan: 60_000_000, reimbursement_ratio: 0.6, status: 'draft' })
    })

    it('a rounding remainder goes to the largest remainders so the DIP amounts sum to budget ÷ ratio to the fen', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      for (const code of [H1, H2, H3]) l.discharge({ code, enddate: '2026-10-01', points: 1, medfeeYuan: 10, hifpYuan: 5 })
      // 100 yuan ÷ 0.7 = 142.857142… → 14,286 fen; ÷ 3 = 4,762 each, remainder 0 → 4,762 × 3 = 14,286
      // 1 yuan ÷ 0.7 = 1.428571… → 143 fen; 47 each = 141, 2 left: to H1 and H2 (equal remainders, lower index first)
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: 100, close: false }))
      expect(r.dip_total_yuan).toBe(1.43)
      expect(r.hospitals.map((h) => h.dip_amount_yuan)).toEqual([0.48, 0.48, 0.47])
      // point value 1 ÷ 0.7 ÷ 3 = 0.476190476… → 0.476190 shown
      expect(r.point_value_yuan).toBe(0.47619)
    })

    it('a hospital whose patients paid more than its DIP amount has a negative payable (claw-back)', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      l.discharge({ code: H1, enddate: '2026-10-01', points: 100, medfeeYuan: 900, hifpYuan: 100 })
      l.discharge({ code: H2, enddate: '2026-10-01', points: 100, medfeeYuan: 100, hifpYuan: 50 })
      // budget 700 ÷ 0.7 = 1,000 yuan, 5 yuan/point → 500 each; H1 payable 500 − 800 = −300; payout −285, withheld −15
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(700), close: false }))
      expect(byCode(r, H1)).toMatchObject({ dip_amount_yuan: 500, payable_yuan: -300, payout_yuan: -285, withheld_yuan: -15 })
    })

    it('only inpatient discharges of the pool and month count', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      l.discharge({ code: H1, enddate: '2026-10-31', points: 100, medfeeYuan: 1000, hifpYuan: 500 })
      l.discharge({ code: H1, enddate: '2026-11-01', points: 100, medfeeYuan: 1000, hifpYuan: 500 })
      l.discharge({ code: H1, enddate: '2026-10-15', points: 100, medfeeYuan: 1000, hifpYuan: 500, insutype: '310' })
      l.discharge({ code: H1, enddate: '2026-10-15', points: 0, medfeeYuan: 80, hifpYuan: 40, inpatient: false })
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(700), close: false }))
      expect(r.hospitals).toHaveLength(1)
      expect(byCode(r, H1)).toMatchObject({ points: 100, discharges: 1, item_fund_yuan: 500, patient_paid_yuan: 500 })
    })
  })

  describe('month-end properties', () => {
    const codes = [H1, H2, H3, 'HA0000000001', 'HA0000000002']
    const discharge = fc.record({
      hosp: fc.integer({ min: 0, max: 4 }),
      points: fc.integer({ min: 0, max: 50_000_000 }).map((p) => p / 10_000),
      medfee: fc.integer({ min: 0, max: 100_000_000 }),
      hifpShare: fc.integer({ min: 0, max: 100 }),
      reversed: fc.boolean(),
    })

    it('DIP amounts sum exactly to budget ÷ ratio and payout + withheld = payable for every hospital', async () => {
      await fc.assert(fc.asyncProperty(
        fc.array(discharge, { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 50_000, max: 1_000_000 }),
        async (ds, budgetFen, ratioPpm) => {
          if (ds.every((d) => d.points === 0)) return
          const policy = testPolicy((p) => { p.month_end.reimbursement_ratio['390'] = ratioPpm / 1e6 })
          const l = m.newLedger()
          for (const d of ds) {
            const medfee = d.medfee / 100
            l.discharge({ code: codes[d.hosp] as string, enddate: '2026-03-09', points: d.points, medfeeYuan: medfee, hifpYuan: Math.floor(d.medfee * d.hifpShare / 100) / 100 })
          }
          const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-03', pool: '390', budgetFen, close: false }))
          const total = r.hospitals.reduce((a, h) => a + fen(h.dip_amount_yuan), 0)
          // budget ÷ ratio rounded once, half away from zero: ⌊(budget × 1e6 × 2 + ratio) ÷ (2 × ratio)⌋
          const expected = Number((BigInt(budgetFen) * 2_000_000n + BigInt(ratioPpm)) / (2n * BigInt(ratioPpm)))
          expect(total).toBe(expected)
          for (const h of r.hospitals) expect(fen(h.payout_yuan) + fen(h.withheld_yuan)).toBe(fen(h.payable_yuan))
          l.close()
        }), { numRuns: m.runs(60) })
    })

    it('reversed discharges are excluded: the month equals the month without them', async () => {
      await fc.assert(fc.asyncProperty(fc.array(discharge, { minLength: 1, maxLength: 20 }), async (ds) => {
        if (ds.every((d) => d.points === 0 || d.reversed)) return
        const policy = testPolicy()
        const withRev = m.newLedger()
        const without = m.newLedger()
        for (const d of ds) {
          const row = { code: codes[d.hosp] as string, enddate: '2026-05-20', points: d.points, medfeeYuan: d.medfee / 100, hifpYuan: Math.floor(d.medfee * d.hifpShare / 100) / 100 }
          const id = withRev.discharge(row)
          if (d.reversed) withRev.reverse(id)
          else without.discharge(row)
        }
        const opts = { month: '2026-05', pool: '390', budgetFen: fen(1_000_000), close: false } as const
        const a = ok(await settleMonth(withRev, testTables(policy), policy, opts))
        const b = ok(await settleMonth(without, testTables(policy), policy, opts))
        const strip = (r: MonthEndReport) => r.hospitals.filter((h) => h.discharges !== 0).map((h) => ({ ...h, special_cases: null }))
        expect(strip(a)).toEqual(strip(b))
        expect(a.total_points).toBe(b.total_points)
        expect(a.point_value_exact).toBe(b.point_value_exact)
      }), { numRuns: m.runs(40) })
    })
  })

  describe('month-end runs: draft, close, carried reversals', () => {
    it('a draft re-run replaces the previous draft', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      const tables = testTables(policy)
      l.discharge({ code: H1, enddate: '2026-09-03', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
      const first = ok(await settleMonth(l, tables, policy, { month: '2026-09', pool: '390', budgetFen: fen(14_000), close: false }))
      expect(first.hospitals).toHaveLength(1)
      l.discharge({ code: H2, enddate: '2026-09-04', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
      const second = ok(await settleMonth(l, tables, policy, { month: '2026-09', pool: '390', budgetFen: fen(14_000), close: false }))
      // 14,000 ÷ 0.7 = 20,000 yuan over 2,000 points → 10 yuan per point; 10,000 each
      expect(second.hospitals.map((h) => h.dip_amount_yuan)).toEqual([10_000, 10_000])
      expect((await reportsOf(l).listRuns()).filter((r) => r.month === '2026-09')).toHaveLength(1)
      expect((await reportsOf(l).getRun('2026-09', '390'))?.total_points_1e4).toBe(2000 * 10_000)
      expect(await reportsOf(l).hospitalRows('2026-09', '390')).toHaveLength(2)
    })

    it('a closed month refuses another run, as data, and keeps its report', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      const tables = testTables(policy)
      l.discharge({ code: H1, enddate: '2026-09-03', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
      const closed = ok(await settleMonth(l, tables, policy, { month: '2026-09', pool: '390', budgetFen: fen(14_000), close: true }))
      expect(closed.status).toBe('closed')
      l.discharge({ code: H2, enddate: '2026-09-04', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
      for (const close of [false, true]) {
        const again = await settleMonth(l, tables, policy, { month: '2026-09', pool: '390', budgetFen: fen(99), close })
        expect(again.status).toBe('refused')
        if (again.status === 'refused') {
          expect(again.code).toBe('E_MONTH_CLOSED')
          expect(again.message).toMatch(/2026-09.*closed/)
        }
      }
      expect((await reportsOf(l).getRun('2026-09', '390'))?.budget_fen).toBe(fen(14_000))
      // the other pool of the same month is its own run
      expect((await settleMonth(l, tables, policy, { month: '2026-09', pool: '310', budgetFen: 0, close: false })).status).toBe('ok')
    })

    it('a reversal recorded after the close is carried into the next month at the closed month\'s point value', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      const tables = testTables(policy)
      const a = l.discharge({ code: H1, enddate: '2026-09-03', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
      l.discharge({ code: H2, enddate: '2026-09-04', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
      // September: 14,000 ÷ 0.7 = 20,000 yuan over 2,000 points → 10 yuan per point
      const sep = ok(await settleMonth(l, tables, policy, { month: '2026-09', pool: '390', budgetFen: fen(14_000), close: true }))
      l.reverse(a)
      l.discharge({ code: H1, enddate: '2026-10-10', points: 500, medfeeYuan: 6_000, hifpYuan: 4_000 })
      // October: 7,000 ÷ 0.7 = 10,000 yuan over 500 points (own month only) → 20 yuan per point
      const oct = ok(await settleMonth(l, tables, policy, { month: '2026-10', pool: '390', budgetFen: fen(7_000), close: true }))
      expect(oct.total_points).toBe(500)
      expect(oct.point_value_yuan).toBe(20)
      const h1 = byCode(oct, H1)
      // adjustment: −1,000 points × 10 (September's value) = −10,000 yuan; patients' share refunded −(12,000 − 8,000)
      expect(h1.adjustment).toMatchObject({ points: -1000, discharges: -1, dip_amount_yuan: -10_000, item_fund_yuan: -8_000,
        patient_paid_yuan: -4_000, from_months: ['2026-09'] })
      // payable = 10,000 + (−10,000) − (6,000 − 4,000) − (−4,000) = 2,000; payout 1,900; withheld 100
      expect(h1).toMatchObject({ dip_amount_yuan: 10_000, payable_yuan: 2_000, payout_yuan: 1_900, withheld_yuan: 100 })
      // the closed September is never rewritten
      expect((await reportsOf(l).getRun('2026-09', '390'))?.report_json).toBe(JSON.stringify(sep))
      // and November does not carry it a second time
      const nov = ok(await settleMonth(l, tables, policy, { month: '2026-11', pool: '390', budgetFen: fen(7_000), close: false }))
      expect(nov.hospitals.every((h) => h.adjustment === null)).toBe(true)
    })

    it('a reversal recorded before the close is simply excluded (no adjustment)', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      const tables = testTables(policy)
      const a = l.discharge({ code: H1, enddate: '2026-09-03', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
      l.discharge({ code: H2, enddate: '2026-09-04', points: 1000, medfeeYuan: 12_000, hifpYuan: 8_000 })
      l.reverse(a)
      const sep = ok(await settleMonth(l, tables, policy, { month: '2026-09', pool: '390', budgetFen: fen(14_000), close: true }))
      expect(sep.hospitals.find((h) => h.fixmedins_code === H1)?.points ?? 0).toBe(0)
      expect(byCode(sep, H2).dip_amount_yuan).toBe(20_000)
      const oct = ok(await settleMonth(l, tables, policy, { month: '2026-10', pool: '390', budgetFen: fen(7_000), close: false }))
      expect(oct.hospitals).toEqual([])
    })
  })

  describe('month-end alliances and special cases', () => {
    it('alliance members settle under their lead when the policy settles them as one', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      l.discharge({ code: 'HA0000000001', enddate: '2026-10-01', points: 300, medfeeYuan: 3_000, hifpYuan: 2_000 })
      l.discharge({ code: 'HA0000000002', enddate: '2026-10-02', points: 700, medfeeYuan: 9_000, hifpYuan: 6_000 })
      l.discharge({ code: H1, enddate: '2026-10-02', points: 1000, medfeeYuan: 9_000, hifpYuan: 6_000 })
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(14_000), close: false }))
      // 20,000 yuan over 2,000 points: the alliance 1,000 points → 10,000 yuan under its lead
      expect(r.hospitals.map((h) => h.fixmedins_code)).toEqual([H1, 'HA0000000002'])
      expect(byCode(r, 'HA0000000002')).toMatchObject({ points: 1000, discharges: 2, dip_amount_yuan: 10_000,
        item_fund_yuan: 8_000, patient_paid_yuan: 4_000, members: ['HA0000000001', 'HA0000000002'] })

      const apart = testPolicy((p) => { p.alliance.settle_as_one = false })
      const l2 = m.newLedger()
      l2.discharge({ code: 'HA0000000001', enddate: '2026-10-01', points: 300, medfeeYuan: 3_000, hifpYuan: 2_000 })
      l2.discharge({ code: 'HA0000000002', enddate: '2026-10-02', points: 700, medfeeYuan: 9_000, hifpYuan: 6_000 })
      const r2 = ok(await settleMonth(l2, testTables(apart), apart, { month: '2026-10', pool: '390', budgetFen: fen(7_000), close: false }))
      expect(r2.hospitals.map((h) => [h.fixmedins_code, h.dip_amount_yuan])).toEqual([['HA0000000001', 3_000], ['HA0000000002', 7_000]])
    })

    it('特例单议: within the quota an approved case is paid score × (c / a) × coefficient; the rest wait or exceed the quota', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      // 400 discharges at H1 → quota max(1, ⌊400 × 5 ‰⌋) = 2 candidates. Group: score 1,000, average 10,000 yuan;
      // H1's coefficient 1.1. Grouped (high formula): (c/a − 2 + 1) × 1,000 × 1.1
      const review = { code: H1, deviation: 'review' as const, score: 1000, avgCostYuan: 10_000, coefficient: 1.1 }
      for (let i = 0; i < 397; i++) l.discharge({ code: H1, enddate: '2026-10-01', points: 1, medfeeYuan: 100, hifpYuan: 50 })
      // c/a = 8 → grouped 7 × 1,100 = 7,700
      const big = l.discharge({ ...review, enddate: '2026-10-02', points: 7700, medfeeYuan: 80_000, hifpYuan: 60_000 })
      // c/a = 7 → 6 × 1,100 = 6,600
      l.discharge({ ...review, enddate: '2026-10-02', points: 6600, medfeeYuan: 70_000, hifpYuan: 50_000 })
      // c/a = 6 → 5 × 1,100 = 5,500
      const small = l.discharge({ ...review, enddate: '2026-10-03', points: 5500, medfeeYuan: 60_000, hifpYuan: 40_000 })
      await recordSpecialCaseDecision(l, big, 'approved')
      await recordSpecialCaseDecision(l, small, 'approved') // beyond the quota: the decision cannot apply
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(7_000), close: false }))
      const st = Object.fromEntries(r.special_cases.map((c) => [c.setl_id, [c.status, c.paid_points]]))
      // approved: 1,000 × (80,000 ÷ 10,000) × 1.1 = 8,800 points (the coefficient kept: more than the 7,700 grouped)
      expect(st[big]).toEqual(['approved', 8800])
      expect(Object.values(st).map((x) => x[0]).sort()).toEqual(['approved', 'over_quota', 'pending'])
      expect(st[small]).toEqual(['over_quota', 5500])
      // 397 + 8,800 + 6,600 + 5,500
      expect(r.total_points).toBe(21_297)
      expect(byCode(r, H1).special_cases).toEqual({ approved: 1, pending: 1, over_quota: 1, rejected: 0 })
    })

    it('an approved case is never paid fewer points than it was grouped at', () => {
      const dip = { group_code: 'I63.9', kind: 'core', score: 1000, points: 4500, points_1e4: 45_000_000, deviation: 'review', flags: [],
        hospital_coefficient: 1, tcm_bonus: 1, deviation_factor: 1, avg_cost_yuan: 10_000, total_cost_yuan: 40_000 } as const
      // cost-based 1,000 × 40,000 ÷ 10,000 = 4,000 < 4,500 grouped → 4,500
      expect(approvedPoints1e4(fen(40_000), 45_000_000, dip)).toBe(45_000_000)
      // with a 中蒙医 bonus 1.1 and coefficient 0.9: 1,000 × 6 × 0.9 × 1.1 = 5,940 points
      expect(approvedPoints1e4(fen(60_000), 0, { ...dip, hospital_coefficient: 0.9, tcm_bonus: 1.1 })).toBe(59_400_000)
    })

    it('a hospital under 200 discharges still has one 特例单议 place (review_quota_min, default 1)', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      // 10 discharges: ⌊10 × 5 ‰⌋ = 0, but max(1, 0) = 1 place
      for (let i = 0; i < 9; i++) l.discharge({ code: H2, enddate: '2026-10-01', points: 1, medfeeYuan: 100, hifpYuan: 50 })
      const only = l.discharge({ code: H2, enddate: '2026-10-02', points: 5000, medfeeYuan: 60_000, hifpYuan: 40_000, deviation: 'review', score: 1000, avgCostYuan: 10_000 })
      await recordSpecialCaseDecision(l, only, 'approved')
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(7_000), close: false }))
      // 1,000 × 6 = 6,000 points
      expect(r.special_cases).toMatchObject([{ setl_id: only, status: 'approved', paid_points: 6000 }])
      const none = testPolicy((p) => { (p.dip as Record<string, unknown>)['review_quota_min'] = 0 })
      const r0 = ok(await settleMonth(l, testTables(none), none, { month: '2026-10', pool: '390', budgetFen: fen(7_000), close: false }))
      expect(r0.special_cases).toMatchObject([{ setl_id: only, status: 'over_quota', paid_points: 5000 }])
    })

    it('特例单议 quota goes to the highest cost ratio first, not the highest cost', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      // 200 discharges → quota max(1, ⌊200 × 5 ‰⌋) = 1
      for (let i = 0; i < 198; i++) l.discharge({ code: H1, enddate: '2026-10-01', points: 1, medfeeYuan: 100, hifpYuan: 50 })
      // A: 80,000 ÷ 10,000 = 8 × its average; B: 200,000 ÷ 30,000 = 6.67 × — A takes the one place
      const a = l.discharge({ code: H1, enddate: '2026-10-02', points: 3000, medfeeYuan: 80_000, hifpYuan: 60_000, deviation: 'review', group: 'A00.0', avgCostYuan: 10_000 })
      const b = l.discharge({ code: H1, enddate: '2026-10-02', points: 5000, medfeeYuan: 200_000, hifpYuan: 150_000, deviation: 'review', group: 'B00.0', avgCostYuan: 30_000 })
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(7_000), close: false }))
      expect(Object.fromEntries(r.special_cases.map((c) => [c.setl_id, c.status]))).toEqual({ [a]: 'pending', [b]: 'over_quota' })
    })

    it('rejects a malformed month as data', async () => {
      const policy = testPolicy()
      const l = m.newLedger()
      const o = await settleMonth(l, testTables(policy), policy, { month: '2026-13', pool: '390', budgetFen: 0, close: false })
      expect(o).toMatchObject({ status: 'invalid', field: 'month' })
    })
  })
}

describe('month-end on SQLite', () => monthEndSuite(sqliteLedgers))
describePg('month-end on PostgreSQL', (url) => monthEndSuite(pgLedgers(url)))
