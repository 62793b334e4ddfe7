// The SQLite ledger: an append-only file of settlements and reversals plus the person-year accumulators, one
// transaction per append (or per group of appends). Schema and setl_id format: ledger/schema.ts.
import Database from 'better-sqlite3'
import type { Database as Db, Statement } from 'better-sqlite3'
import { strict as assert } from 'node:assert'
import { lineReason, reason } from '../reasons.js'
import type { LineOutcomeCode } from '../reasons.js'
import { fenToYuan } from '../money.js'
import type { ChrgitmLv } from '../tables/types.js'
import type { Reason } from '../reasons.js'
import { settlementToResult } from '../result.js'
import type { AdjudicationResult, Settlement } from '../result.js'
import { ACCUM_FIELDS, SCHEMA_SQL, SCHEMA_VERSION, SETLINFO_COLUMNS, STAY_COLUMNS } from './schema.js'
import type { Ledger, LedgerDifference, PersonYear, RecordOutcome, StayRecord } from './types.js'
import { ZERO_YEAR } from './types.js'
import { verifyLedgerDb } from './verify.js'

export interface OpenLedgerOptions {
  /** Open an existing ledger only (no schema creation); for read-only tools such as `ledger verify`. */
  readonly readonly?: boolean
  /** ms to wait for another process's write lock before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs?: number
  /** Clock for recorded_at (tests pass a fixed one). */
  readonly now?: () => Date
}

/** A settlements row as stored (the columns this module reads). */
type Row = Record<string, string | number | null>

type ReverseOutcome = RecordOutcome | { readonly status: 'rejected'; readonly reasons: readonly Reason[] }

export function setlIdOf(seq: number): string {
  return 'S' + String(seq).padStart(12, '0')
}

const SETTLEMENT_COLUMNS = [
  'setl_id', 'seq', 'msgid', 'body_hash', 'kind', 'reverses', 'fixmedins_code', 'psn_no', 'insutype', 'mdtrt_id',
  'med_type', 'inpatient', 'begndate', 'enddate', 'year', 'month', 'recorded_at', ...SETLINFO_COLUMNS, ...ACCUM_FIELDS,
  'dip_group_code', 'dip_kind', 'dip_points_1e4', 'dip_deviation', 'dip_flags', ...STAY_COLUMNS, 'result_json',
] as const

const STAY_SELECT = `SELECT s.mdtrt_id, s.setl_id, s.psn_no, s.fixmedins_code, s.alliance_id, s.level, s.begn_day,
  s.end_day, s.episode_id, s.episode_n, s.episode_dedc_fen, s.dx_category, s.year FROM settlements s`
/** Live settlements: settlements (not reversals) that no reversal names. */
const LIVE = `s.kind = 'settlement' AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id)`
/** Live stays: live inpatient settlements. */
const LIVE_STAY = `${LIVE} AND s.episode_id IS NOT NULL`

export class SqliteLedger implements Ledger {
  /** The open database; month-end reads the schema of ledger/schema.ts through it. */
  readonly db: Db
  private readonly now: () => Date
  private readonly st: {
    insertSettlement: Statement; insertLineSet: Statement; addAccum: Statement; maxSeq: Statement; byMsgid: Statement
    bySetlId: Statement; reversalOf: Statement; linesOf: Statement; personVersion: Statement; personYear: Statement; stay: Statement
    recentStays: Statement; liveMdtrt: Statement; episodeDedc: Statement
  }

  constructor(readonly file: string, opts: OpenLedgerOptions = {}) {
    this.now = opts.now ?? (() => new Date())
    this.db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false })
    this.db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`)
    if (!opts.readonly) {
      // WAL + FULL: a commit is durable once it returns (a settled claim must survive a power cut)
      if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = FULL')
      this.db.pragma('foreign_keys = ON')
      // savepoints (one per claim in a batch) keep their statement journal in memory, not in a temp file
      this.db.pragma('temp_store = MEMORY')
      if (this.db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) {
        this.db.transaction(() => {
          this.db.exec(SCHEMA_SQL)
          this.db.pragma(`user_version = ${SCHEMA_VERSION}`)
        }).immediate()
      }
    }
    const db = this.db
    this.st = {
      // positional binds: an object of ~60 named parameters costs more to bind than the row is to write
      insertSettlement: db.prepare(`INSERT INTO settlements (${SETTLEMENT_COLUMNS.join(', ')})
        VALUES (${SETTLEMENT_COLUMNS.map(() => '?').join(', ')})`),
      insertLineSet: db.prepare('INSERT INTO settlement_line_sets (setl_id, lines) VALUES (?, ?)'),
      addAccum: db.prepare(`INSERT INTO accumulators (psn_no, year, ${ACCUM_FIELDS.join(', ')})
        VALUES (@psn_no, @year, ${ACCUM_FIELDS.map((c) => '@' + c).join(', ')})
        ON CONFLICT (psn_no, year) DO UPDATE SET ${ACCUM_FIELDS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM settlements').pluck(),
      byMsgid: db.prepare('SELECT setl_id, body_hash, result_json FROM settlements WHERE msgid = ?'),
      bySetlId: db.prepare('SELECT * FROM settlements WHERE setl_id = ?'),
      reversalOf: db.prepare('SELECT setl_id FROM settlements WHERE reverses = ?').pluck(),
      personVersion: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM settlements WHERE psn_no = ?').pluck(),
      linesOf: db.prepare('SELECT lines FROM settlement_line_sets WHERE setl_id = ?').pluck(),
      personYear: db.prepare(`SELECT ${ACCUM_FIELDS.join(', ')} FROM accumulators WHERE psn_no = ? AND year = ?`),
      stay: db.prepare(`${STAY_SELECT} WHERE s.psn_no = ? AND s.mdtrt_id = ? AND ${LIVE_STAY} ORDER BY s.seq DESC LIMIT 1`),
      recentStays: db.prepare(`${STAY_SELECT} WHERE s.psn_no = ? AND s.end_day >= ? AND ${LIVE_STAY}
        ORDER BY s.end_day DESC, s.seq DESC`),
      episodeDedc: db.prepare(`SELECT COALESCE(SUM(s.act_pay_dedc_fen), 0) FROM settlements s
        WHERE s.psn_no = ? AND s.episode_id = ? AND ${LIVE_STAY}`).pluck(),
      liveMdtrt: db.prepare(`SELECT s.setl_id FROM settlements s WHERE s.psn_no = ? AND s.mdtrt_id = ?
        AND ${LIVE}`).pluck(),
    }
  }

  // ---- History -------------------------------------------------------------------------------------------------

  personYear(psnNo: string, year: number): PersonYear {
    const row = this.st.personYear.get(psnNo, year) as PersonYear | undefined
    return row ?? ZERO_YEAR
  }

  stay(psnNo: string, mdtrtId: string): StayRecord | undefined {
    const row = this.st.stay.get(psnNo, mdtrtId) as StayRecord | undefined
    return row
  }

  recentStays(psnNo: string, sinceDay: number): readonly StayRecord[] {
    return this.st.recentStays.all(psnNo, sinceDay) as StayRecord[]
  }

  episodeDeductibleFen(psnNo: string, episodeId: string): number {
    return this.st.episodeDedc.get(psnNo, episodeId) as number
  }

  // ---- Ledger --------------------------------------------------------------------------------------------------

  lookupMsgid(msgid: string): { readonly bodyHash: string; readonly result: AdjudicationResult } | undefined {
    const row = this.st.byMsgid.get(msgid) as { setl_id: string; body_hash: string; result_json: string } | undefined
    return row === undefined ? undefined : { bodyHash: row.body_hash, result: this.storedResult(row.setl_id, row.result_json) }
  }

  /**
   * The person's history version: the seq of their latest settlement or reversal (0 when none). Whatever a claim's
   * adjudication read about the person is unchanged while this is (the pool's optimistic check, pool/settle-split.ts).
   */
  personVersion(psnNo: string): number {
    return this.st.personVersion.get(psnNo) as number
  }

  /** The live (not reversed) settlement of this visit, if any. */
  liveSettlementOf(psnNo: string, mdtrtId: string): string | undefined {
    return this.st.liveMdtrt.get(psnNo, mdtrtId) as string | undefined
  }

  record(s: Settlement, bodyHash: string, opts?: { readonly checkedMsgid?: string }): RecordOutcome {
    return this.recordPrepared(prepareRecord(s, bodyHash), opts)
  }

  /** record() for a settlement prepared beforehand (the pool prepares it outside the write lock). */
  recordPrepared(p: { readonly record: PreparedRecord; readonly result: AdjudicationResult }, opts?: { readonly checkedMsgid?: string }): RecordOutcome {
    const out = this.append(p.record, opts)
    return out.status === 'appended' ? { status: 'settled', result: { ...p.result, setl_id: out.setlId } } : out
  }

  /**
   * Append a prepared settlement (prepareRecord): msgid check (unless opts.checkedMsgid is its msgid), the visit's
   * live settlement check, then the row, its line set and the accumulators, in one transaction (a savepoint when one
   * is open). The ledger writer thread (ledger/writer-thread.ts) calls this with settlements prepared elsewhere.
   */
  append(p: PreparedRecord, opts?: { readonly checkedMsgid?: string }): AppendOutcome {
    if (p.bodyHash === '' || p.row[COL.body_hash] !== p.bodyHash) assert.fail(`settlement ${p.msgid}: a record is appended with its body hash`)
    return this.transaction((): AppendOutcome => {
      if (opts?.checkedMsgid === undefined || opts.checkedMsgid !== p.msgid) {
        const prior = this.replayOrConflict(p.msgid, p.bodyHash)
        if (prior !== undefined) return prior
      }
      const live = this.liveSettlementOf(p.psnNo, p.mdtrtId)
      if (live !== undefined) {
        return { status: 'rejected', reasons: [reason('E_MDTRT_SETTLED', 'mdtrt_id', `mdtrt_id ${p.mdtrtId} is settled as ${live}: reverse it first`)] }
      }
      const seq = this.nextSeq()
      const setlId = setlIdOf(seq)
      const row = p.row.slice()
      row[COL.seq] = seq
      row[COL.setl_id] = setlId
      row[COL.recorded_at] = this.now().toISOString()
      row[COL.result_json] = withSetlId(p.headJson, setlId)
      this.st.insertSettlement.run(row)
      this.st.insertLineSet.run(setlId, p.linesJson)
      this.st.addAccum.run({ psn_no: p.psnNo, year: p.year, ...p.accum })
      return { status: 'appended', setlId }
    })
  }

  reverse(setlId: string, msgid: string, bodyHash: string): ReverseOutcome {
    return this.transaction((): ReverseOutcome => {
      const prior = this.replayOrConflict(msgid, bodyHash)
      if (prior !== undefined) return prior
      const orig = this.st.bySetlId.get(setlId) as Row | undefined
      if (orig === undefined) return { status: 'rejected', reasons: [reason('E_UNKNOWN_SETTLEMENT', 'setl_id')] }
      if (orig['kind'] === 'reversal') return { status: 'rejected', reasons: [reason('E_NOT_REVERSIBLE', 'setl_id')] }
      const by = this.st.reversalOf.get(setlId) as string | undefined
      if (by !== undefined) {
        return { status: 'rejected', reasons: [reason('E_ALREADY_REVERSED', 'setl_id', `the settlement was already reversed by ${by}`)] }
      }
      const seq = this.nextSeq()
      const newId = setlIdOf(seq)
      const result = negateResult(this.storedResult(setlId, String(orig['result_json'])), msgid, newId, setlId)
      const row: Row = { ...orig }
      for (const c of [...SETLINFO_COLUMNS, ...ACCUM_FIELDS, 'dip_points_1e4']) {
        const v = orig[c] ?? null
        row[c] = typeof v === 'number' ? -v : v
      }
      Object.assign(row, {
        setl_id: newId, seq, msgid, body_hash: bodyHash, kind: 'reversal', reverses: setlId,
        recorded_at: this.now().toISOString(), result_json: resultJsonWithoutLines(result),
      })
      this.st.insertSettlement.run(rowValues(row))
      const lines = this.st.linesOf.get(setlId) as string | undefined
      if (lines !== undefined) this.st.insertLineSet.run(newId, JSON.stringify(negateLineTuples(JSON.parse(lines) as LineTuple[])))
      const delta: Record<string, number | string> = { psn_no: String(orig['psn_no']), year: num(orig['year']) }
      for (const f of ACCUM_FIELDS) delta[f] = -num(orig[f])
      this.st.addAccum.run(delta)
      return { status: 'settled', result }
    })
  }

  getSettlement(setlId: string): AdjudicationResult | undefined {
    const row = this.st.bySetlId.get(setlId) as Row | undefined
    return row === undefined ? undefined : this.storedResult(setlId, String(row['result_json']))
  }

  /** A stored answer: result_json holds it without its lines, which come back from the settlement's line set. */
  private storedResult(setlId: string, json: string): AdjudicationResult {
    const stored = JSON.parse(json) as Record<string, unknown>
    if ('lines' in stored) return stored as unknown as AdjudicationResult
    const set = this.st.linesOf.get(setlId) as string | undefined
    const lines = set === undefined ? [] : (JSON.parse(set) as LineTuple[]).map(lineOfTuple)
    // the answer's own key order: lines come right after setldetail
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(stored)) {
      out[k] = v
      if (k === 'setldetail') out['lines'] = lines
    }
    return out as unknown as AdjudicationResult
  }

  /**
   * Run fn in one write transaction (BEGIN IMMEDIATE: the history fn reads cannot change under it, even with other
   * processes on the file). Nested calls become savepoints: an exception rolls back only the inner call.
   */
  transaction<T>(fn: () => T): T {
    const tx = this.db.transaction(fn)
    return this.db.inTransaction ? tx() : tx.immediate()
  }

  atomic<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.transaction(fn)
  }

  snapshot<T>(fn: () => T): T {
    const tx = this.db.transaction(fn)
    return this.db.inTransaction ? tx() : tx.deferred()
  }

  verify(): LedgerDifference[] {
    return verifyLedgerDb(this.db)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  private nextSeq(): number {
    return (this.st.maxSeq.get() as number) + 1
  }

  /** Same msgid seen before: the first answer (same body) or a conflict (another body). */
  private replayOrConflict(msgid: string, bodyHash: string): Exclude<RecordOutcome, { readonly status: 'settled' | 'rejected' }> | undefined {
    const prior = this.lookupMsgid(msgid)
    if (prior === undefined) return undefined
    if (prior.bodyHash === bodyHash) return { status: 'replayed', result: prior.result }
    return { status: 'conflict', reasons: [reason('E_MSGID_CONFLICT', 'msgid', `msgid ${msgid} was already used with another body (${prior.result.setl_id ?? ''})`)] }
  }
}

export function openLedger(file: string, opts?: OpenLedgerOptions): SqliteLedger {
  return new SqliteLedger(file, opts)
}

/**
 * A settlement made ready to append without the database (any thread can prepare it): everything but seq, setl_id,
 * recorded_at and result_json, which append() fills in. Plain data: it crosses to the ledger writer thread as it is.
 */
export interface PreparedRecord {
  readonly msgid: string
  readonly psnNo: string
  readonly mdtrtId: string
  readonly year: number
  readonly bodyHash: string
  /** The settlements row in SETTLEMENT_COLUMNS order (seq, setl_id, recorded_at, result_json: null). */
  readonly row: readonly (string | number | null)[]
  /** The settlement_line_sets row: the fee lines as JSON tuples. */
  readonly linesJson: string
  readonly accum: Settlement['accum']
  /** The answer without its lines, as JSON with setl_id "" (its key in place): result_json once setl_id is set. */
  readonly headJson: string
}

/**
 * An answer serialised with setl_id "" given its setl_id: the first `"setl_id":""` is that key (a quote inside a
 * string value is escaped, so no value can hold this text).
 */
export function withSetlId(json: string, setlId: string): string {
  return json.replace('"setl_id":""', `"setl_id":${JSON.stringify(setlId)}`)
}

export type AppendOutcome =
  | { readonly status: 'appended'; readonly setlId: string }
  | Exclude<RecordOutcome, { readonly status: 'settled' }>

const COL = {
  seq: SETTLEMENT_COLUMNS.indexOf('seq'),
  setl_id: SETTLEMENT_COLUMNS.indexOf('setl_id'),
  recorded_at: SETTLEMENT_COLUMNS.indexOf('recorded_at'),
  result_json: SETTLEMENT_COLUMNS.indexOf('result_json'),
  body_hash: SETTLEMENT_COLUMNS.indexOf('body_hash'),
} as const

/** A prepared record whose body hash was left '' (the writer thread hashes the body text: writer-protocol.ts). */
export function withBodyHash(p: PreparedRecord, bodyHash: string): PreparedRecord {
  const row = p.row.slice()
  row[COL.body_hash] = bodyHash
  return { ...p, bodyHash, row }
}

/**
 * The record to append, and the settlement's whole answer (setl_id '', set once appended) for the caller to keep.
 * bodyHash '' leaves the hash to the ledger writer thread (withBodyHash); append() refuses a record without one.
 */
export function prepareRecord(s: Settlement, bodyHash: string): { readonly record: PreparedRecord; readonly result: AdjudicationResult } {
  const result = settlementToResult(s, 'settled', '')
  const { lines: _lines, ...head } = result
  const record: PreparedRecord = {
    msgid: s.claim.msgid, psnNo: s.claim.psnNo, mdtrtId: s.claim.mdtrtId, year: s.claim.year, bodyHash,
    row: rowValues(settlementRow(s, bodyHash)), linesJson: lineSetJson(s), accum: s.accum, headJson: JSON.stringify(head),
  }
  return { record, result }
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

/** The reversal's answer: the original's amounts negated, under the reversal's own msgid and setl_id. */
function negateResult(orig: AdjudicationResult, msgid: string, setlId: string, reverses: string): AdjudicationResult {
  const neg = (y: number): number => (y === 0 ? 0 : -y)
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

/** A settlements row as positional values, in SETTLEMENT_COLUMNS order. */
function rowValues(row: Row): (string | number | null)[] {
  return SETTLEMENT_COLUMNS.map((c) => row[c] ?? null)
}

/** One fee line as stored: feedetl_sn, code, chrgitm_lv, then amount, fulamt_ownpay, overlmt, preselfpay, inscp_scp
 * (fen), then the line reasons' codes (their messages are the catalogue's, engine/reasons.ts). */
type LineTuple = [string, string, string, number, number, number, number, number, readonly LineOutcomeCode[]]

/** The wire line (SPEC §9 `lines[]`) of a stored tuple. */
function lineOfTuple([sn, , lv, , f, o, p, i, codes]: LineTuple): NonNullable<AdjudicationResult['lines']>[number] {
  return {
    feedetl_sn: sn, chrgitm_lv: lv as ChrgitmLv, fulamt_ownpay_amt: fenToYuan(f), overlmt_amt: fenToYuan(o),
    preselfpay_amt: fenToYuan(p), inscp_scp_amt: fenToYuan(i), reasons: codes.map((c) => lineReason(c)),
  }
}

/** The answer as stored: its lines are in the line set already (half the bytes of a settlement are its lines). */
function resultJsonWithoutLines(r: AdjudicationResult): string {
  const { lines: _lines, ...rest } = r
  return JSON.stringify(rest)
}

function negateLineTuples(lines: readonly LineTuple[]): LineTuple[] {
  const neg = (x: number): number => (x === 0 ? 0 : -x)
  return lines.map(([sn, code, lv, a, f, o, p, i, r]) => [sn, code, lv, neg(a), neg(f), neg(o), neg(p), neg(i), r])
}

function num(v: string | number | null | undefined): number {
  assert(typeof v === 'number', `expected an integer column, got ${String(v)}`)
  return v
}
