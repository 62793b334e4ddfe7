// The ONE outcome type of the ledger's commit (port.ts), and the one place a msgid seen before is answered: the
// first answer when the body is the same, else E_MSGID_CONFLICT (HTTP 409) — SPEC §9 idempotency. decide() asks it
// with the snapshot's prior answer, the commit inside the ledger asks it again in its transaction.
import { reason } from '../reasons.js'
import type { Reason } from '../reasons.js'
import { rejectionToResult } from '../result.js'
import type { AdjudicationResult } from '../result.js'

/** The first answer recorded under a msgid, with the hash of its body. */
export interface PriorAnswer {
  readonly bodyHash: string
  readonly result: AdjudicationResult
}

export type CommitOutcome =
  /** Appended now under setlId (a reversal carries its answer, built by the ledger from the stored original). */
  | { readonly status: 'settled'; readonly setlId: string; readonly result?: AdjudicationResult }
  /** Same msgid, same body: the first answer, unchanged. */
  | { readonly status: 'replayed'; readonly result: AdjudicationResult }
  /** Same msgid, another body (E_MSGID_CONFLICT). */
  | { readonly status: 'conflict'; readonly reasons: readonly Reason[] }
  /** Refused by the ledger itself (E_MDTRT_SETTLED, E_UNKNOWN_SETTLEMENT, E_ALREADY_REVERSED…); nothing written. */
  | { readonly status: 'rejected'; readonly reasons: readonly Reason[] }
  /** The person's history moved since the decision read it: read it again, decide again, commit again. */
  | { readonly status: 'stale' }
  /** Not written (a storage fault, or a bug); `storageFull`: the disk is full (HTTP 503 E_STORAGE_FULL). */
  | { readonly status: 'failed'; readonly message: string; readonly storageFull?: boolean }

/** A msgid seen before: 'replayed' (same body) or 'conflict' (another body). The only emitter of E_MSGID_CONFLICT. */
export function priorOutcome(prior: PriorAnswer, msgid: string, bodyHash: string): Extract<CommitOutcome, { status: 'replayed' | 'conflict' }> {
  if (prior.bodyHash === bodyHash) return { status: 'replayed', result: prior.result }
  const first = prior.result.setl_id === undefined ? '' : ` (${prior.result.setl_id})`
  return { status: 'conflict', reasons: [reason('E_MSGID_CONFLICT', 'msgid', `msgid ${msgid} was already used with another body${first}`)] }
}

/**
 * The claim's answer for a commit outcome. `prepared`: the answer decided for the record (setl_id '' set here);
 * 'stale' has no answer (the caller decides again) and is an error here.
 */
export function answerOf(o: CommitOutcome, msgid: string, prepared?: AdjudicationResult): AdjudicationResult {
  switch (o.status) {
    case 'settled':
      if (o.result !== undefined) return o.result
      if (prepared === undefined) throw new Error(`settlement ${o.setlId}: no answer to give it`)
      return { ...prepared, setl_id: o.setlId }
    case 'replayed': return o.result
    case 'conflict':
    case 'rejected': return rejectionToResult(msgid, o.reasons)
    case 'failed': return rejectionToResult(msgid, [reason('E_FAILED', '', `${REJECTION_FAILED}: ${o.message}`)])
    case 'stale': throw new Error(`settlement ${msgid}: a stale outcome is decided again, not answered`)
  }
}

/** E_FAILED's message (followed, on the CLI, by the exception's text; HTTP answers send it alone). */
export const REJECTION_FAILED = 'the claim could not be processed; it was not recorded'
