// Issue #20 items 5 and 6 and #22's incomplete and ungroupable stays (SPEC §5): points from the published average,
// per-diem by kind of stay, incomplete stays × min(1, c / a), ungroupable cases at c ÷ A × scale × factor.
import { describe, expect, it } from 'vitest'
import { groupClaim } from '../../engine/grouping/index.js'
import { validatePolicy } from '../../engine/policy/validate.js'
import type { Policy } from '../../engine/policy/types.js'
import { specPolicyDoc } from '../fixtures/spec-policy.js'
import { claim, ctx, group, hospital, tables } from './helpers.js'

function policyWith(dip: Record<string, unknown>): Policy {
  const doc = specPolicyDoc()
  const r = validatePolicy({ ...doc, dip: { ...doc.dip, ...dip } })
  if (!r.ok) throw new Error(JSON.stringify(r.problems))
  return r.policy
}

describe('precision: c / a on the published 6-decimal average, points rounded once (#20 item 5)', () => {
  // average 2,345.678912 yuan (2,345.68 held as fen), score 410.213123; cost 6,000 → high:
  // 410.213123 × ((6,000 ÷ 2,345.678912 − 2) + 1) = 639.068910… → 639.0689;
  // through the fen-rounded 2,345.68 it was 639.0684 (the 4th-decimal drift of the issue)
  const g = { ...group('A01.0', 2345.68, { score: 410.213123 }), avgCostMicro: 2_345_678_912 }
  it('639.0689, not 639.0684', () => {
    const r = groupClaim(claim('A01.000', [], 6000), ctx(tables([g])))
    expect(r).toMatchObject({ deviation: 'high', points: 639.0689, points_1e4: 6_390_689 })
  })
})

describe('per-diem by kind of stay (#20 item 6: dip.per_diem)', () => {
  const policy = policyWith({
    per_diem: { rehab: { main_dx_prefixes: ['Z50'], procedure_prefixes: ['93'], points_per_day: { '1': 20, '2': 25, '3': 30 } },
      psychiatric: { main_dx_prefixes: ['F20', 'F31'], points_per_day: { '1': 15, '2': 18, '3': 22 } } },
  })
  const t = tables([group('J18.9', 10000, { score: 1000 })], { hospitals: [hospital('H1', { level: 2, dipCoefficientMicro: 1_050_000 })] })
  it('a rehab stay Z50.1 with 93.1100, 20 days at a level-2 hospital of coefficient 1.05: 20 × 25 × 1.05 = 525 points (was ungroupable, 0)', () => {
    const r = groupClaim(claim('Z50.100', ['93.1100'], 18000, { begn: '2026-10-01', end: '2026-10-21' }), ctx(t, policy))
    expect(r).toMatchObject({ group_code: 'per_diem:rehab', kind: 'per_diem', per_diem_kind: 'rehab', per_diem_days: 20, score: 25,
      points: 525, deviation: 'normal', deviation_factor: 1, hospital_coefficient: 1.05, flags: [] })
  })
  it('no deviation factor: the same stay at ten times the cost still earns 525', () => {
    expect(groupClaim(claim('Z50.100', ['93.1100'], 180000, { begn: '2026-10-01', end: '2026-10-21' }), ctx(t, policy)).points).toBe(525)
  })
  it('a same-day stay is one bed day: 25 × 1.05 = 26.25', () => {
    expect(groupClaim(claim('Z50.100', ['93.1100'], 300, { begn: '2026-10-01', end: '2026-10-01' }), ctx(t, policy)).points).toBe(26.25)
  })
  it('the kind\'s procedure prefixes are required when listed: Z50.1 without a 93.x procedure is not rehab (ungroupable here)', () => {
    expect(groupClaim(claim('Z50.100', [], 18000), ctx(t, policy))).toMatchObject({ kind: 'ungroupable', points: 0 })
  })
  it('a kind without procedure prefixes: F20.0 schizophrenia, 30 days → 30 × 18 × 1.05 = 567', () => {
    expect(groupClaim(claim('F20.000', [], 9000, { begn: '2026-09-01', end: '2026-10-01' }), ctx(t, policy)))
      .toMatchObject({ group_code: 'per_diem:psychiatric', points: 567 })
  })
  it('dip.per_diem_points by group code is still accepted', () => {
    const p = policyWith({ per_diem_points: { 'J18.9': 40 } })
    // 8 days × 40 × 1.05 = 336
    expect(groupClaim(claim('J18.900', [], 10000), ctx(t, p))).toMatchObject({ kind: 'per_diem', points: 336, per_diem_days: 8 })
  })
})

describe('incomplete stays (dip.incomplete.dscg_ways: 2 transfer, 5 death): normal points × min(1, c / a)', () => {
  const policy = policyWith({ incomplete: { dscg_ways: ['2', '5'] }, supervision: { death_dscg_ways: ['5'] } })
  const t = tables([group('A01.0', 10000, { score: 1000 })])
  const at = (yuan: number, dscgWay: string) => groupClaim(claim('A01.000', [], yuan, { dscgWay }), ctx(t, policy))
  it('a death on day 1 at cost 800 → 1,000 × 0.08 = 80 (a discharge home earns the low band: 1,000 × 0.08 = 80 too)', () => {
    expect(at(800, '5')).toMatchObject({ points: 80, incomplete: true, flags: ['F_INCOMPLETE_STAY', 'F_IN_HOSPITAL_DEATH'] })
  })
  it('cost 8,000 (normal band) → 1,000 × 0.8 = 800 where a complete stay earns 1,000', () => {
    expect(at(8000, '2')).toMatchObject({ points: 800, deviation: 'normal', deviation_factor: 0.8, flags: ['F_INCOMPLETE_STAY'] })
    expect(at(8000, '1')).toMatchObject({ points: 1000, flags: [] })
  })
  it('cost 4,000 (low band) → × 0.4 = 400 once, not 0.4 × 0.4', () => {
    expect(at(4000, '5')).toMatchObject({ points: 400, deviation: 'low' })
  })
  it('cost 25,000 (high band) → capped at 1: 1,000 (a complete stay earns 1,500)', () => {
    expect(at(25000, '5')).toMatchObject({ points: 1000, deviation: 'high' })
    expect(at(25000, '1').points).toBe(1500)
  })
})

describe('ungroupable cases: c ÷ region average × scale × dip.ungroupable_factor, flagged for review', () => {
  const t = tables([group('A01.0', 10000, { score: 1000 })])
  it('cost 5,000 against 5,718.153489, scale 1000, factor 0.7 → 612.0857 (874.408148 × 0.7)', () => {
    const r = groupClaim(claim('Q99.900', [], 5000), ctx(t, policyWith({ ungroupable_factor: 0.7 })))
    expect(r).toMatchObject({ kind: 'ungroupable', group_code: null, points: 612.0857, points_1e4: 6_120_857, score: 874.408148,
      deviation_factor: 0.7, flags: ['F_UNGROUPABLE'], ungroupable_reason: 'no_core_or_composite_group' })
  })
  it('without the factor: no points (as before)', () => {
    expect(groupClaim(claim('Q99.900', [], 5000), ctx(t, policyWith({})))).toMatchObject({ points: 0, points_1e4: 0 })
  })
})
