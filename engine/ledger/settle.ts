// Settling claims against the SQLite ledger on this thread — the CLI's chunks (`adjudicate`, `reverse`), the pool's
// workers, POST /v1/batches — as decide (decide.ts) then commit (the ledger's, one transaction):
//
//   no ledger            compute against the empty history                       → status 'computed'
//   ledger + dry-run     compute against the person's snapshot                   → status 'computed', nothing written
//   ledger               the rounds of settle-rounds.ts (the one core the Promise port's settle-port.ts runs too),
//                        a round's reads on one read snapshot, its commit ONE transaction
//                                                                              → 'settled' with setl_id, or the answer
// A rejection writes nothing. Outcomes are data: only a storage fault throws (and aborts the whole transaction).
import { isObject } from '../claim.js'
import { EMPTY_HISTORY } from '../history.js'
import { reason } from '../reasons.js'
import type { Reason } from '../reasons.js'
import { rejectionToResult } from '../result.js'
import type { AdjudicationResult } from '../result.js'
import { claimIds, claimScope, compute, failedAnswer, type DecideEnv } from './decide.js'
import { bodyHash } from './hash.js'
import { answerOf } from './outcome.js'
import type { SqliteLedger } from './sqlite/ledger.js'
import { isStorageFault } from './sqlite/errors.js'
import { settleRounds, type ClaimToSettle } from './settle-rounds.js'

export { REJECTION_FAILED } from './outcome.js'
export { MAX_STALE_RETRIES } from './settle-rounds.js'

export interface SettleEnv extends DecideEnv {
  readonly ledger?: SqliteLedger
  /** Compute against the ledger's history and record nothing (2303 pre-settlement). */
  readonly dryRun?: boolean
}

export interface ReversalEnv {
  readonly ledger: SqliteLedger
}

/** Settle (or compute) one claim body. */
export function processClaim(body: unknown, env: SettleEnv): AdjudicationResult {
  return processBatch([body], env)[0] as AdjudicationResult
}

/**
 * Many bodies, answered in order: decided against per-person snapshots read on one read snapshot, committed in ONE
 * transaction (one fsync). Inside a caller's open transaction (the CLI's chunk) the reads and the commit share it.
 */
export function processBatch(bodies: readonly unknown[], env: SettleEnv): AdjudicationResult[] {
  const { ledger } = env
  if (ledger === undefined || env.dryRun === true) return bodies.map((b) => computeClaim(b, env))
  return settleBodies(bodies.map((b) => ({ body: b, hash: isObject(b) ? bodyHash(b) : null })), ledger, env)
}

/** decide → commit → (stale: again) for claims whose hashes are known (settle-rounds.ts); answers in order. */
export function settleBodies(claims: readonly ClaimToSettle[], ledger: SqliteLedger, env: DecideEnv): AdjudicationResult[] {
  const rounds = settleRounds(claims, env)
  for (let step = rounds.next(undefined); ; ) {
    if (step.done === true) return step.value
    const req = step.value
    // a round's reads on one read snapshot, so a writer in another process cannot split them
    step = rounds.next(req.kind === 'read' ? ledger.snapshot(() => ({
      histories: req.persons.map((p) => ledger.readHistory(p.psnNo, p.msgid, p.scope)),
      priors: req.msgids.map((m) => ledger.lookupMsgid(m)),
    })) : req.kind === 'commit' ? ledger.commit(req.records) : undefined)
  }
}

/** One claim computed and not recorded (no ledger, or a dry run against the person's snapshot). */
export function computeClaim(body: unknown, env: SettleEnv): AdjudicationResult {
  if (env.ledger !== undefined && env.dryRun !== true) throw new Error('computeClaim records nothing: use processClaim or processBatch with a ledger')
  const { ledger } = env
  if (ledger === undefined || !isObject(body)) return compute(body, EMPTY_HISTORY, env)
  // a dry run reads the history on one snapshot, so a writer in another process cannot split it
  return compute(body, ledger.snapshot(() => ledger.readHistory(claimIds(body).psnNo, undefined, claimScope(body, env.policy))).history, env)
}

/** Validate a reversal body `{ setl_id, msgid }` (msgid: the reversal's own idempotency key). */
export function reversalFields(body: unknown): { setlId: string; msgid: string } | { reasons: Reason[]; msgid: string } {
  if (!isObject(body)) return { msgid: '', reasons: [reason('E_BAD_JSON', '')] }
  const reasons: Reason[] = []
  for (const f of ['setl_id', 'msgid'] as const) {
    const v = body[f]
    if (v === undefined || v === null || v === '') reasons.push(reason('E_FIELD_MISSING', f))
    else if (typeof v !== 'string') reasons.push(reason('E_FIELD_TYPE', f, `${f} must be a string`))
  }
  const msgid = typeof body['msgid'] === 'string' ? body['msgid'] : ''
  if (reasons.length > 0) return { msgid, reasons }
  return { setlId: body['setl_id'] as string, msgid }
}

/** Reverse (撤销/冲正) one settlement: the negated record under a new setl_id, accumulators rolled back. */
export function processReversal(body: unknown, env: ReversalEnv): AdjudicationResult {
  const f = reversalFields(body)
  if ('reasons' in f) return rejectionToResult(f.msgid, f.reasons)
  return answerOf(env.ledger.reverseSettlement({ setlId: f.setlId, msgid: f.msgid, bodyHash: bodyHash(body) }), f.msgid)
}

/** processReversal for many bodies in one transaction; a bug in one is its E_FAILED, a storage fault aborts all. */
export function processReversals(bodies: readonly unknown[], env: ReversalEnv): AdjudicationResult[] {
  return env.ledger.transaction(() => bodies.map((b) => {
    try {
      return processReversal(b, env)
    } catch (e) {
      if (isStorageFault(e)) throw e
      return failedAnswer(claimIds(b).msgid, e)
    }
  }))
}

/**
 * The answer to a claim whose processing threw: E_FAILED, nothing of it recorded. A storage fault (disk full, I/O,
 * busy) is not one claim's problem: it is re-thrown, to abort the batch.
 */
export function faultAnswer(msgid: string, e: unknown): AdjudicationResult {
  if (isStorageFault(e)) throw e
  return failedAnswer(msgid, e)
}

// isFault lives with the answer shape (engine/result.ts), where callers that do not load the engine find it
export { isFault } from '../result.js'

