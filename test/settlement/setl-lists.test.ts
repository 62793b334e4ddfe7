// SPEC §12 4101A at month-end (engine/settlement/setl-lists.ts): a settlement's 结算清单 regroups its DIP case — the
// run pays the list's points, a list in the review band makes a 特例单议 candidate (and one out of it unmakes one), an
// alliance episode is scored on its last stay's list, a reversed settlement's list pays nothing.
import { describe, expect, it } from 'vitest'
import { STAYS_SCHEMA_SQL } from '../../engine/ledger/schema.js'
import { hospitalReport } from '../../engine/settlement/feedback.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { recordSpecialCaseDecision } from '../../engine/settlement/runs.js'
import type { MonthEndReport } from '../../engine/settlement/types.js'
import { fen, testPolicy, testTables, TestLedger } from './fixtures.js'

const H1 = 'H00000000001'
const M1 = 'HA0000000001'
const LEAD = 'HA0000000002'

function ok(o: Awaited<ReturnType<typeof settleMonth>>): MonthEndReport {
  if (o.status !== 'ok') throw new Error(JSON.stringify(o))
  return o.report
}

/** Record a 4101A list's grouping for a settlement, as the gateway's stays port does (national_setl_lists). */
function list(l: TestLedger, setlId: string, g: { group: string; score: number; avgCostYuan: number; costYuan: number; points: number; deviation: string }): void {
  l.db.exec(STAYS_SCHEMA_SQL)
  const dip = {
    group_code: g.group, kind: 'core', score: g.score, points: g.points, points_1e4: g.points * 10_000, deviation: g.deviation, flags: [],
    hospital_coefficient: 1, tcm_bonus: 1, deviation_factor: 1, avg_cost_yuan: g.avgCostYuan, total_cost_yuan: g.costYuan,
  }
  const mdtrt = l.db.prepare('SELECT mdtrt_id FROM settlements WHERE setl_id = ?').pluck().get(setlId) as string
  l.db.prepare(`INSERT INTO national_setl_lists (setl_id, mdtrt_id, fixmedins_code, list_json, dip_json, recorded_at)
    SELECT setl_id, mdtrt_id, fixmedins_code, '{}', ?, '2026-11-01T00:00:00Z' FROM settlements WHERE setl_id = ?
    ON CONFLICT (setl_id) DO UPDATE SET dip_json = excluded.dip_json`).run(JSON.stringify(dip), setlId)
  expect(mdtrt).toBeTruthy()
}

const run = async (l: TestLedger, policy = testPolicy((p) => { p.alliance.settle_as_one = false })): Promise<MonthEndReport> =>
  ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(100_000), close: false }))

describe('4101A lists at month-end', () => {
  it('pay the list\'s points; the list decides who is a 特例单议 candidate; an approved one is paid at cost', async () => {
    const l = new TestLedger(':memory:')
    // A: 1,000 points at 2304, its list 1,500 (another group)
    const a = l.discharge({ code: H1, enddate: '2026-10-05', points: 1000, medfeeYuan: 7_000, hifpYuan: 4_200, score: 1000, avgCostYuan: 7_000 })
    // B: a review candidate at 2304 (60,000 yuan on an average of 10,000), its list a group it is normal in
    const b = l.discharge({ code: H1, enddate: '2026-10-06', points: 500, medfeeYuan: 60_000, hifpYuan: 40_000, score: 100, avgCostYuan: 10_000, deviation: 'review' })
    // C: normal at 2304 (200 points), its list: score 1,000, average 10,000, cost 60,000 → review band,
    //    points 1,000 × ((6 − 2) + 1) = 5,000
    const c = l.discharge({ code: H1, enddate: '2026-10-07', points: 200, medfeeYuan: 60_000, hifpYuan: 40_000, score: 200, avgCostYuan: 60_000 })
    list(l, a, { group: 'G-A', score: 1500, avgCostYuan: 7_000, costYuan: 7_000, points: 1500, deviation: 'normal' })
    list(l, b, { group: 'G-B', score: 800, avgCostYuan: 60_000, costYuan: 60_000, points: 800, deviation: 'normal' })
    list(l, c, { group: 'G-C', score: 1000, avgCostYuan: 10_000, costYuan: 60_000, points: 5000, deviation: 'review' })

    const r = await run(l)
    // 1,500 + 800 + 5,000 (not 1,000 + 500 + 200)
    expect(r.total_points).toBe(7300)
    expect(r.special_cases.map((s) => [s.setl_id, s.dip_group_code, s.status, s.grouped_points])).toEqual([[c, 'G-C', 'pending', 5000]])
    // the bureau's decisions follow the list: B is no candidate any more, C is one
    expect(await recordSpecialCaseDecision(l, b, 'approved')).toMatchObject({ status: 'refused', refusal: { code: 'E_NOT_CANDIDATE' } })
    expect(await recordSpecialCaseDecision(l, c, 'approved')).toEqual({ status: 'recorded' })
    // approved: score × c / a = 1,000 × 6 = 6,000 points
    const approved = await run(l)
    expect(approved.total_points).toBe(1500 + 800 + 6000)
    expect(approved.special_cases[0]).toMatchObject({ status: 'approved', paid_points: 6000 })

    // the feedback report lists the lists' groups
    const fb = await hospitalReport(l, testTables(testPolicy()), testPolicy(), { month: '2026-10', pool: '390', code: H1 })
    expect(fb!.groups.map((g) => [g.dip_group_code, g.points]).sort()).toEqual([['G-A', 1500], ['G-B', 800], ['G-C', 5000]])
  })

  it('an episode is scored on its last stay\'s list; a reversed settlement\'s list pays nothing', async () => {
    const l = new TestLedger(':memory:')
    const ep = { psn: 'P1', episode: 'E1', group: 'J18.9', score: 800, avgCostYuan: 7_000 }
    l.discharge({ ...ep, code: M1, mdtrt: 'E1', begndate: '2026-10-01', enddate: '2026-10-04', points: 100, medfeeYuan: 1_000, hifpYuan: 600 })
    l.discharge({ ...ep, code: LEAD, mdtrt: 'E2', begndate: '2026-10-04', enddate: '2026-10-10', points: 300, medfeeYuan: 2_000, hifpYuan: 1_200 })
    const last = l.discharge({ ...ep, code: M1, mdtrt: 'E3', begndate: '2026-10-10', enddate: '2026-10-15', points: 600, medfeeYuan: 4_000, hifpYuan: 2_400 })
    const gone = l.discharge({ code: H1, enddate: '2026-10-20', points: 1000, medfeeYuan: 7_000, hifpYuan: 4_200 })
    // the last stay's list: score 1,600 on an average of 7,000; the episode's 7,000 yuan is 1 × the average → 1,600
    list(l, last, { group: 'J18.0', score: 1600, avgCostYuan: 7_000, costYuan: 4_000, points: 1600, deviation: 'normal' })
    list(l, gone, { group: 'X', score: 9000, avgCostYuan: 7_000, costYuan: 7_000, points: 9000, deviation: 'normal' })
    l.reverse(gone)
    const r = await run(l)
    // split 1,000 : 2,000 : 4,000 of 16,000,000 (1e-4 points) → 2,285,714.28 / 4,571,428.57 / 9,142,857.14: floors
    // 15,999,999, the one left to the largest remainder (.57) → 228.5714, 457.1429, 914.2857;
    // M1 = 228.5714 + 914.2857 = 1,142.8571; H1's reversed stay nets to nothing, its list unpaid
    expect(r.total_points).toBe(1600)
    expect(Object.fromEntries(r.hospitals.map((h) => [h.fixmedins_code, h.points]))).toEqual({ [H1]: 0, [M1]: 1142.8571, [LEAD]: 457.1429 })
  })
})
