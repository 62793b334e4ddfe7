// 特例单议 (SPEC §5, seed 001 特殊病例专家评议): a hospital may put at most the policy's ‰ of its month's discharges to
// expert review; within that quota an approved case is paid at cost-based points, a case not yet decided is paid as
// grouped and listed as pending, a rejected one stays as grouped; candidates beyond the quota are paid as grouped.
import { reviewQuota } from '../grouping/review-quota.js'
import { divRoundHalfAwayBig, PPM } from '../money.js'
import type { Policy } from '../policy/types.js'
import type { ReviewCandidate } from './discharges.js'
import type { SpecialCaseStatus } from './types.js'

export interface JudgedCase {
  readonly candidate: ReviewCandidate
  readonly status: SpecialCaseStatus
  readonly paidPoints1e4: number
}

/**
 * Cost-based points of an approved case: the score a group whose average cost were this case's cost would have,
 * cost ÷ region average cost × scale (no deviation factor, no coefficient: the case is paid at its cost).
 * points_1e4 = medfee_fen/100 ÷ (avg_micro/1e6) × scale × 1e4 = medfee_fen × scale_ppm × 100 ÷ avg_micro.
 */
export function costBasedPoints1e4(medfeeFen: number, policy: Policy): number {
  const avgMicro = BigInt(Math.round(policy.dip.region_avg_cost_yuan * 1_000_000))
  const scalePpm = BigInt(Math.round(policy.dip.scale * PPM))
  return Number(divRoundHalfAwayBig(BigInt(medfeeFen) * scalePpm * 100n, avgMicro))
}

/**
 * Judge the month's candidates of every hospital. Within a hospital the quota goes first to the highest cost ratio
 * (cost ÷ group average, as engine/grouping/review-quota.ts orders them), then the higher cost, then setl_id.
 */
export function judgeCandidates(
  candidates: readonly ReviewCandidate[],
  dischargesByHospital: ReadonlyMap<string, number>,
  decisions: ReadonlyMap<string, 'approved' | 'rejected'>,
  policy: Policy,
  groupAvgCostFen: (groupCode: string) => number | undefined = () => undefined,
): JudgedCase[] {
  const avg = (c: ReviewCandidate): bigint => BigInt(Math.max(1, (c.groupCode !== null ? groupAvgCostFen(c.groupCode) : undefined) ?? 1))
  // c1/a1 > c2/a2 ⇔ c1·a2 > c2·a1; an unknown group average counts as 1 fen (orders by cost alone among them)
  const byRatio = (x: ReviewCandidate, y: ReviewCandidate): number => {
    const l = BigInt(x.medfeeFen) * avg(y)
    const r = BigInt(y.medfeeFen) * avg(x)
    if (l !== r) return l > r ? -1 : 1
    return (y.medfeeFen - x.medfeeFen) || (x.setlId < y.setlId ? -1 : 1)
  }
  const byHospital = new Map<string, ReviewCandidate[]>()
  for (const c of candidates) {
    const list = byHospital.get(c.code) ?? []
    list.push(c)
    byHospital.set(c.code, list)
  }
  const out: JudgedCase[] = []
  for (const [code, list] of [...byHospital].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const quota = reviewQuota(dischargesByHospital.get(code) ?? 0, policy.dip.review_quota_permille)
    list.sort(byRatio)
    list.forEach((c, i) => {
      if (i >= quota) { out.push({ candidate: c, status: 'over_quota', paidPoints1e4: c.points1e4 }); return }
      const d = decisions.get(c.setlId)
      if (d === 'approved') out.push({ candidate: c, status: 'approved', paidPoints1e4: costBasedPoints1e4(c.medfeeFen, policy) })
      else out.push({ candidate: c, status: d === 'rejected' ? 'rejected' : 'pending', paidPoints1e4: c.points1e4 })
    })
  }
  return out
}
