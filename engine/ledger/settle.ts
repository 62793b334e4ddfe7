// Settling claims against the SQLite ledger on this thread — the CLI's chunks (`adjudicate`, `reverse`), the pool's
// workers, POST /v1/batches — as decide (decide.ts) then commit (the ledger's, one transaction):
//
//   no ledger            compute against the empty history                       → status 'computed'
//   ledger + dry-run     compute against the person's snapshot                   → status 'computed', nothing written
//   ledger               read each person's snapshot once (later claims of the person absorb the earlier ones),
//                        decide every claim, commit the records in ONE transaction; 'stale' → read, decide, commit
//                        again (another writer moved the person in between)   → 'settled' with setl_id, or the answer
// A rejection writes nothing. Outcomes are data: only a storage fault throws (and aborts the whole transaction).
import { isObject } from '../claim.js'
import { EMPTY_HISTORY, HistorySnapshot, unionScope, type HistoryScope } from '../history.js'
import { reason } from '../reasons.js'
import type { Reason } from '../reasons.js'
import { rejectionToResult } from '../result.js'
import type { AdjudicationResult } from '../result.js'
import { claimIds, claimScope, compute, decide, failedAnswer, type DecideEnv, type Decision } from './decide.js'
import { bodyHash } from './hash.js'
import { answerOf } from './outcome.js'
import type { SqliteLedger } from './sqlite/ledger.js'
import { isStorageFault } from './sqlite/errors.js'

export { REJECTION_FAILED } from './outcome.js'

export interface SettleEnv extends DecideEnv {
  readonly ledger?: SqliteLedger
  /** Compute against the ledger's history and record nothing (2303 pre-settlement). */
  readonly dryRun?: boolean
}

export interface ReversalEnv {
  readonly ledger: SqliteLedger
}

/** Decisions of a claim that a commit answered 'stale' this many times give up with E_FAILED (its person keeps moving). */
export const MAX_STALE_RETRIES = 8

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

/** decide → commit → (stale: again) for claims whose hashes are known; answers in order. */
export function settleBodies(claims: readonly { readonly body: unknown; readonly hash: string | null }[], ledger: SqliteLedger, env: DecideEnv): AdjudicationResult[] {
  const answers: (AdjudicationResult | undefined)[] = new Array(claims.length)
  let todo = claims.map((_, i) => i)
  for (let attempt = 0; todo.length > 0; attempt++) {
    if (attempt > MAX_STALE_RETRIES) {
      for (const i of todo) answers[i] = failedAnswer(claimIds(claims[i]?.body).msgid, new Error(`its person kept changing under ${attempt} attempts`))
      break
    }
    const decisions = ledger.snapshot(() => decideAll(todo.map((i) => claims[i] as { body: unknown; hash: string | null }), ledger, env))
    const records = decisions.flatMap((d) => (d.kind === 'record' ? [d.record] : []))
    const outcomes = records.length > 0 ? ledger.commit(records) : []
    const stale: number[] = []
    let k = 0
    decisions.forEach((d, j) => {
      const i = todo[j] as number
      if (d.kind === 'answer') { answers[i] = d.result; return }
      const o = outcomes[k++]
      if (o === undefined) throw new Error('commit answered fewer outcomes than records')
      if (o.status === 'stale') stale.push(i)
      else answers[i] = answerOf(o, d.record.msgid, d.result)
    })
    todo = stale
  }
  return answers as AdjudicationResult[]
}

/**
 * Each claim decided against its person's snapshot: read once per person (over the union of their claims' scopes),
 * absorbing the person's earlier claims of the batch.
 */
function decideAll(claims: readonly { readonly body: unknown; readonly hash: string | null }[], ledger: SqliteLedger, env: DecideEnv): Decision[] {
  const scopes = new Map<string, HistoryScope>()
  for (const c of claims) {
    if (!isObject(c.body)) continue
    const { psnNo } = claimIds(c.body)
    const s = claimScope(c.body, env.policy)
    const had = scopes.get(psnNo)
    scopes.set(psnNo, had === undefined ? s : unionScope(had, s))
  }
  const snapshots = new Map<string, HistorySnapshot>()
  return claims.map((c) => {
    const { msgid, psnNo } = claimIds(c.body)
    if (!isObject(c.body)) return decide(c, EMPTY_SNAPSHOT, undefined, env)
    let h = snapshots.get(psnNo)
    let prior
    if (h === undefined) {
      const read = ledger.readHistory(psnNo, msgid, scopes.get(psnNo))
      h = read.history
      prior = read.prior
      snapshots.set(psnNo, h)
    } else {
      prior = msgid === '' ? undefined : ledger.lookupMsgid(msgid)
    }
    return decide(c, h, prior, env)
  })
}

/** decide() answers a non-object body (E_BAD_JSON) before looking at the history: an empty snapshot does. */
const EMPTY_SNAPSHOT = new HistorySnapshot({ psnNo: '', version: 0, years: new Map(), stays: [] })

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

