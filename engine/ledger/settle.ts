// The one flow every entry point uses (CLI, HTTP, worker pool): a claim body in, its answer out, recorded or not.
//
//   no ledger            adjudicate against an empty history            → status 'computed'
//   ledger + dry-run     adjudicate against the ledger's history         → status 'computed', nothing written (2303)
//   ledger               in ONE write transaction (BEGIN IMMEDIATE):       → status 'settled' with setl_id (2304)
//                          msgid seen? same body → the first answer; another body → E_MSGID_CONFLICT (HTTP 409)
//                          adjudicate against the history, record the settlement and its accumulators
// A rejection writes nothing. Outcomes are data: only a bug or a storage fault throws.
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { adjudicate as realAdjudicate } from '../adjudicate/index.js'
import type { AdjudicationContext, Outcome } from '../adjudicate/types.js'
import type { Policy } from '../policy/types.js'
import { reason } from '../reasons.js'
import type { Reason } from '../reasons.js'
import { rejectionToResult, settlementToResult } from '../result.js'
import type { AdjudicationResult, Settlement } from '../result.js'
import type { Tables } from '../tables/types.js'
import { EMPTY_HISTORY } from './types.js'
import type { Ledger, RecordOutcome } from './types.js'
import { isObject } from '../claim.js'

export interface SettleEnv {
  readonly tables: Tables
  readonly policy: Policy
  readonly ledger?: Ledger
  readonly dryRun?: boolean
  /** The adjudicator; engine/adjudicate by default (ledger tests pass a small fake). */
  readonly adjudicate?: (input: unknown, ctx: AdjudicationContext) => Outcome
}

export interface ReversalEnv {
  readonly ledger: Ledger
}

/** JSON with object keys sorted at every level: the same body always hashes the same, whatever its key order. */
export function canonicalJson(v: unknown): string {
  // a sorted deep copy then the native stringify: measured ~2x faster than building the string in JS
  return JSON.stringify(sortedCopy(v, new SortedKeys())) ?? 'null'
}

/**
 * Object.keys(o) sorted, remembering the last key list seen: a claim's fee lines all have the same keys in the same
 * order, so they are sorted once per claim, not once per line (measured: a fifth of canonicalJson's time).
 */
class SortedKeys {
  private lastKeys: readonly string[] = []
  private lastSorted: readonly string[] = []

  of(o: object): readonly string[] {
    const keys = Object.keys(o)
    const last = this.lastKeys
    if (keys.length === last.length && keys.length > 0) {
      let same = true
      for (let i = 0; i < keys.length; i++) if (keys[i] !== last[i]) { same = false; break }
      if (same) return this.lastSorted
    }
    this.lastKeys = keys
    this.lastSorted = keys.slice().sort()
    return this.lastSorted
  }
}

function sortedCopy(v: unknown, keys: SortedKeys): unknown {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map((x: unknown) => (x === undefined ? null : sortedCopy(x, keys)))
  const obj = v as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of keys.of(obj)) {
    const x = sortedCopy(obj[k], keys)
    // a "__proto__" key of the body stays a key (an assignment would set the copy's prototype). Not Object.create(null)
    // for every copy: V8 keeps prototype-less objects in dictionary mode, and stringifying those measured 30 % slower
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true })
    else out[k] = x
  }
  return out
}

/** sha256 (hex) of the canonical JSON of a body: the msgid idempotency check compares these. */
export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

function fromRecord(msgid: string, r: RecordOutcome): AdjudicationResult {
  return r.status === 'settled' || r.status === 'replayed' ? r.result : rejectionToResult(msgid, r.reasons)
}

/** Settle (or compute) one claim body. */
export function processClaim(body: unknown, env: SettleEnv): AdjudicationResult {
  if (!isObject(body)) return rejectionToResult('', [reason('E_BAD_JSON', '')])
  const msgid = typeof body['msgid'] === 'string' ? body['msgid'] : ''
  const adjudicate = env.adjudicate ?? realAdjudicate
  const { ledger } = env
  if (ledger === undefined || env.dryRun === true) {
    const compute = (): Outcome => adjudicate(body, { tables: env.tables, policy: env.policy, history: ledger ?? EMPTY_HISTORY })
    // a dry run reads the history on one snapshot, so a writer in another process cannot split it
    const outcome = ledger?.snapshot ? ledger.snapshot(compute) : compute()
    return outcome.status === 'ok' ? settlementToResult(outcome.settlement, 'computed') : rejectionToResult(outcome.msgid, outcome.reasons)
  }
  const hash = bodyHash(body)
  // the msgid check, the history read and the append see one state of the file (BEGIN IMMEDIATE). Inside a batch's
  // transaction no savepoint of its own: nothing is written before record(), whose writes are one savepoint
  // (measured: a second savepoint per claim cost ~10 % of a batch)
  return ledger.atomic(() => settleOnce(ledger, msgid, hash,
    () => adjudicate(body, { tables: env.tables, policy: env.policy, history: ledger })))
}

/**
 * The recording steps, inside the ledger's write transaction: processClaim's, and the pool's phase 2
 * (pool/settle-split.ts, which passes the outcome it computed before taking the lock). msgid seen? the first answer
 * (same body) or E_MSGID_CONFLICT, and `outcome` is not called: a replay is never adjudicated again (its own stay,
 * now in the history, would reject it as E_MDTRT_SETTLED). Else the outcome: its rejection, or the settlement recorded.
 */
export function settleOnce(
  ledger: Ledger, msgid: string, hash: string, outcome: () => Outcome,
  /** How a settlement is recorded: ledger.record by default (the pool passes one whose row it prepared before the lock). */
  recordSettlement?: (s: Settlement, opts: { readonly checkedMsgid?: string }) => RecordOutcome,
): AdjudicationResult {
  if (msgid !== '') {
    const prior = ledger.lookupMsgid(msgid)
    if (prior !== undefined) return priorAnswer(prior, msgid, hash)
  }
  const o = outcome()
  if (o.status === 'rejected') return rejectionToResult(o.msgid, o.reasons)
  // the msgid was looked up just above, in this transaction: record() need not look it up again (measured ~2 µs of
  // a ~40 µs append); record() still checks when the claim's msgid is not the one looked up
  const opts = msgid !== '' ? { checkedMsgid: msgid } : {}
  return fromRecord(msgid, recordSettlement ? recordSettlement(o.settlement, opts) : ledger.record(o.settlement, hash, opts))
}

/** A msgid recorded before: its first answer when the body is the same, else E_MSGID_CONFLICT (HTTP 409). */
export function priorAnswer(prior: { readonly bodyHash: string; readonly result: AdjudicationResult }, msgid: string, hash: string): AdjudicationResult {
  return prior.bodyHash === hash ? prior.result : msgidConflict(msgid)
}

export function msgidConflict(msgid: string): AdjudicationResult {
  return rejectionToResult(msgid, [reason('E_MSGID_CONFLICT', 'msgid', `msgid ${msgid} was already used with another body`)])
}

/** Validate a reversal body `{ setl_id, msgid }` (msgid: the reversal's own idempotency key). */
function reversalFields(body: unknown): { setlId: string; msgid: string } | { reasons: Reason[]; msgid: string } {
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
  const out = env.ledger.reverse(f.setlId, f.msgid, bodyHash(body))
  return out.status === 'settled' || out.status === 'replayed' ? out.result : rejectionToResult(f.msgid, out.reasons)
}

/**
 * Group commit: many bodies in ONE transaction (one fsync), answered in order. Each body runs in its own savepoint:
 * a rejection or a bug in one claim (answered E_FAILED) never undoes the others; a storage fault aborts the batch.
 */
export function processBatch(bodies: readonly unknown[], env: SettleEnv): AdjudicationResult[] {
  const { ledger } = env
  if (ledger === undefined || env.dryRun === true) return bodies.map((b) => computeClaim(b, env))
  return ledger.transaction(() => bodies.map((b) => isolated(b, () => processClaim(b, env))))
}

/**
 * One claim that records nothing (no ledger, or a dry run), a fault answered E_FAILED like processBatch does: for
 * callers that stream claims one at a time (the pool's workers), so that no batch of results stays alive.
 */
export function computeClaim(body: unknown, env: SettleEnv): AdjudicationResult {
  if (env.ledger !== undefined && env.dryRun !== true) throw new Error('computeClaim records nothing: use processClaim or processBatch with a ledger')
  return isolated(body, () => processClaim(body, env))
}

/** processReversal for many bodies in one transaction (see processBatch). */
export function processReversals(bodies: readonly unknown[], env: ReversalEnv): AdjudicationResult[] {
  // each reversal is its own savepoint already (ledger.reverse); nothing before it writes
  return env.ledger.transaction(() => bodies.map((b) => isolated(b, () => processReversal(b, env))))
}

function isolated(body: unknown, fn: () => AdjudicationResult): AdjudicationResult {
  try {
    return fn()
  } catch (e) {
    return faultAnswer(isObject(body) && typeof body['msgid'] === 'string' ? body['msgid'] : '', e)
  }
}

/**
 * The answer to a claim whose processing threw: E_FAILED, nothing of it recorded (its savepoint rolled back). A
 * storage fault (disk full, I/O, busy) is not one claim's problem: it is re-thrown, to abort the batch.
 */
export function faultAnswer(msgid: string, e: unknown): AdjudicationResult {
  if (e instanceof Database.SqliteError) throw e
  return rejectionToResult(msgid, [reason('E_FAILED', '', `${REJECTION_FAILED}: ${(e as Error).message}`)])
}

/** E_FAILED's message (followed, on the CLI, by the exception's text; HTTP answers send it alone). */
export const REJECTION_FAILED = 'the claim could not be processed; it was not recorded'

/** True when an answer reports a fault (E_FAILED) rather than a rejection of the claim itself. */
export function isFault(r: AdjudicationResult): boolean {
  return r.status === 'rejected' && r.reasons.some((x) => x.code === 'E_FAILED')
}
