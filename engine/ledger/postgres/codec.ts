// Stored record ↔ answer for the PostgreSQL ledger: an answer from its result_json and line set, and a reversal's
// negated answer and line tuples. MERGE NOTE: these are ledger/sqlite.ts's private helpers (storedResult,
// lineOfTuple, negateResult, negateLineTuples) as they stand on main; issue 14 moves them into one record codec with
// negation in one place. At merge, delete this file and import the codec's functions in ledger.ts instead.
import { lineReason } from '../../reasons.js'
import type { LineOutcomeCode } from '../../reasons.js'
import { fenToYuan } from '../../money.js'
import type { ChrgitmLv } from '../../tables/types.js'
import type { AdjudicationResult } from '../../result.js'

/** One fee line as stored: feedetl_sn, code, chrgitm_lv, amount, fulamt_ownpay, overlmt, preselfpay, inscp_scp (fen), reason codes. */
export type LineTuple = [string, string, string, number, number, number, number, number, readonly LineOutcomeCode[]]

/** A stored answer: result_json holds it without its lines, which come back from the settlement's line set. */
export function storedResult(json: string, lineSet: string | undefined): AdjudicationResult {
  const stored = JSON.parse(json) as Record<string, unknown>
  if ('lines' in stored) return stored as unknown as AdjudicationResult
  const lines = lineSet === undefined ? [] : (JSON.parse(lineSet) as LineTuple[]).map(lineOfTuple)
  // the answer's own key order: lines come right after setldetail
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(stored)) {
    out[k] = v
    if (k === 'setldetail') out['lines'] = lines
  }
  return out as unknown as AdjudicationResult
}

function lineOfTuple([sn, , lv, , f, o, p, i, codes]: LineTuple): NonNullable<AdjudicationResult['lines']>[number] {
  return {
    feedetl_sn: sn, chrgitm_lv: lv as ChrgitmLv, fulamt_ownpay_amt: fenToYuan(f), overlmt_amt: fenToYuan(o),
    preselfpay_amt: fenToYuan(p), inscp_scp_amt: fenToYuan(i), reasons: codes.map((c) => lineReason(c)),
  }
}

const neg = (x: number): number => (x === 0 ? 0 : -x)

/** The reversal's answer: the original's amounts negated, under the reversal's own msgid and setl_id. */
export function negateResult(orig: AdjudicationResult, msgid: string, setlId: string, reverses: string): AdjudicationResult {
  const setlinfo = orig.setlinfo === undefined ? undefined
    : Object.fromEntries(Object.entries(orig.setlinfo).map(([k, v]) => [k, neg(v)])) as NonNullable<AdjudicationResult['setlinfo']>
  return {
    ...orig,
    msgid,
    status: 'settled',
    setl_id: setlId,
    reverses,
    ...(setlinfo !== undefined ? { setlinfo } : {}),
    ...(orig.setldetail !== undefined ? { setldetail: orig.setldetail.map((d) => ({ ...d, fund_payamt: neg(d.fund_payamt) })) } : {}),
    ...(orig.lines !== undefined ? {
      lines: orig.lines.map((l) => ({
        ...l, fulamt_ownpay_amt: neg(l.fulamt_ownpay_amt), overlmt_amt: neg(l.overlmt_amt),
        preselfpay_amt: neg(l.preselfpay_amt), inscp_scp_amt: neg(l.inscp_scp_amt),
      })),
    } : {}),
    ...(orig.dip ? { dip: { ...orig.dip, points: neg(orig.dip.points), points_1e4: neg(orig.dip.points_1e4) } } : {}),
    reasons: [],
  }
}

export function negateLineTuples(lines: readonly LineTuple[]): LineTuple[] {
  return lines.map(([sn, code, lv, a, f, o, p, i, r]) => [sn, code, lv, neg(a), neg(f), neg(o), neg(p), neg(i), r])
}

/** The answer as stored: its lines are in the line set already. */
export function resultJsonWithoutLines(r: AdjudicationResult): string {
  const { lines: _lines, ...rest } = r
  return JSON.stringify(rest)
}
