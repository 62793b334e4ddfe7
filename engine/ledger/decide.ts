// decide: the pure half of settling a claim (SPEC §3, §9 2304). A claim body and its person's history snapshot in,
// out either the answer (a rejection, the msgid's first answer, or E_MSGID_CONFLICT) or a prepared record with its
// answer, for the ledger's commit (port.ts) to append. Synchronous and without I/O: the CLI, the pool's workers and
// the HTTP route all decide here and commit through the ledger; nothing else checks a msgid or builds a record.
//
//   msgid recorded?                → its first answer (same body) or E_MSGID_CONFLICT   (outcome.ts priorOutcome)
//   msgid decided earlier in batch → a msgid-only record (the commit answers it from the first)
//   else adjudicate against the snapshot → its rejection, or the record + its answer (setl_id set by the commit)
import { adjudicate as realAdjudicate } from '../adjudicate/index.js'
import type { AdjudicationContext, Outcome } from '../adjudicate/types.js'
import { dayNumber, isObject } from '../claim.js'
import { ZERO_YEAR, type History, type HistoryScope, type HistorySnapshot } from '../history.js'
import type { Policy } from '../policy/types.js'
import { reason } from '../reasons.js'
import { monitoringLookbackDays } from '../monitoring/index.js'
import { withSnapshotPersons } from '../persons/snapshot.js'
import { rejectionToResult, settlementToResult, type AdjudicationResult } from '../result.js'
import type { Tables } from '../tables/types.js'
import { historyDelta, prepareRecord, type PreparedRecord } from './codec.js'
import { bodyHash } from './hash.js'
import { answerOf, priorOutcome, REJECTION_FAILED, type PriorAnswer } from './outcome.js'

export interface DecideEnv {
  readonly tables: Tables
  readonly policy: Policy
  /** The adjudicator; engine/adjudicate by default (ledger and HTTP tests pass a small fake). */
  readonly adjudicate?: (input: unknown, ctx: AdjudicationContext) => Outcome
}

/** A claim as decide() takes it: the parsed body and its hash (null: hashed later, from its text, by the ledger). */
export interface ClaimIn {
  readonly body: unknown
  readonly hash: string | null
}

export type Decision =
  | { readonly kind: 'answer'; readonly result: AdjudicationResult }
  | { readonly kind: 'record'; readonly record: PreparedRecord; readonly result: AdjudicationResult }

/** The msgid and psn_no a body names ('' when missing or not strings). */
export function claimIds(body: unknown): { readonly msgid: string; readonly psnNo: string } {
  if (!isObject(body)) return { msgid: '', psnNo: '' }
  const msgid = body['msgid']
  const psnNo = body['psn_no']
  return { msgid: typeof msgid === 'string' ? msgid : '', psnNo: typeof psnNo === 'string' ? psnNo : '' }
}

/**
 * The stays a claim's adjudication may ask about (history.ts HistoryScope): its own visit and its referral (E_MDTRT_
 * SETTLED, alliance merging, SPEC §3 step 4) and the readmission window before its begndate (分解住院, SPEC §4), or the
 * monitoring rules' (SPEC §14: M_READMISSION's window; overlapping stays end after the begndate) when longer.
 */
export function claimScope(body: unknown, policy: Policy): HistoryScope {
  if (!isObject(body)) return NO_STAYS
  const ids: string[] = []
  if (typeof body['mdtrt_id'] === 'string') ids.push(body['mdtrt_id'])
  if (typeof body['referral_from'] === 'string') ids.push(body['referral_from'])
  const begn = typeof body['begndate'] === 'string' ? dayNumber(body['begndate']) : undefined
  const sinceDay = typeof begn === 'number' ? begn - Math.max(policy.dip.readmission_days, monitoringLookbackDays(policy)) : Number.MAX_SAFE_INTEGER
  return { sinceDay, mdtrtIds: ids }
}

const NO_STAYS: HistoryScope = { sinceDay: Number.MAX_SAFE_INTEGER, mdtrtIds: [] }

/**
 * Decide one claim against its person's snapshot (and its msgid's first answer). A record decided here is absorbed
 * into the snapshot, so that the person's next claim in the batch decides against it without a re-read.
 */
export function decide(claim: ClaimIn, history: HistorySnapshot, prior: PriorAnswer | undefined, env: DecideEnv): Decision {
  const { body } = claim
  if (!isObject(body)) return { kind: 'answer', result: rejectionToResult('', [reason('E_BAD_JSON', '')]) }
  const { msgid } = claimIds(body)
  if (prior !== undefined) return { kind: 'answer', result: answerOf(priorOutcome(prior, msgid, claim.hash ?? bodyHash(body)), msgid) }
  if (msgid !== '' && history.hasAbsorbed(msgid)) return { kind: 'record', record: msgidOnlyRecord(msgid, history, claim.hash ?? bodyHash(body)), result: rejectionToResult(msgid, []) }
  let outcome: Outcome
  try {
    outcome = withSnapshotPersons(env.tables, history, () => (env.adjudicate ?? realAdjudicate)(body, { tables: env.tables, policy: env.policy, history }))
  } catch (e) {
    return { kind: 'answer', result: failedAnswer(msgid, e) }
  }
  if (outcome.status === 'rejected') return { kind: 'answer', result: rejectionToResult(outcome.msgid, outcome.reasons) }
  const p = prepareRecord(outcome.settlement, claim.hash ?? '', { version: history.version, absorbed: history.absorbed })
  history.absorb(historyDelta(outcome.settlement))
  return { kind: 'record', record: p.record, result: p.result }
}

/** A claim computed and not recorded (no ledger: the empty history; a dry run, 2303: the ledger's). */
export function compute(body: unknown, history: History, env: DecideEnv): AdjudicationResult {
  if (!isObject(body)) return rejectionToResult('', [reason('E_BAD_JSON', '')])
  try {
    const o = withSnapshotPersons(env.tables, history, () => (env.adjudicate ?? realAdjudicate)(body, { tables: env.tables, policy: env.policy, history }))
    return o.status === 'ok' ? settlementToResult(o.settlement, 'computed') : rejectionToResult(o.msgid, o.reasons)
  } catch (e) {
    return failedAnswer(claimIds(body).msgid, e)
  }
}

/** E_FAILED for a claim whose adjudication threw (a bug): nothing of it recorded. */
export function failedAnswer(msgid: string, e: unknown): AdjudicationResult {
  return rejectionToResult(msgid, [reason('E_FAILED', '', `${REJECTION_FAILED}: ${(e as Error).message}`)])
}

function msgidOnlyRecord(msgid: string, history: HistorySnapshot, hash: string): PreparedRecord {
  return {
    msgid, psnNo: history.psnNo, mdtrtId: '', year: 0, bodyHash: hash, row: [], linesJson: '', headJson: '',
    accum: ZERO_YEAR,
    version: history.version, absorbed: history.absorbed, msgidOnly: true,
  }
}
