// The contract of adjudication: a pure function of (claim body, tables, policy, history) → outcome as data.
import type { Claim } from '../claim.js'
import type { History } from '../history.js'
import type { Policy } from '../policy/types.js'
import type { Reason } from '../reasons.js'
import type { Settlement } from '../result.js'
import type { Tables } from '../tables/types.js'

export interface AdjudicationContext {
  readonly tables: Tables
  readonly policy: Policy
  readonly history: History
}

export type Outcome =
  | { readonly status: 'ok'; readonly settlement: Settlement }
  | { readonly status: 'rejected'; readonly msgid: string; readonly reasons: readonly Reason[] }

export type ParseOutcome =
  | { readonly status: 'ok'; readonly claim: Claim }
  | { readonly status: 'rejected'; readonly msgid: string; readonly reasons: readonly Reason[] }
