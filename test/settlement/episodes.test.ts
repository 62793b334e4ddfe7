// SPEC §5: a county-alliance episode is ONE DIP case at month-end — grouped as its last stay, scored on the summed
// cost and days, its points split among the stays by cost (largest remainder in 1/10,000 points) or all to the last.
import { describe, expect, it } from 'vitest'
import { clearYear } from '../../engine/settlement/annual-clearing.js'
import { hospitalReport } from '../../engine/settlement/feedback.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import type { MonthEndReport } from '../../engine/settlement/types.js'
import { fen, testPolicy, testTables, type TestLedger } from './fixtures.js'
import { pgLedgers, sqliteLedgers, type LedgerMaker } from './backends.js'
import { describePg } from '../ledger/pg-server.js'

const H1 = 'H00000000001'
const M1 = 'HA0000000001'
const LEAD = 'HA0000000002'

function ok(o: Awaited<ReturnType<typeof settleMonth>>): MonthEndReport {
  if (o.status !== 'ok') throw new Error(JSON.stringify(o))
  return o.report
}

/**
 * A pneumonia episode member → lead → member (person P1): stays of 1,000, 2,000 and 4,000 yuan. Each stay was
 * grouped on its own in real time (points 100, 300, 600: three cases). The last stay's group: score 800, average
 * 7,000 yuan. Plus one unrelated discharge of 1,000 points at H1.
 */
function pneumonia(l: TestLedger) {
  const ep = { psn: 'P1', episode: 'E1', group: 'J18.9', score: 800, avgCostYuan: 7_000 }
  const a = l.discharge({ ...ep, code: M1, mdtrt: 'E1', begndate: '2026-10-01', enddate: '2026-10-04', points: 100, medfeeYuan: 1_000, hifpYuan: 600 })
  const b = l.discharge({ ...ep, code: LEAD, mdtrt: 'E2', begndate: '2026-10-04', enddate: '2026-10-10', points: 300, medfeeYuan: 2_000, hifpYuan: 1_200 })
  const c = l.discharge({ ...ep, code: M1, mdtrt: 'E3', begndate: '2026-10-10', enddate: '2026-10-15', points: 600, medfeeYuan: 4_000, hifpYuan: 2_400 })
  l.discharge({ code: H1, enddate: '2026-10-20', points: 1000, medfeeYuan: 7_000, hifpYuan: 4_200 })
  return { a, b, c }
}

function episodesSuite(m: LedgerMaker): void {
  describe('alliance episodes at month-end (SPEC §5)', () => {
    it('count once: the summed cost on the last stay\'s group, points split by cost with the largest remainder', async () => {
      const policy = testPolicy((p) => { p.alliance.settle_as_one = false })
      const l = m.newLedger()
      pneumonia(l)
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(12_600), close: false }))
      // the episode: 7,000 yuan = 1 × the average → normal, 800 points (not 100 + 300 + 600 = 1,000 over three cases).
      // split 1,000 : 2,000 : 4,000 of 8,000,000 (1e-4 points) → 1,142,857.14 / 2,285,714.28 / 4,571,428.57:
      // floors sum to 7,999,999, the one left goes to the largest remainder (.57) → 114.2857, 228.5714, 457.1429
      // M1 114.2857 + 457.1429 = 571.4286 and the episode's one discharge (its last stay's); the lead 228.5714, none
      expect(r.episodes).toBe(1)
      expect(r.total_points).toBe(1800)
      expect(r.discharges).toBe(2)
      const by = Object.fromEntries(r.hospitals.map((h) => [h.fixmedins_code, [h.points, h.discharges]]))
      expect(by).toEqual({ [H1]: [1000, 1], [M1]: [571.4286, 1], [LEAD]: [228.5714, 0] })
      // the test policy fixes the ratio at 0.7: 12,600 ÷ 0.7 = 18,000 yuan, 10 per point
      expect(r.dip_total_yuan).toBe(18_000)
      expect(r.hospitals.reduce((a, h) => a + fen(h.dip_amount_yuan), 0)).toBe(fen(18_000))
      expect(r.hospitals.find((h) => h.fixmedins_code === M1)?.dip_amount_yuan).toBe(5_714.29)
    })

    it('last_stay gives the last stay all the points; settle_as_one puts them under the lead', async () => {
      const last = testPolicy((p) => { p.alliance.settle_as_one = false; (p.alliance as Record<string, unknown>)['episode_points'] = 'last_stay' })
      const l = m.newLedger()
      pneumonia(l)
      const r = ok(await settleMonth(l, testTables(last), last, { month: '2026-10', pool: '390', budgetFen: fen(12_600), close: false }))
      expect(Object.fromEntries(r.hospitals.map((h) => [h.fixmedins_code, h.points]))).toEqual({ [H1]: 1000, [M1]: 800, [LEAD]: 0 })
      const asOne = testPolicy()
      const r2 = ok(await settleMonth(l, testTables(asOne), asOne, { month: '2026-10', pool: '390', budgetFen: fen(12_600), close: false }))
      // under the lead: 800 points, one discharge, the three stays' costs
      expect(r2.hospitals.find((h) => h.fixmedins_code === LEAD)).toMatchObject({ points: 800, discharges: 1, item_fund_yuan: 4_200 })
    })

    it('a reversed stay leaves the episode\'s other stays as the case: 1,000 + 4,000 yuan, split 160 : 640', async () => {
      const policy = testPolicy((p) => { p.alliance.settle_as_one = false })
      const l = m.newLedger()
      const { b } = pneumonia(l)
      l.reverse(b)
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(12_600), close: false }))
      // 5,000 ÷ 7,000 = 0.714 ≥ low 0.5: normal, 800 points; 1,000 : 4,000 → 160 + 640 = 800 at M1
      expect(Object.fromEntries(r.hospitals.map((h) => [h.fixmedins_code, [h.points, h.discharges]])))
        .toEqual({ [H1]: [1000, 1], [M1]: [800, 1], [LEAD]: [0, 0] })
    })

    it('the feedback report and annual clearing count the episode once too', async () => {
      const policy = testPolicy((p) => { p.alliance.settle_as_one = false })
      const l = m.newLedger()
      const { a, c } = pneumonia(l)
      const tables = testTables(policy)
      ok(await settleMonth(l, tables, policy, { month: '2026-10', pool: '390', budgetFen: fen(12_600), close: true }))
      const fb = await hospitalReport(l, tables, policy, { month: '2026-10', pool: '390', code: M1 })
      if (!fb) throw new Error('no report')
      // M1's two stays: 114.2857 + 457.1429 points, one case (the episode's last stay)
      expect(fb.groups).toMatchObject([{ dip_group_code: 'J18.9', cases: 1, points: 571.4286 }])
      expect(fb.episodes).toMatchObject([{ episode_id: 'E1', psn_no: 'P1', points: 800, medfee_sumamt_yuan: 7_000 }])
      expect(fb.episodes[0]?.stays).toContain(a)
      expect(fb.episodes[0]?.stays).toContain(c)
      const year = await clearYear(l, tables, policy, { year: 2026, pool: '390', fundFen: fen(12_600) })
      if (year.status !== 'ok') throw new Error(JSON.stringify(year))
      // the year is October alone: the same 1,800 points as the month
      expect(year.report.total_points).toBe(1800)
    })

    it('an episode whose summed cost is above review × average is one 特例单议 candidate under its last stay', async () => {
      const policy = testPolicy((p) => { p.alliance.settle_as_one = false })
      const l = m.newLedger()
      const ep = { psn: 'P2', episode: 'F1', group: 'J18.9', score: 800, avgCostYuan: 7_000 }
      // 20,000 + 20,000 = 40,000 yuan = 5.714 × 7,000 > review 5: factor (5.714 − 2) + 1 = 4.714286 → 3,771.4286 points
      l.discharge({ ...ep, code: M1, mdtrt: 'F1', begndate: '2026-10-01', enddate: '2026-10-05', points: 1500, medfeeYuan: 20_000, hifpYuan: 12_000 })
      const last = l.discharge({ ...ep, code: M1, mdtrt: 'F2', begndate: '2026-10-06', enddate: '2026-10-12', points: 1500, medfeeYuan: 20_000, hifpYuan: 12_000 })
      const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(12_000), close: false }))
      expect(r.special_cases).toMatchObject([{ setl_id: last, episode_id: 'F1', status: 'pending', grouped_points: 3771.4286, medfee_sumamt_yuan: 40_000 }])
      expect(r.total_points).toBe(3771.4286)
    })
  })
}

describe('alliance episodes on SQLite', () => episodesSuite(sqliteLedgers))
describePg('alliance episodes on PostgreSQL', (url) => episodesSuite(pgLedgers(url)))
