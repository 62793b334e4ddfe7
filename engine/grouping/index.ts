// STUB — the grouping helper replaces this file (issue 5).
import type { Claim } from '../claim.js'
import type { AdjudicationContext } from '../adjudicate/types.js'
import type { DipResult } from './types.js'

export interface GroupOptions { readonly trace?: boolean }

/** DIP-group and score one parsed inpatient claim (SPEC §5). Never throws for a claim: ungroupable is a result. */
export function groupClaim(_claim: Claim, _ctx: AdjudicationContext, _opts: GroupOptions = {}): DipResult {
  throw new Error('groupClaim: not implemented yet')
}
