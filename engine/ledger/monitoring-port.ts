// The monitoring side of the ledger (SPEC §14): the month's settlements that carry 智能监控 flags, for `dipsettle
// monitoring report` and each hospital's feedback report. Promise-returning like the other ports; SQLite in
// sqlite/monitoring.ts, PostgreSQL in postgres/monitoring.ts.
//
// Where the flags live: in the settlement's stored answer (settlements.result_json, `monitoring`), written by the
// same append as the settlement on both backends. No table of their own: the flags are part of what the hospital was
// answered (a replay answers them again), immutable with the row (the append-only triggers), and storing them costs
// the real-time write nothing extra. The month's flagged rows are found through the month index and a text test of
// the answer (`"monitoring":[{`: JSON.stringify writes no spaces), then parsed here.
//
// MERGE NOTE: the lead composes MonitoringPort into the Ledger with ReportsPort and StaysPort.
import { strict as assert } from 'node:assert'
import type { MonitoringFlag } from '../monitoring/types.js'

/** A settlement of the month whose answer carries flags. */
export interface MonitoredSettlement {
  /** Append order: a month-end run's feedback lists those its ledger seq saw. */
  readonly seq: number
  readonly setl_id: string
  readonly msgid: string
  readonly fixmedins_code: string
  readonly psn_no: string
  readonly insutype: string
  readonly mdtrt_id: string
  readonly med_type: string
  readonly begndate: string
  readonly enddate: string
  /** A reversal names it: listed all the same (a flag stays a fact of what was submitted), marked. */
  readonly reversed: boolean
  readonly flags: readonly MonitoringFlag[]
}

export interface MonitoringPort {
  /** Settlements (not reversals) of `month` (enddate's YYYY-MM) whose answer carries flags, in append order. */
  monitoredSettlements(month: string): Promise<MonitoredSettlement[]>
}

/** The text a stored answer with at least one flag holds (result.ts writes `monitoring` with JSON.stringify). */
export const FLAGGED_ANSWER_TEXT = '"monitoring":[{'

/** A stored settlement row (the columns the reads select) → what the port answers. */
export function monitoredOfRow(r: {
  seq: number | string; setl_id: string; msgid: string; fixmedins_code: string; psn_no: string; insutype: string; mdtrt_id: string; med_type: string
  begndate: string; enddate: string; result_json: string; reversed: unknown
}): MonitoredSettlement {
  const answer = JSON.parse(r.result_json) as { monitoring?: MonitoringFlag[] }
  assert(Array.isArray(answer.monitoring), `settlement ${r.setl_id}: a flagged answer without its flags`)
  return {
    seq: Number(r.seq), setl_id: r.setl_id, msgid: r.msgid, fixmedins_code: r.fixmedins_code, psn_no: r.psn_no, insutype: r.insutype,
    mdtrt_id: r.mdtrt_id,
    med_type: r.med_type, begndate: r.begndate, enddate: r.enddate, reversed: r.reversed === true || r.reversed === 1,
    flags: answer.monitoring,
  }
}
