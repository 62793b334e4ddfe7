// 特例单议 quota (SPEC §5: review candidates capped at the policy's ‰ of discharges per hospital per month). A pure
// function over one hospital-month's DIP results; month-end calls it. The quota is
// floor(discharges × review_quota_permille / 1000) with NO minimum of one: the policy sets a ceiling (原则上不超过),
// and granting one candidate to every small hospital would exceed it for any hospital under 1000/permille
// discharges. Candidates are kept highest cost ratio (cost ÷ group average) first — the cases the band was made
// for —; ties by higher cost, then by their order in the input. The rest are demoted to 'high': the points do not
// change (review pays the high factor), only the 特例单议 flag goes.
import type { DipResult } from './types.js'
import { yuanToFen } from '../money.js'

export interface ReviewQuotaOptions {
  readonly permille: number
  /** The hospital-month's discharges; defaults to the number of results given. */
  readonly discharges?: number
}

export function reviewQuota(discharges: number, permille: number): number {
  // permille in 1/1000 units of itself keeps a fractional ‰ (e.g. 5.5) exact
  return Math.floor((discharges * Math.round(permille * 1000)) / 1_000_000)
}

export function applyReviewQuota(results: readonly DipResult[], opts: ReviewQuotaOptions): DipResult[] {
  const quota = reviewQuota(opts.discharges ?? results.length, opts.permille)
  const candidates = results
    .map((r, i) => ({ r, i, c: BigInt(yuanToFen(r.total_cost_yuan)), a: BigInt(yuanToFen(r.avg_cost_yuan)) }))
    .filter((x) => x.r.deviation === 'review')
  if (candidates.length <= quota) return [...results]
  // c1/a1 > c2/a2  ⇔  c1·a2 > c2·a1 (averages are positive for every review candidate)
  candidates.sort((x, y) => {
    const l = x.c * y.a
    const r = y.c * x.a
    if (l !== r) return l > r ? -1 : 1
    if (x.c !== y.c) return x.c > y.c ? -1 : 1
    return x.i - y.i
  })
  const demoted = new Set(candidates.slice(quota).map((x) => x.i))
  return results.map((r, i) => demoted.has(i)
    ? { ...r, deviation: 'high' as const, flags: r.flags.filter((f) => f !== 'F_REVIEW_CANDIDATE'), review_quota_demoted: true }
    : r)
}
