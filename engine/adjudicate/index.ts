// STUB — the adjudication helper replaces this file (issue 4).
import type { AdjudicationContext, Outcome, ParseOutcome } from './types.js'
import type { Tables } from '../tables/types.js'

/** Validate and parse one claim body (SPEC §3 step 1). */
export function parseClaim(_input: unknown, _tables: Tables): ParseOutcome {
  throw new Error('parseClaim: not implemented yet')
}

/** Adjudicate one claim body against the history in ctx; pure, records nothing. */
export function adjudicate(_input: unknown, _ctx: AdjudicationContext): Outcome {
  throw new Error('adjudicate: not implemented yet')
}
