import { describe, expect, it } from 'vitest'
import { applyReviewQuota, groupClaim } from '../../engine/grouping/index.js'
import { reviewQuota } from '../../engine/grouping/review-quota.js'
import { claim, ctx, group, tables } from './helpers.js'

const T = tables([group('A01.0', 10000, { score: 1000 })])
const at = (yuan: number) => groupClaim(claim('A01.000', [], yuan), ctx(T))

describe('特例单议 quota: floor(discharges × ‰ / 1000), highest cost ratio first', () => {
  it('the quota is a floor with no minimum of one', () => {
    expect(reviewQuota(400, 5)).toBe(2)   // 400 × 5 / 1000 = 2
    expect(reviewQuota(399, 5)).toBe(1)   // 1.995 → 1
    expect(reviewQuota(199, 5)).toBe(0)   // 0.995 → 0
    expect(reviewQuota(1000, 5.5)).toBe(5) // 5.5 → 5
  })

  it('keeps the two highest ratios of three candidates at 400 discharges and demotes the third to high', () => {
    // ratios 6, 8, 7 (cost ÷ 10,000); quota 2 → keep 8 and 7
    const rs = [at(60000), at(10000), at(80000), at(70000)]
    const out = applyReviewQuota(rs, { permille: 5, discharges: 400 })
    expect(out.map((r) => r.deviation)).toEqual(['high', 'normal', 'review', 'review'])
    expect(out[0]).toMatchObject({ flags: [], review_quota_demoted: true, points: rs[0]?.points })
    expect(out[2]?.flags).toEqual(['F_REVIEW_CANDIDATE'])
  })

  it('a hospital-month under 200 discharges keeps no candidate at 5 ‰', () => {
    const out = applyReviewQuota([at(60000)], { permille: 5, discharges: 199 })
    expect(out[0]?.deviation).toBe('high')
  })

  it('within the quota nothing changes', () => {
    const rs = [at(60000), at(70000)]
    expect(applyReviewQuota(rs, { permille: 5, discharges: 400 })).toEqual(rs)
  })
})
