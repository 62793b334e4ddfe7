// Settle one claim body on an asynchronous ledger (the PostgreSQL one): the msgid's first answer if seen; else read
// the person's history (one snapshot, no lock), adjudicate, and commit the prepared record with the snapshot's
// version; 'stale' (another process settled or reversed a claim of this person meanwhile) decides again on a fresh
// snapshot, up to MAX_STALE_RETRIES times, as the SQLite ledger's writer does.
//
// MERGE NOTE: this is issue 14's decide / commit written against the port shape the PostgreSQL ledger has
// (readPerson, commit, lookupMsgid). When core-settle's decide/commit lands, call that instead and delete this file.
import { adjudicate as realAdjudicate } from '../../adjudicate/index.js'
import type { AdjudicationContext, Outcome } from '../../adjudicate/types.js'
import { isObject } from '../../claim.js'
import type { Policy } from '../../policy/types.js'
import { reason } from '../../reasons.js'
import { rejectionToResult } from '../../result.js'
import type { AdjudicationResult } from '../../result.js'
import type { Tables } from '../../tables/types.js'
import { bodyHash, faultAnswer, priorAnswer } from '../settle.js'
import { prepareRecord } from '../sqlite.js'
import type { PreparedRecord } from '../sqlite.js'
import type { History } from '../types.js'
import { EMPTY_HISTORY } from '../types.js'
import { MAX_STALE_RETRIES } from '../writer.js'
import type { CommitOutcome } from './ledger.js'

/** The settlement side of the port that settling a claim needs. */
export interface SettlePort {
  lookupMsgid(msgid: string): Promise<{ readonly bodyHash: string; readonly result: AdjudicationResult } | undefined>
  readPerson(psnNo: string): Promise<{ readonly version: number; readonly history: History }>
  commit(p: PreparedRecord, version: number): Promise<CommitOutcome>
}

export interface AsyncSettleEnv {
  readonly tables: Tables
  readonly policy: Policy
  readonly ledger: SettlePort
  /** The adjudicator; engine/adjudicate by default (ledger tests pass a small fake). */
  readonly adjudicate?: (input: unknown, ctx: AdjudicationContext) => Outcome
}

export async function settleClaim(body: unknown, env: AsyncSettleEnv): Promise<AdjudicationResult> {
  if (!isObject(body)) return rejectionToResult('', [reason('E_BAD_JSON', '')])
  const msgid = typeof body['msgid'] === 'string' ? body['msgid'] : ''
  const psnNo = typeof body['psn_no'] === 'string' ? body['psn_no'] : ''
  const adjudicate = env.adjudicate ?? realAdjudicate
  const hash = bodyHash(body)
  if (msgid !== '') {
    const prior = await env.ledger.lookupMsgid(msgid)
    if (prior !== undefined) return priorAnswer(prior, msgid, hash)
  }
  for (let attempt = 0; attempt <= MAX_STALE_RETRIES; attempt++) {
    // no psn_no: the adjudicator rejects the claim naming the field; it reads no history
    const snap = psnNo === '' ? { version: 0, history: EMPTY_HISTORY } : await env.ledger.readPerson(psnNo)
    let outcome: Outcome
    try {
      outcome = adjudicate(body, { tables: env.tables, policy: env.policy, history: snap.history })
    } catch (e) {
      return faultAnswer(msgid, e)
    }
    if (outcome.status === 'rejected') return rejectionToResult(outcome.msgid, outcome.reasons)
    const { record, result } = prepareRecord(outcome.settlement, hash)
    const out = await env.ledger.commit(record, snap.version)
    switch (out.status) {
      case 'appended': return { ...result, setl_id: out.setlId }
      case 'replayed': return out.result
      case 'conflict':
      case 'rejected': return rejectionToResult(msgid, out.reasons)
      case 'stale': continue
    }
  }
  return faultAnswer(msgid, new Error(`the person's history kept changing (${MAX_STALE_RETRIES + 1} attempts)`))
}
