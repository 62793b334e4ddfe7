// Checks of a real-time claim that the service makes before the engine sees it.
import { reason } from '../engine/reasons.js'
import { rejectionToResult, type AdjudicationResult } from '../engine/result.js'
import { HttpError } from './errors.js'

/**
 * A msgid must begin with the claim's own fixmedins_code (SPEC §1). Checked here, before the ledger's msgid lookup:
 * otherwise a hospital could send another hospital's msgid and learn from the 409 that it was used (and when, as the
 * msgid holds the time). Answered as the engine answers it for an unused msgid: a rejection, nothing written.
 */
export function foreignMsgid(c: { readonly msgid: string; readonly fixmedins_code: string }): AdjudicationResult | undefined {
  return c.msgid.startsWith(c.fixmedins_code) ? undefined : rejectionToResult(c.msgid, [reason('E_MSGID_HOSPITAL', 'msgid')])
}

/**
 * A rejection that is not an answer: a msgid reused with another body is a 409 (SPEC §9); a fault (E_FAILED, nothing
 * recorded) is a 500 so that the hospital retries.
 */
export function errorOf(r: AdjudicationResult): HttpError | undefined {
  if (r.status !== 'rejected') return undefined
  const c = r.reasons.find((x) => x.code === 'E_MSGID_CONFLICT')
  if (c) return new HttpError('E_MSGID_CONFLICT', 'msgid', c.message)
  if (r.reasons.some((x) => x.code === 'E_FAILED')) return new HttpError('E_INTERNAL')
  return undefined
}

const NO_CODES: readonly string[] = []

/** The reason codes a rejection is counted under in the metrics (none for an answer that is not a rejection). */
export function rejectionCodes(r: AdjudicationResult): readonly string[] {
  return r.status === 'rejected' ? r.reasons.map((x) => x.code) : NO_CODES
}
