// The record codec: a settlement as the ledger stores it (a settlements row, its line tuples, its answer head) and
// back (row ↔ answer ↔ line tuples), and the one negation of a stored settlement that a reversal appends (SPEC §9
// 2305). Storage-neutral: SQLite and PostgreSQL store the same columns (schema.ts), so both use this file.
import { strict as assert } from 'node:assert'
import { lineReason } from '../reasons.js'
import type { LineOutcomeCode } from '../reasons.js'
import { fenToYuan } from '../money.js'
import type { ChrgitmLv } from '../tables/types.js'
import type { DipResult } from '../grouping/types.js'
import { settlementToResult } from '../result.js'
import type { AdjudicationResult, Settlement } from '../result.js'
import type { HistoryDelta, PersonYear, StayRecord } from '../history.js'
import { ACCUM_FIELDS, SETLINFO_COLUMNS, STAY_COLUMNS } from './schema.js'

/** A settlements row as stored, by column. */
export type Row = Record<string, string | number | null>
export type RowValues = (string | number | null)[]

export const SETTLEMENT_COLUMNS = [
  'setl_id', 'seq', 'msgid', 'body_hash', 'kind', 'reverses', 'fixmedins_code', 'psn_no', 'insutype', 'mdtrt_id',
  'med_type', 'inpatient', 'begndate', 'enddate', 'year', 'month', 'recorded_at', ...SETLINFO_COLUMNS, ...ACCUM_FIELDS,
  'dip_group_code', 'dip_kind', 'dip_points_1e4', 'dip_deviation', 'dip_flags', ...STAY_COLUMNS, 'result_json',
] as const

export const COL = {
  seq: SETTLEMENT_COLUMNS.indexOf('seq'),
  setl_id: SETTLEMENT_COLUMNS.indexOf('setl_id'),
  recorded_at: SETTLEMENT_COLUMNS.indexOf('recorded_at'),
  result_json: SETTLEMENT_COLUMNS.indexOf('result_json'),
  body_hash: SETTLEMENT_COLUMNS.indexOf('body_hash'),
} as const

export function setlIdOf(seq: number): string {
  return 'S' + String(seq).padStart(12, '0')
}

/**
 * A settlement made ready to append without the database (any thread can prepare it): everything but seq, setl_id,
 * recorded_at and result_json, which the commit fills in. Plain data: it crosses to the ledger writer thread as it is.
 */
export interface PreparedRecord {
  readonly msgid: string
  readonly psnNo: string
  readonly mdtrtId: string
  readonly year: number
  /** sha256 of the body's canonical JSON (hash.ts); '' while the ledger writer thread is to hash `bodyText`. */
  readonly bodyHash: string
  /** The settlements row in SETTLEMENT_COLUMNS order (seq, setl_id, recorded_at, result_json: null). */
  readonly row: readonly (string | number | null)[]
  /** The settlement_line_sets row: the fee lines as JSON tuples. */
  readonly linesJson: string
  readonly accum: PersonYear
  /** 异地就医 (SPEC §13): the visitor's insuring region; its accumulators, not the local ones, take `accum`. */
  readonly insuplcAdmdvs?: string
  /** The answer without its lines, as JSON with setl_id "" (its key in place): result_json once setl_id is set. */
  readonly headJson: string
  /** The person's history version the decision read (HistorySnapshot.version). */
  readonly version: number
  /** Records of this person decided before it against the same snapshot (HistorySnapshot.absorbed). */
  readonly absorbed: number
  /**
   * Only a msgid check: a repeat, in one batch, of a msgid decided earlier in it. The commit answers the first's
   * answer (same body) or the conflict; should the first not be appended, 'stale' (decide again).
   */
  readonly msgidOnly: boolean
}

/**
 * An answer serialised with setl_id "" given its setl_id: the first `"setl_id":""` is that key (a quote inside a
 * string value is escaped, so no value can hold this text).
 */
export function withSetlId(json: string, setlId: string): string {
  return json.replace('"setl_id":""', `"setl_id":${JSON.stringify(setlId)}`)
}

/** The record with its body hash (the ledger writer thread hashes the body text the owner sent). */
export function withBodyHash(p: PreparedRecord, bodyHash: string): PreparedRecord {
  const row = p.row.slice()
  row[COL.body_hash] = bodyHash
  return { ...p, bodyHash, row }
}

/**
 * The record to append, and the settlement's whole answer (setl_id '', set once appended) for the caller to keep.
 * bodyHash '' leaves the hash to the ledger writer thread (withBodyHash); the commit refuses a record without one.
 */
export function prepareRecord(s: Settlement, bodyHash: string, at: { readonly version: number; readonly absorbed: number } = { version: 0, absorbed: 0 }):
  { readonly record: PreparedRecord; readonly result: AdjudicationResult } {
  const result = settlementToResult(s, 'settled', '')
  const { lines: _lines, ...head } = result
  const record: PreparedRecord = {
    msgid: s.claim.msgid, psnNo: s.claim.psnNo, mdtrtId: s.claim.mdtrtId, year: s.claim.year, bodyHash,
    row: rowValues(settlementRow(s, bodyHash)), linesJson: lineSetJson(s), accum: s.accum, headJson: JSON.stringify(head),
    version: at.version, absorbed: at.absorbed, msgidOnly: false,
    ...(s.insuplcAdmdvs != null ? { insuplcAdmdvs: s.insuplcAdmdvs } : {}),
  }
  return { record, result }
}

/** What a settlement adds to its person's history, for a snapshot to absorb before it is committed. */
export function historyDelta(s: Settlement): HistoryDelta {
  return {
    msgid: s.claim.msgid, year: s.claim.year, accum: s.accum, dedcFen: s.setlinfo.act_pay_dedc_fen,
    ...(s.insuplcAdmdvs != null ? { insuplcAdmdvs: s.insuplcAdmdvs } : {}),
    stay: s.stay === null ? null : { ...s.stay, setl_id: '' } as StayRecord,
    // an outpatient settlement, for a stay of the batch settled after it (monitoring, SPEC §14)
    visit: s.claim.inpatient ? null : {
      mdtrt_id: s.claim.mdtrtId, setl_id: '', fixmedins_code: s.claim.hospitalCode, begn_day: s.claim.begnDay, end_day: s.claim.endDay,
    },
  }
}

/** The fee lines of a settlement as one row (see schema.ts: settlement_line_sets). */
function lineSetJson(s: Settlement): string {
  const fees = s.claim.fees
  const tuples: LineTuple[] = s.lines.map((l, i) => {
    // lines are in the claim's fee order (adjudication keeps it): the fee line gives the code and amount
    const fee = fees[i]
    assert(fee !== undefined && fee.feedetlSn === l.feedetl_sn, `line ${l.feedetl_sn} is not fee line ${i} of the claim`)
    return [l.feedetl_sn, fee.code, l.chrgitm_lv, fee.amountFen, l.fulamt_ownpay_amt_fen, l.overlmt_amt_fen,
      l.preselfpay_amt_fen, l.inscp_scp_amt_fen, l.reasons.map((r) => r.code)]
  })
  return JSON.stringify(tuples)
}

function settlementRow(s: Settlement, bodyHash: string): Row {
  const c = s.claim
  const row: Row = {
    setl_id: null, seq: null, msgid: c.msgid, body_hash: bodyHash, kind: 'settlement', reverses: null,
    fixmedins_code: c.hospitalCode, psn_no: c.psnNo, insutype: c.insutype, mdtrt_id: c.mdtrtId, med_type: c.medType,
    inpatient: c.inpatient ? 1 : 0, begndate: c.begndate, enddate: c.enddate, year: c.year, month: c.month,
    recorded_at: null,
    dip_group_code: s.dip?.group_code ?? null, dip_kind: s.dip?.kind ?? null, dip_points_1e4: s.dip?.points_1e4 ?? null,
    dip_deviation: s.dip?.deviation ?? null, dip_flags: s.dip ? JSON.stringify(s.dip.flags) : null,
    alliance_id: s.stay?.alliance_id ?? null, level: s.stay?.level ?? null, episode_id: s.stay?.episode_id ?? null,
    episode_n: s.stay?.episode_n ?? null, episode_dedc_fen: s.stay?.episode_dedc_fen ?? null,
    dx_category: s.stay?.dx_category ?? null,
    // begn_day / end_day are kept for every claim (outpatient too); a row is a stay when episode_id is set
    begn_day: c.begnDay, end_day: c.endDay,
    result_json: null,
  }
  for (const col of SETLINFO_COLUMNS) row[col] = s.setlinfo[col]
  for (const f of ACCUM_FIELDS) row[f] = s.accum[f]
  return row
}

/** A settlements row as positional values, in SETTLEMENT_COLUMNS order. */
export function rowValues(row: Row): RowValues {
  return SETTLEMENT_COLUMNS.map((c) => row[c] ?? null)
}

/** One fee line as stored: feedetl_sn, code, chrgitm_lv, then amount, fulamt_ownpay, overlmt, preselfpay, inscp_scp
 * (fen), then the line reasons' codes (their messages are the catalogue's, engine/reasons.ts). */
export type LineTuple = [string, string, string, number, number, number, number, number, readonly LineOutcomeCode[]]

/** The wire line (SPEC §9 `lines[]`) of a stored tuple. */
function lineOfTuple([sn, , lv, , f, o, p, i, codes]: LineTuple): NonNullable<AdjudicationResult['lines']>[number] {
  return {
    feedetl_sn: sn, chrgitm_lv: lv as ChrgitmLv, fulamt_ownpay_amt: fenToYuan(f), overlmt_amt: fenToYuan(o),
    preselfpay_amt: fenToYuan(p), inscp_scp_amt: fenToYuan(i), reasons: codes.map((c) => lineReason(c)),
  }
}

/**
 * A stored answer: result_json holds it without its lines, which come back from the settlement's line set
 * (`linesJson` undefined: no line set). The answer's own key order: lines come right after setldetail.
 */
export function storedAnswer(resultJson: string, linesJson: string | undefined): AdjudicationResult {
  const stored = JSON.parse(resultJson) as Record<string, unknown>
  if ('lines' in stored) return stored as unknown as AdjudicationResult
  const lines = linesJson === undefined ? [] : (JSON.parse(linesJson) as LineTuple[]).map(lineOfTuple)
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(stored)) {
    out[k] = v
    if (k === 'setldetail') out['lines'] = lines
  }
  return out as unknown as AdjudicationResult
}

/** A stay as the history reads it, from a settlements row (null: the row is no stay). */
export function stayOfRow(r: Row): StayRecord | null {
  if (r['episode_id'] === null || r['episode_id'] === undefined) return null
  return {
    mdtrt_id: String(r['mdtrt_id']), setl_id: String(r['setl_id']), psn_no: String(r['psn_no']),
    fixmedins_code: String(r['fixmedins_code']), alliance_id: r['alliance_id'] === null ? null : String(r['alliance_id']),
    level: num(r['level']) as 1 | 2 | 3, begn_day: num(r['begn_day']), end_day: num(r['end_day']),
    episode_id: String(r['episode_id']), episode_n: num(r['episode_n']), episode_dedc_fen: num(r['episode_dedc_fen']),
    dx_category: String(r['dx_category']), year: num(r['year']),
  }
}

/** A stored settlement: its row, its line set's JSON (undefined: none). */
export interface StoredSettlement {
  readonly row: Row
  readonly linesJson: string | undefined
}

/** What a reversal appends: the row (values), its line set, its answer and its accumulator delta. */
export interface Reversal {
  readonly row: RowValues
  readonly linesJson: string | undefined
  readonly answer: AdjudicationResult
  readonly accum: PersonYear
}

/**
 * THE negation of a settlement (撤销/冲正): every amount of the stored row (setlinfo, accumulator deltas, DIP points)
 * and of its line tuples, and the answer's amounts (setlinfo, setldetail, DIP points) — under the reversal's own
 * msgid, setl_id and seq. The reversal's accumulator delta and answer lines are read back from the negated row and
 * tuples, so nothing is negated twice or elsewhere.
 *
 * `seq` null: the append draws the seq (PostgreSQL, commit-function.ts): seq and setl_id are left null in the row and
 * the answer carries setl_id "" in its place, which the append fills in as a commit's (withSetlId).
 */
export function negateSettlement(orig: StoredSettlement, ids: {
  readonly msgid: string; readonly bodyHash: string; readonly seq: number | null; readonly recordedAt: string
}): Reversal {
  const setlId = ids.seq === null ? '' : setlIdOf(ids.seq)
  const reverses = String(orig.row['setl_id'])
  const row: Row = { ...orig.row }
  for (const c of [...SETLINFO_COLUMNS, ...ACCUM_FIELDS, 'dip_points_1e4']) {
    const v = orig.row[c] ?? null
    row[c] = typeof v === 'number' ? neg(v) : v
  }
  const lines = orig.linesJson === undefined ? undefined
    : JSON.stringify((JSON.parse(orig.linesJson) as LineTuple[])
      .map(([sn, code, lv, a, f, o, p, i, r]): LineTuple => [sn, code, lv, neg(a), neg(f), neg(o), neg(p), neg(i), r]))
  const head = JSON.parse(String(orig.row['result_json'])) as Record<string, unknown>
  delete head['lines']
  const h = head as unknown as AdjudicationResult
  const answerHead: Record<string, unknown> = {
    ...head, msgid: ids.msgid, status: 'settled', setl_id: setlId, reverses,
    ...(h.setlinfo !== undefined ? { setlinfo: Object.fromEntries(Object.entries(h.setlinfo).map(([k, v]) => [k, neg(v)])) } : {}),
    ...(h.setldetail !== undefined ? { setldetail: h.setldetail.map((d) => ({ ...d, fund_payamt: neg(d.fund_payamt) })) } : {}),
    ...(h.dip ? { dip: { ...h.dip, points: neg(h.dip.points), points_1e4: neg(h.dip.points_1e4) } } : {}),
    // 智能监控 flags belong to the settlement that raised them, not to its reversal
    ...(h.monitoring !== undefined ? { monitoring: [] } : {}),
    reasons: [],
  }
  const resultJson = JSON.stringify(answerHead)
  Object.assign(row, {
    setl_id: ids.seq === null ? null : setlId, seq: ids.seq, msgid: ids.msgid, body_hash: ids.bodyHash, kind: 'reversal', reverses,
    recorded_at: ids.recordedAt, result_json: resultJson,
  })
  const accum = {} as Record<keyof PersonYear, number>
  for (const f of ACCUM_FIELDS) accum[f] = num(row[f])
  return { row: rowValues(row), linesJson: lines, answer: storedAnswer(resultJson, lines), accum }
}

function neg(x: number): number {
  return x === 0 ? 0 : -x
}

function num(v: string | number | null | undefined): number {
  assert(typeof v === 'number', `expected an integer column, got ${String(v)}`)
  return v
}

/** The DIP result of a stored answer (result_json), null when it has none (outpatient) or cannot be read. */
export function dipOf(resultJson: string | null): DipResult | null {
  if (resultJson === null) return null
  try {
    const r = JSON.parse(resultJson) as { dip?: DipResult | null }
    return r.dip ?? null
  } catch {
    return null
  }
}
