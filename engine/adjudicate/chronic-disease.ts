// SPEC §3, #20 item 9 — 门诊慢特病 (med_type 14): only a disease of the policy's list (outpatient.chronic_diseases,
// matched on the main diagnosis's prefix) is paid as one; it has its own deductible, ratio and cap
// (outpatient['14']) and its own accumulators (chronic_dedc_fen, chronic_hifp_paid_fen), apart from 门诊统筹 (11).
//
// Choice: the year's chronic accumulator is one per person, not one per disease; a disease's annual cap is held
// against it (with the 14 rule's overall cap). Exact for a person with one 慢特病 (the usual case); a person with two
// gets the smaller of the two caps over both, never more than the policy allows.
import type { Claim } from '../claim.js'
import type { Policy } from '../policy/types.js'

export const CHRONIC_MED_TYPE = '14'

export type ChronicDisease = NonNullable<NonNullable<Policy['outpatient']>['chronic_diseases']>[number]

export function isChronicClaim(claim: Pick<Claim, 'medType'>): boolean {
  return claim.medType === CHRONIC_MED_TYPE
}

/** The policy's 慢特病 whose longest dx prefix matches the main diagnosis (upper-case), or undefined. */
export function chronicDiseaseOf(mainDx: string, policy: Policy): ChronicDisease | undefined {
  let best: ChronicDisease | undefined
  let bestLength = 0
  for (const d of policy.outpatient?.chronic_diseases ?? []) {
    for (const prefix of d.dx_prefixes) {
      if (prefix.length > bestLength && mainDx.startsWith(prefix.toUpperCase())) { best = d; bestLength = prefix.length }
    }
  }
  return best
}
