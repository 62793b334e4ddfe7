// 特例单议 (SPEC §5, seed 001 特殊病例专家评议): a hospital may put at most
// max(review_quota_min, ⌊discharges × review_quota_permille / 1000⌋) of its month's candidates to expert review; within
// that quota an approved case is paid at cost-based points, a case not yet decided is paid as grouped and listed as
// pending, a rejected one stays as grouped; candidates beyond the quota are paid as grouped.
import { reviewQuota } from '../grouping/review-quota.js'
import { points1e4 } from '../grouping/points.js'
import type { DipResult } from '../grouping/types.js'
import { costAgainstAverage } from '../grouping/deviation.js'
import { PPM, ratioToPpm, scoreToMicro } from '../money.js'
import type { Decision, ReviewCandidate, SpecialCaseStatus } from '../ledger/reports-port.js'
import type { Policy } from '../policy/types.js'

/** A candidate as judged: a single stay's, or an alliance episode's (its costs summed, keyed by its last stay). */
export interface Candidate extends ReviewCandidate {
  readonly episodeId: string | null
}

export interface JudgedCase {
  readonly candidate: Candidate
  readonly status: SpecialCaseStatus
  readonly paidPoints1e4: number
}

/** The hospital-month's quota of candidates (SPEC §5; review_quota_min defaults to 1). */
export function specialCaseQuota(discharges: number, policy: Policy): number {
  return Math.max(policy.dip.review_quota_min ?? 1, reviewQuota(discharges, policy.dip.review_quota_permille))
}

/**
 * Cost-based points of an approved case: score × (c / a) × hospital coefficient × 中蒙医 bonus, rounded once, and
 * never fewer than the points it was grouped at (approval never lowers a payment).
 * Example: score 1,000, a = 10,000 yuan, c = 60,000 yuan, coefficient 1.1 → 1,000 × 6 × 1.1 = 6,600 points.
 */
export function approvedPoints1e4(costFen: number, groupedPoints1e4: number, dip: DipResult | null): number {
  if (dip === null || dip.group_code === null) return groupedPoints1e4
  // c / a on the published average (6 decimals); a 辅助目录 type scales score and average alike, so it cancels
  const vs = costAgainstAverage(costFen, scoreToMicro(dip.avg_cost_yuan))
  if (vs.a <= 0n) return groupedPoints1e4
  const cost = points1e4({
    baseMicro: BigInt(scoreToMicro(dip.score)), auxMicro: PPM, coefficientMicro: ratioToPpm(dip.hospital_coefficient),
    bonusMicro: ratioToPpm(dip.tcm_bonus), factorNum: vs.c, factorDen: vs.a,
  })
  return Math.max(cost, groupedPoints1e4)
}

/**
 * Judge the month's candidates of every hospital. Within a hospital the quota goes first to the highest cost ratio
 * (cost ÷ group average, as engine/grouping/review-quota.ts orders them), then the higher cost, then setl_id.
 */
export function judgeCandidates(
  candidates: readonly Candidate[],
  dischargesByHospital: ReadonlyMap<string, number>,
  decisions: ReadonlyMap<string, Decision>,
  policy: Policy,
): JudgedCase[] {
  const avg = (c: Candidate): bigint => BigInt(Math.max(1, c.dip !== null ? scoreToMicro(c.dip.avg_cost_yuan) : 1))
  // c1/a1 > c2/a2 ⇔ c1·a2 > c2·a1; an unknown group average counts as 1 micro-yuan (orders by cost alone among them)
  const byRatio = (x: Candidate, y: Candidate): number => {
    const l = BigInt(x.medfeeFen) * avg(y)
    const r = BigInt(y.medfeeFen) * avg(x)
    if (l !== r) return l > r ? -1 : 1
    return (y.medfeeFen - x.medfeeFen) || (x.setlId < y.setlId ? -1 : 1)
  }
  const byHospital = new Map<string, Candidate[]>()
  for (const c of candidates) {
    const list = byHospital.get(c.code) ?? []
    list.push(c)
    byHospital.set(c.code, list)
  }
  const out: JudgedCase[] = []
  for (const [code, list] of [...byHospital].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const quota = specialCaseQuota(dischargesByHospital.get(code) ?? 0, policy)
    list.sort(byRatio)
    list.forEach((c, i) => {
      if (i >= quota) { out.push({ candidate: c, status: 'over_quota', paidPoints1e4: c.points1e4 }); return }
      const d = decisions.get(c.setlId)
      if (d === 'approved') out.push({ candidate: c, status: 'approved', paidPoints1e4: approvedPoints1e4(c.medfeeFen, c.points1e4, c.dip) })
      else out.push({ candidate: c, status: d === 'rejected' ? 'rejected' : 'pending', paidPoints1e4: c.points1e4 })
    })
  }
  return out
}
