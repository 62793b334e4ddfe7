// Recording a batch in a worker without holding the ledger's write lock while adjudicating (README "who writes").
//
// processBatch (ledger/settle.ts) adjudicates inside its BEGIN IMMEDIATE transaction, so two workers on one ledger
// take turns for the whole batch and two are slower than one. Here the batch is split in two phases:
//   1. outside any write transaction: parse → adjudicate against the committed history, hash the body, prepare the
//      settlement's ledger row and answer (ledger/sqlite.ts prepareRecord);
//   2. one BEGIN IMMEDIATE transaction: per claim, processClaim's own recording steps (ledger/settle.ts settleOnce) —
//      msgid seen? (the first answer, or E_MSGID_CONFLICT) — else record the settlement computed in phase 1 (or
//      answer its rejection, or E_FAILED when its adjudication threw).
// Phase 1 may run outside the lock because every history read is about one person, and the pool guarantees that
// (a) all claims of a person go through one lane, one batch of the lane at a time, and (b) a recording batch holds
// at most one claim per person (pool.ts cuts the batch before a person repeats). Another writer on the same ledger
// file (the HTTP service, a second CLI run) may still settle a claim of that person in between: phase 2 compares the
// person's history version (ledger.personVersion, the seq of their latest row) with the one phase 1 read and, when
// it moved, adjudicates the claim again inside the lock. So the answers are processClaim's, byte for byte (tested).
import Database from 'better-sqlite3'
import { adjudicate as realAdjudicate } from '../adjudicate/index.js'
import type { Outcome } from '../adjudicate/types.js'
import { bodyHash, faultAnswer, settleOnce, type SettleEnv } from '../ledger/settle.js'
import { prepareRecord, type SqliteLedger } from '../ledger/sqlite.js'
import { reason } from '../reasons.js'
import { rejectionToResult, type AdjudicationResult } from '../result.js'
import { isObject } from '../claim.js'

/** What phase 1 read: the claim, and the version of its person's history its adjudication saw. */
interface Read { readonly body: Record<string, unknown>; readonly msgid: string; readonly hash: string; readonly psnNo: string; readonly version: number }

type Prepared =
  | { readonly kind: 'answer'; readonly result: AdjudicationResult }
  /** `row`: a settlement's ledger row and answer, prepared here so that the write lock is held only to append. */
  | (Read & { readonly kind: 'computed'; readonly outcome: Outcome; readonly row?: ReturnType<typeof prepareRecord> })
  /** The adjudication threw (a bug): re-thrown in phase 2 where processClaim would have thrown it. */
  | (Read & { readonly kind: 'failed'; readonly error: unknown })

function prepare(body: unknown, env: SettleEnv & { ledger: SqliteLedger }): Prepared {
  if (!isObject(body)) return { kind: 'answer', result: rejectionToResult('', [reason('E_BAD_JSON', '')]) }
  const msgid = typeof body['msgid'] === 'string' ? body['msgid'] : ''
  const psnNo = typeof body['psn_no'] === 'string' ? body['psn_no'] : ''
  const read: Read = { body, msgid, hash: bodyHash(body), psnNo, version: env.ledger.personVersion(psnNo) }
  return adjudicateRead(read, env)
}

function adjudicateRead(read: Read, env: SettleEnv & { ledger: SqliteLedger }): Prepared {
  try {
    const outcome = (env.adjudicate ?? realAdjudicate)(read.body, { tables: env.tables, policy: env.policy, history: env.ledger })
    if (outcome.status !== 'ok') return { ...read, kind: 'computed', outcome }
    return { ...read, kind: 'computed', outcome, row: prepareRecord(outcome.settlement, read.hash) }
  } catch (e) {
    if (e instanceof Database.SqliteError) throw e // a storage fault aborts the batch (the pool retries it)
    return { ...read, kind: 'failed', error: e }
  }
}

function commit(prepared: Prepared, env: SettleEnv & { ledger: SqliteLedger }, beforeRecord?: (msgid: string) => void): AdjudicationResult {
  if (prepared.kind === 'answer') return prepared.result
  const ledger = env.ledger
  beforeRecord?.(prepared.msgid)
  // another writer settled a claim of this person since phase 1: what the adjudication read may be stale
  const { body, msgid, hash, psnNo } = prepared
  const version = ledger.personVersion(psnNo)
  const p = version === prepared.version ? prepared : adjudicateRead({ body, msgid, hash, psnNo, version }, env)
  if (p.kind === 'answer') return p.result
  // as processBatch's per-claim isolation: an exception in one claim (its adjudication's, or its record's, whose
  // savepoint rolled back) answers E_FAILED for that claim only
  try {
    const row = p.kind === 'computed' ? p.row : undefined
    return settleOnce(ledger, p.msgid, p.hash, () => {
      if (p.kind === 'failed') throw p.error
      return p.outcome
    }, row === undefined ? undefined : (_s, opts) => ledger.recordPrepared(row, opts))
  } catch (e) {
    return faultAnswer(p.msgid, e)
  }
}

/** Settle a batch in which no person appears twice: adjudicate outside the write lock, record in one transaction. */
export function settleBatchSplit(
  bodies: readonly unknown[], env: SettleEnv & { ledger: SqliteLedger },
  /** Test-only hook (pool fault injection): called inside the write transaction before each claim is recorded. */
  beforeRecord?: (msgid: string) => void,
): AdjudicationResult[] {
  const prepared = env.ledger.snapshot(() => bodies.map((b) => prepare(b, env)))
  return env.ledger.transaction(() => prepared.map((p) => commit(p, env, beforeRecord)))
}
