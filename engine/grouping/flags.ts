// Monitoring flags (SPEC §5): not payment rules — they list a discharge for the bureau's review.
import type { Claim } from '../claim.js'
import type { History } from '../history.js'
import type { Policy } from '../policy/types.js'
import type { Hospital } from '../tables/types.js'
import { PPM, ratioToPpm } from '../money.js'
import { mergeSource } from '../adjudicate/alliance.js'
import { dipSetting } from './dip-settings.js'

/**
 * 分解住院: a settled stay of the same person in the same 3-character category that ended at most
 * `dip.readmission_days` before this stay's begndate. A stay this one is alliance-merged with (医共体 双向转诊:
 * `referral_from` names it — or a stay of its episode —, the two hospitals share an alliance and the gap is within
 * `alliance.merge_gap_days`, SPEC §3 step 3) is one admission with it, not a readmission.
 */
export function isReadmission(
  claim: Claim, category: string, mergedEpisode: () => string | null, history: History, policy: Policy,
): boolean {
  const since = claim.begnDay - policy.dip.readmission_days
  const stays = history.recentStays(claim.psnNo, since)
  if (stays.length === 0) return false
  const merged = mergedEpisode()
  return stays.some((s) =>
    s.mdtrt_id !== claim.mdtrtId && s.end_day >= since && s.end_day <= claim.begnDay &&
    s.dx_category.toUpperCase() === category && s.episode_id !== merged)
}

/** The alliance episode `claim` merges into (its referral's), or null: the deductible's test (adjudicate/alliance.ts). */
export function mergedEpisodeOf(claim: Claim, hospital: Hospital | undefined, history: History, policy: Policy): string | null {
  // the same test as the deductible's (policy.alliance.merge_gap_days null → never merged, so a readmission)
  return hospital === undefined ? null : mergeSource(claim, hospital.allianceId, history, policy)?.episode_id ?? null
}

/**
 * 低标入院: cost below `low_standard_cost_ratio` × the group's average (micro-yuan, as published) with a stay of at
 * most `low_standard_max_days`.
 */
export function isLowStandardAdmission(costFen: number, avgMicroYuan: number, days: number, dip: Policy['dip']): boolean {
  if (days > dipSetting(dip, 'low_standard_max_days')) return false
  // fen × 1e4 = micro-yuan
  return BigInt(costFen) * 10_000n * BigInt(PPM) < BigInt(ratioToPpm(dipSetting(dip, 'low_standard_cost_ratio'))) * BigInt(avgMicroYuan)
}

/** A stay longer than `long_stay_multiple` × the group's average days (days are not money: a float compare). */
export function isLongStay(days: number, avgDays: number, dip: Policy['dip']): boolean {
  return avgDays > 0 && days > dipSetting(dip, 'long_stay_multiple') * avgDays
}
