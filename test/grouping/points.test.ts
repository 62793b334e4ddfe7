import { describe, expect, it } from 'vitest'
import { groupClaim } from '../../engine/grouping/index.js'
import { claim, ctx, group, hospital, tables, testPolicy } from './helpers.js'

// One group: average 10,000 yuan, score 1,000 (the SPEC §5 example). low 0.5, high 2, review 5.
const T = tables([group('A01.0', 10000, { score: 1000 })])
const exclusive = testPolicy({ bounds_inclusive: false })
const inclusive = testPolicy({ bounds_inclusive: true })
const at = (yuan: number, p = exclusive) => groupClaim(claim('A01.000', [], yuan), ctx(T, p))

describe('SPEC §5 example', () => {
  it('cost 25,000 → high, factor (2.5 − 2) + 1 = 1.5 → 1,500 points', () => {
    expect(at(25000)).toMatchObject({ deviation: 'high', points: 1500, points_1e4: 15_000_000, deviation_factor: 1.5 })
  })
  it('cost 4,000 → low, factor 0.4 → 400 points', () => {
    expect(at(4000)).toMatchObject({ deviation: 'low', points: 400, deviation_factor: 0.4 })
  })
  it('cost 10,000 → normal, 1,000 points', () => {
    expect(at(10000)).toMatchObject({ deviation: 'normal', points: 1000, deviation_factor: 1 })
  })
})

describe('deviation bands on both sides of each threshold', () => {
  // low bound 0.5 × 10,000 = 5,000 yuan
  it('just below low: low in both modes (factor 4,999.99 / 10,000 = 0.499999 → 499.9990)', () => {
    for (const p of [exclusive, inclusive]) expect(at(4999.99, p)).toMatchObject({ deviation: 'low', points: 499.999 })
  })
  it('exactly at low: normal when exclusive, low (factor 0.5 → 500) when inclusive', () => {
    expect(at(5000, exclusive)).toMatchObject({ deviation: 'normal', points: 1000 })
    expect(at(5000, inclusive)).toMatchObject({ deviation: 'low', points: 500 })
  })
  it('just above low: normal in both modes', () => {
    for (const p of [exclusive, inclusive]) expect(at(5000.01, p)).toMatchObject({ deviation: 'normal', points: 1000 })
  })
  // high bound 2 × 10,000 = 20,000 yuan
  it('just below high: normal in both modes', () => {
    for (const p of [exclusive, inclusive]) expect(at(19999.99, p)).toMatchObject({ deviation: 'normal', points: 1000 })
  })
  it('exactly at high: normal when exclusive, high with factor (2 − 2) + 1 = 1 when inclusive', () => {
    expect(at(20000, exclusive)).toMatchObject({ deviation: 'normal', points: 1000 })
    expect(at(20000, inclusive)).toMatchObject({ deviation: 'high', points: 1000, deviation_factor: 1 })
  })
  it('just above high: high, factor (2.000001 − 2) + 1 → 1,000.0010', () => {
    for (const p of [exclusive, inclusive]) expect(at(20000.01, p)).toMatchObject({ deviation: 'high', points: 1000.001 })
  })
  // review bound 5 × 10,000 = 50,000 yuan; review pays the high factor
  it('just below review: high, factor (4.999999 − 2) + 1 = 3.999999 → 3,999.9990', () => {
    for (const p of [exclusive, inclusive]) {
      const r = at(49999.99, p)
      expect(r).toMatchObject({ deviation: 'high', points: 3999.999 })
      expect(r.flags).not.toContain('F_REVIEW_CANDIDATE')
    }
  })
  it('exactly at review: high when exclusive, review when inclusive; both factor (5 − 2) + 1 = 4 → 4,000', () => {
    expect(at(50000, exclusive)).toMatchObject({ deviation: 'high', points: 4000, flags: [] })
    expect(at(50000, inclusive)).toMatchObject({ deviation: 'review', points: 4000, flags: ['F_REVIEW_CANDIDATE'] })
  })
  it('just above review: review candidate, factor 4.000001 → 4,000.0010', () => {
    for (const p of [exclusive, inclusive]) {
      expect(at(50000.01, p)).toMatchObject({ deviation: 'review', points: 4000.001, flags: ['F_REVIEW_CANDIDATE'] })
    }
  })
})

describe('hospital coefficient and 中蒙医 bonus', () => {
  // J18.9: score 576.444152 (avg 3,296.196142 yuan in the real catalogue), cost at the average → factor 1
  const g = { ...group('J18.9', 3296.2), scoreMicro: 576_444_152 }
  const t = tables([g], { hospitals: [hospital('H1', { dipCoefficientMicro: 1_050_000, tcm: true }), hospital('H2', { dipCoefficientMicro: 1_050_000 })] })
  const c = claim('J18.900', [], 3296.2)

  it('points = score × coefficient, rounded once: 576.444152 × 1.05 = 605.2663596 → 605.2664', () => {
    expect(groupClaim(c, ctx(t))).toMatchObject({ points_1e4: 6_052_664, hospital_coefficient: 1.05, tcm_bonus: 1 })
  })
  it('no coefficient when the policy switches hospital coefficients off: 576.4442', () => {
    expect(groupClaim(c, ctx(t, testPolicy({ hospital_coefficients: false }))).points_1e4).toBe(5_764_442)
  })
  it('tcm group at a tcm hospital: 576.444152 × 1.05 × 1.1 = 665.79299556 → 665.7930', () => {
    const r = groupClaim(c, ctx(t, testPolicy({ tcm_groups: ['J18.9'] })))
    expect(r).toMatchObject({ points_1e4: 6_657_930, tcm_bonus: 1.1 })
  })
  it('no bonus at a hospital without the 中蒙医 flag', () => {
    const r = groupClaim({ ...c, hospitalCode: 'H2' }, ctx(t, testPolicy({ tcm_groups: ['J18.9'] })))
    expect(r).toMatchObject({ points_1e4: 6_052_664, tcm_bonus: 1 })
  })
  it('primary-care group (policy list): same score at every level, no coefficient → 576.4442', () => {
    const r = groupClaim(c, ctx(t, testPolicy({ primary_groups: ['j18.9'] })))
    expect(r).toMatchObject({ kind: 'primary', points_1e4: 5_764_442, hospital_coefficient: 1 })
  })
  it('primary-care group (catalogue kind): no coefficient', () => {
    const tp = tables([{ ...g, kind: 'primary' }], { hospitals: [hospital('H1', { dipCoefficientMicro: 1_050_000 })] })
    expect(groupClaim(c, ctx(tp))).toMatchObject({ kind: 'primary', points_1e4: 5_764_442 })
  })
})

describe('per-diem (床日) groups', () => {
  const t = tables([group('F20.9', 30000, { days: 60 })], { hospitals: [hospital('H1', { dipCoefficientMicro: 1_050_000 })] })
  it('earn days × per-diem points × coefficient, with no cost deviation: 9 days × 80 × 1.05 = 756', () => {
    // 2026-10-01 → 2026-10-10 = 9 days; cost 200,000 is far above review × avg but a bed day is paid as a bed day
    const r = groupClaim(claim('F20.900', [], 200000, { end: '2026-10-10' }), ctx(t, testPolicy({ per_diem_points: { 'F20.9': 80 } })))
    expect(r).toMatchObject({ kind: 'per_diem', score: 80, per_diem_days: 9, points: 756, deviation: 'normal', deviation_factor: 1 })
  })
  it('a same-day stay counts one day: 1 × 80 × 1.05 = 84', () => {
    const r = groupClaim(claim('F20.900', [], 500, { end: '2026-10-01' }), ctx(t, testPolicy({ per_diem_points: { 'F20.9': 80 } })))
    expect(r.points).toBe(84)
  })
  it('a catalogue per_diem group without a policy rate uses its score per day: 3 days × 3,000 × 1.05 = 9,450', () => {
    const tp = tables([{ ...group('F20.9', 30000), kind: 'per_diem' }], { hospitals: [hospital('H1', { dipCoefficientMicro: 1_050_000 })] })
    expect(groupClaim(claim('F20.900', [], 9000, { end: '2026-10-04' }), ctx(tp)).points).toBe(9450)
  })
})
