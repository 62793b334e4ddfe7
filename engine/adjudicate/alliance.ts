// SPEC §3 step 3, §9 — county alliance merging (医共体 单次住院, seed 001): a stay transferred (双向转诊) from a stay of
// the same person at a hospital of the same alliance, starting at most policy.alliance.merge_gap_days after that
// stay's enddate, is one admission with it: it keeps the episode's nth admission (no new admission counted) and the
// deductible already charged in the episode is credited (deductible.ts).
//
// Choices: a referral_from that names no settled stay of this person (a transfer from outside the region, or a
// history that does not hold it) settles as a normal admission — the transfer itself is legitimate, only the merge
// needs the earlier stay. Merging is governed by policy.alliance.merge_gap_days alone (null switches it off);
// alliance.settle_as_one only decides month-end roll-up (SPEC §3 step 3, §6).
import type { Claim } from '../claim.js'
import type { History, StayRecord } from '../history.js'
import type { Policy } from '../policy/types.js'
import type { Working } from './working.js'

/**
 * Does a stay beginning on `claim.begnDay` at a hospital of `allianceId` merge into the earlier stay `from` that its
 * referral_from names? The one test of 医共体 merging: the deductible here and the 分解住院 flag (grouping/flags.ts).
 */
export function mergesInto(claim: Pick<Claim, 'begnDay' | 'mdtrtId'>, allianceId: string | null, from: StayRecord, policy: Policy): boolean {
  const gapDays = policy.alliance.merge_gap_days
  return gapDays !== null
    && allianceId !== null
    // never into an episode this stay started itself (a reversed stay resubmitted with a referral from its own
    // successor): it would be counted as no admission while its episode id says it is one
    && from.episode_id !== claim.mdtrtId
    && from.alliance_id === allianceId
    && claim.begnDay <= from.end_day + gapDays
}

/** The stay `claim` merges into (its referral's, in the same alliance and window: mergesInto), or undefined. */
export function mergeSource(claim: Claim, allianceId: string | null, history: History, policy: Policy): StayRecord | undefined {
  if (claim.referralFrom === null || allianceId === null) return undefined
  const from = history.stay(claim.psnNo, claim.referralFrom)
  return from !== undefined && mergesInto(claim, allianceId, from, policy) ? from : undefined
}

export function allianceEpisode(w: Working): undefined {
  const { claim, hospital, policy } = w
  const from = mergeSource(claim, hospital.allianceId, w.ctx.history, policy)
  w.episode = from !== undefined
    // credited with what the whole episode charged (a branching episode's other branches too), not only `from`'s chain
    ? { id: from.episode_id, n: from.episode_n, priorDedcFen: w.ctx.history.episodeDeductibleFen(claim.psnNo, from.episode_id), merged: true }
    // n counts the person's settled, not reversed admissions of the enddate's year, this one included
    : { id: claim.mdtrtId, n: w.year.admissions + 1, priorDedcFen: 0, merged: false }
  return undefined
}
