// What crosses between the HTTP event loop (adjudicators.ts) and an adjudicator thread (adjudicator-thread.ts).
// Requests carry the raw body text (the thread parses and validates it); answers are data, ready to send.
import type { PreparedRecord } from '../engine/ledger/sqlite.js'
import type { ErrorBody } from './errors.js'

export interface AdjudicatorConfig {
  readonly tablesFile: string
  readonly policyFile: string | null
  /** Read here (the history); written only by the ledger writer thread. */
  readonly ledgerFile: string
}

/** One POST /v1/settlements body: its text, the caller's hospital (null: the admin credential), the routed person. */
export interface AdjudicationRequest {
  readonly id: number
  readonly hospital: string | null
  readonly body: string
  /** psn_no as the event loop found it in the raw text (its per-person queue): the parsed one must agree. */
  readonly psnNo: string
}

/** What the route sends for a claim: an error, or a 200 with the answer's JSON (status and reason codes for metrics). */
export type ClaimReply =
  /** A 4xx/5xx answer (malformed body, another hospital's claim, msgid conflict, fault); nothing recorded. */
  | { readonly kind: 'error'; readonly status: number; readonly body: ErrorBody }
  | { readonly kind: 'answer'; readonly json: string; readonly status: 'settled' | 'computed' | 'rejected'; readonly codes: readonly string[] }

export type AdjudicationReply = { readonly id: number } & (
  /** An error, or a 200 answer that records nothing (a rejection, or the first answer of a msgid seen before). */
  | ClaimReply
  /** A settlement to append (if the person is still at `version`); `json` is its answer with setl_id "". */
  | { readonly kind: 'record'; readonly record: PreparedRecord; readonly version: number; readonly json: string }
)

export interface AdjudicationBatch { readonly requests: readonly AdjudicationRequest[] }
export interface AdjudicationBatchReply { readonly replies: readonly AdjudicationReply[] }
