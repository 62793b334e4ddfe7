// The month-end effect (points) of each new DIP rule (SPEC §5, §6; issues #20 items 5-6, #22): claims grouped by
// groupClaim, their results recorded as discharges, then one month-end run. Each hospital's month-end points are the
// sum of what grouping gave its cases — a typed case, an incomplete stay, a per-diem stay, an ungroupable case now
// counted — and the feedback JSON carries the supervision scores.
import { describe, expect, it } from 'vitest'
import { groupClaim } from '../../engine/grouping/index.js'
import type { DipResult } from '../../engine/grouping/index.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { hospitalReport } from '../../engine/settlement/feedback.js'
import type { Tables } from '../../engine/tables/types.js'
import { fen, testPolicy, testTables, TestLedger } from '../settlement/fixtures.js'
import { claim, ctx, group } from './helpers.js'

const H1 = 'H00000000001' // level 3
const H2 = 'H00000000002' // level 2

describe('month-end points of typed, incomplete, per-diem and ungroupable cases', () => {
  const policy = testPolicy((p) => {
    Object.assign(p.dip, {
      auxiliary: { cci_levels: [{ min: 0, coef: 1 }, { min: 3, coef: 1.2 }], tumour: { chemotherapy: 1.2 }, age_bands: [{ min_years: 66, coef: 1.1 }] },
      incomplete: { dscg_ways: ['2', '5'] }, supervision: { death_dscg_ways: ['5'] }, ungroupable_factor: 0.7,
      per_diem: { rehab: { main_dx_prefixes: ['Z50'], procedure_prefixes: ['93'], points_per_day: { '1': 20, '2': 25, '3': 30 } } },
    })
  })
  const base = testTables(policy)
  const t: Tables = {
    ...base,
    dipGroups: new Map([['J18.9', group('J18.9', 10000, { score: 1000 })], ['C34.1:99.2501', group('C34.1:99.2501', 10000, { score: 1000 })]]),
    charlson: [
      { condition: 'congestive_heart_failure', name: 'CHF', weight: 1, icd10Prefixes: ['I50'], supersedes: null },
      { condition: 'diabetes_with_complication', name: 'DM+', weight: 2, icd10Prefixes: ['E11.2'], supersedes: null },
    ],
    persons: new Map([['P70', { psnNo: 'P70', insutype: '390', psnKind: 'resident', poverty: false, assistance: false, city: '包头', acctBalanceFen: 0, brdy: '1956-03-01' }]]),
  }
  const g = (code: string, dx: string, ops: string[], yuan: number, o: Parameters<typeof claim>[3] = {}): DipResult =>
    groupClaim(claim(dx, ops, yuan, { hospitalCode: code, ...o }), ctx(t, policy))

  // H1 (level 3, coefficient 1):
  //   typed by severity  J18.9 + I50.0 + E11.2 (CCI 3 → 1.2), cost 12,000           → 1,200
  //   typed by tumour    C34.1 + 99.2501 chemotherapy 1.2, cost 12,000              → 1,200
  //   typed by age       J18.9, 70 years old (1.1), cost 11,000                       → 1,100
  //   incomplete         J18.9, death (dscg_way 5), cost 6,000: × 0.6               →   600
  //   per-diem rehab     Z50.1 + 93.1100, 10 days at level 3: 10 × 30               →   300
  //   ungroupable        Q99.9, cost 5,000: 5,000 ÷ 10,000 × 1,000 × 0.7            →   350
  //                                                                          H1 total  4,750
  // H2 (level 2): one plain J18.9 at 10,000 (CCI 0 → 1)                              → 1,000
  const cases: [string, DipResult, number][] = [
    [H1, g(H1, 'J18.900', [], 12000, { otherDx: ['I50.000', 'E11.200'] }), 1200],
    [H1, g(H1, 'C34.100', ['99.2501'], 12000), 1200],
    [H1, g(H1, 'J18.900', [], 11000, { psnNo: 'P70' }), 1100],
    [H1, g(H1, 'J18.900', [], 6000, { dscgWay: '5' }), 600],
    [H1, g(H1, 'Z50.100', ['93.1100'], 9000, { begn: '2026-10-01', end: '2026-10-11' }), 300],
    [H1, g(H1, 'Q99.900', [], 5000), 350],
    [H2, g(H2, 'J18.900', [], 10000), 1000],
  ]
  it('each case earns its hand-worked points', () => {
    expect(cases.map(([, r]) => r.points)).toEqual(cases.map(([, , want]) => want))
  })

  it('the run counts them: H1 4,750 points, H2 1,000, total 5,750; DIP amounts split 4,750 : 1,000', async () => {
    const l = new TestLedger(':memory:')
    for (const [code, r] of cases) {
      l.discharge({ code, enddate: '2026-10-11', points: r.points, medfeeYuan: r.total_cost_yuan, hifpYuan: r.total_cost_yuan / 2,
        deviation: r.deviation, group: r.group_code ?? undefined, flags: [...r.flags] })
    }
    // budget 40,250 yuan; the split by points holds whichever reimbursement ratio the run takes (policy or actual)
    const o = await settleMonth(l, t, policy, { month: '2026-10', pool: '390', budgetFen: fen(40_250), close: false })
    if (o.status !== 'ok') throw new Error(JSON.stringify(o))
    const byCode = Object.fromEntries(o.report.hospitals.map((h) => [h.fixmedins_code, h]))
    expect(o.report.total_points).toBe(5750)
    expect(byCode[H1]?.points).toBe(4750)
    expect(byCode[H2]?.points).toBe(1000)
    const h1 = byCode[H1]?.dip_amount_yuan as number
    const h2 = byCode[H2]?.dip_amount_yuan as number
    expect(h1 * 1000).toBeCloseTo(h2 * 4750, 6)

    // the feedback JSON: H1's supervision scores beside the region's (1 death of H1's 6 cases, of the region's 7)
    const report = await hospitalReport(l, t, policy, { month: '2026-10', pool: '390', code: H1 })
    expect(report?.supervision.hospital).toMatchObject({ cases: 6, in_hospital_death: { count: 1, rate: 0.1667 } })
    expect(report?.supervision.region).toMatchObject({ cases: 7, in_hospital_death: { count: 1, rate: 0.1429 } })
    expect(report?.supervision.by_group.find((x) => x.dip_group_code === 'J18.9')?.region.cases).toBe(4)
  })
})
