// The PostgreSQL ledger (SPEC §11, issue 15): the settlement side of the ledger port on a server database that any
// number of dipsettle processes on any number of machines write at once.
//
// Per-person serialisation, never global: a commit locks the person's ledger_persons row (SELECT … FOR UPDATE) and
// holds it to COMMIT; claims of other persons commit in parallel. The caller decides on a snapshot of the person's
// history read without a lock (readPerson: one statement, so one consistent state) and commits with the version that
// snapshot had; a commit that finds another version answers 'stale' and the caller decides again (writer.ts
// MAX_STALE_RETRIES), as with the SQLite ledger's writer. msgid: checked under the person's lock, and UNIQUE in the
// table — the same msgid on another person's claim is refused by the index and answered as a replay or a conflict.
// The settlement row, its line set, the person-year accumulators and the person's version change in one transaction.
import { strict as assert } from 'node:assert'
import pg from 'pg'
import { reason } from '../../reasons.js'
import type { AdjudicationResult } from '../../result.js'
import type { Reason } from '../../reasons.js'
import { ACCUM_FIELDS, SETLINFO_COLUMNS } from '../schema.js'
import type { AppendOutcome, PreparedRecord } from '../sqlite.js'
import { setlIdOf, withSetlId } from '../sqlite.js'
import type { LedgerDifference, RecordOutcome } from '../types.js'
import { negateLineTuples, negateResult, resultJsonWithoutLines, storedResult } from './codec.js'
import type { LineTuple } from './codec.js'
import { ADD_ACCUM_SQL, COL, INSERT_SETTLEMENT_SQL, SETTLEMENT_COLUMNS } from './columns.js'
import { LIVE, PERSON_HISTORY_SQL, PersonHistory } from './history.js'
import type { PersonHistoryRow } from './history.js'
import { migrate } from './migrate.js'
import { verifyPg } from './verify.js'

export interface PgLedgerOptions {
  /** Connections this process keeps (each commit holds one from its lock to COMMIT). */
  readonly maxConnections?: number
  /** Open an existing ledger only (no schema creation or migration): `ledger verify`. */
  readonly readonly?: boolean
  /** Clock for recorded_at (tests pass a fixed one). */
  readonly now?: () => Date
}

/** A person's history as of one snapshot, and its version (the seq of the person's latest row; 0 when none). */
export interface PersonSnapshot {
  readonly version: number
  readonly history: PersonHistory
}

/** commit()'s outcomes: append()'s, or 'stale' (the person's history moved since the snapshot: decide again). */
export type CommitOutcome = AppendOutcome | { readonly status: 'stale' }

type ReverseOutcome = RecordOutcome

/** int8 and numeric (sums) as JS numbers: money is integer fen, far inside 2^53; past it is a broken invariant. */
function safeInt(s: string): number {
  const n = Number(s)
  assert(Number.isSafeInteger(n), `integer ${s} is outside the safe range`)
  return n
}
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? safeInt : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

/** SQLSTATE unique_violation, and the index behind settlements.msgid. */
const UNIQUE_VIOLATION = '23505'
const MSGID_INDEX = 'settlements_msgid_key'

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s)
}

export class PgLedger {
  private constructor(
    readonly url: string,
    private readonly pool: pg.Pool,
    private readonly now: () => Date,
  ) {}

  /** Connect, then create or migrate the schema, or refuse a database that is not a dipsettle ledger (migrate.ts). */
  static async open(url: string, opts: PgLedgerOptions = {}): Promise<PgLedger> {
    const pool = new pg.Pool({ connectionString: url, max: opts.maxConnections ?? 4, types: TYPES })
    // an idle connection the server dropped (restart, failover) is discarded by the pool: not a crash
    pool.on('error', () => {})
    try {
      const c = await pool.connect()
      try {
        await migrate(c, { readonly: opts.readonly ?? false })
      } finally {
        c.release()
      }
    } catch (e) {
      await pool.end()
      throw e
    }
    return new PgLedger(url, pool, opts.now ?? (() => new Date()))
  }

  // ---- reads -----------------------------------------------------------------------------------------------------

  /** The person's history and its version, on one snapshot, without a lock. */
  async readPerson(psnNo: string): Promise<PersonSnapshot> {
    const r = await this.pool.query<PersonHistoryRow>({ name: 'person', text: PERSON_HISTORY_SQL, values: [psnNo] })
    const row = r.rows[0]
    assert(row !== undefined)
    return { version: row.version, history: new PersonHistory(psnNo, row) }
  }

  /** The first answer recorded for a msgid, with the hash of its body. */
  async lookupMsgid(msgid: string): Promise<{ readonly bodyHash: string; readonly result: AdjudicationResult } | undefined> {
    return this.byMsgid(this.pool, msgid)
  }

  async getSettlement(setlId: string): Promise<AdjudicationResult | undefined> {
    const r = await this.pool.query<{ result_json: string; lines: string | null }>({
      name: 'by-setl', values: [setlId],
      text: `SELECT s.result_json, ls.lines FROM settlements s LEFT JOIN settlement_line_sets ls USING (setl_id) WHERE s.setl_id = $1`,
    })
    const row = r.rows[0]
    return row === undefined ? undefined : storedResult(row.result_json, row.lines ?? undefined)
  }

  /** Recompute every accumulator from the settlements; empty when consistent. */
  async verify(): Promise<LedgerDifference[]> {
    return verifyPg(this.pool)
  }

  // ---- writes ----------------------------------------------------------------------------------------------------

  /**
   * Append a prepared settlement provided its person is still at `version`: under the person's row lock, the msgid
   * check (first answer or conflict, whatever the version), the version check, the visit's live settlement check,
   * then the row, its line set, the accumulators and the person's new version, in one transaction.
   */
  async commit(p: PreparedRecord, version: number): Promise<CommitOutcome> {
    if (p.bodyHash === '' || p.row[COL.body_hash] !== p.bodyHash) assert.fail(`settlement ${p.msgid}: a record is committed with its body hash`)
    return this.inTransaction(async (c): Promise<CommitOutcome> => {
      const locked = await this.lockPerson(c, p.psnNo)
      const prior = await this.replayOrConflict(c, p.msgid, p.bodyHash)
      if (prior !== undefined) return prior
      if (locked !== version) return { status: 'stale' }
      const live = await this.liveSettlementOf(c, p.psnNo, p.mdtrtId)
      if (live !== undefined) {
        return { status: 'rejected', reasons: [reason('E_MDTRT_SETTLED', 'mdtrt_id', `mdtrt_id ${p.mdtrtId} is settled as ${live}: reverse it first`)] }
      }
      const seq = await this.nextSeq(c)
      const setlId = setlIdOf(seq)
      const row = p.row.slice()
      row[COL.seq] = seq
      row[COL.setl_id] = setlId
      row[COL.recorded_at] = this.now().toISOString()
      row[COL.result_json] = withSetlId(p.headJson, setlId)
      await c.query({ name: 'ins-settlement', text: INSERT_SETTLEMENT_SQL, values: row })
      await c.query({ name: 'ins-lines', text: INSERT_LINES_SQL, values: [setlId, p.linesJson] })
      await c.query({ name: 'add-accum', text: ADD_ACCUM_SQL, values: [p.psnNo, p.year, ...ACCUM_FIELDS.map((f) => p.accum[f])] })
      await c.query({ name: 'bump', text: BUMP_SQL, values: [p.psnNo, seq] })
      return { status: 'appended', setlId }
    }, p.msgid, p.bodyHash)
  }

  /** Append the negated settlement under a new setl_id and roll the accumulators back (冲正). */
  async reverse(setlId: string, msgid: string, bodyHash: string): Promise<ReverseOutcome> {
    return this.inTransaction(async (c): Promise<ReverseOutcome> => {
      const found = await c.query<Record<string, string | number | null>>({ name: 'orig', text: 'SELECT * FROM settlements WHERE setl_id = $1', values: [setlId] })
      const orig = found.rows[0]
      if (orig !== undefined) await this.lockPerson(c, String(orig['psn_no']))
      const prior = await this.replayOrConflict(c, msgid, bodyHash)
      if (prior !== undefined) return prior
      if (orig === undefined) return { status: 'rejected', reasons: [reason('E_UNKNOWN_SETTLEMENT', 'setl_id')] }
      if (orig['kind'] === 'reversal') return { status: 'rejected', reasons: [reason('E_NOT_REVERSIBLE', 'setl_id')] }
      const by = await c.query<{ setl_id: string }>({ name: 'reversal-of', text: 'SELECT setl_id FROM settlements WHERE reverses = $1', values: [setlId] })
      if (by.rows[0] !== undefined) {
        return { status: 'rejected', reasons: [reason('E_ALREADY_REVERSED', 'setl_id', `the settlement was already reversed by ${by.rows[0].setl_id}`)] }
      }
      const linesRow = await c.query<{ lines: string }>({ name: 'lines-of', text: 'SELECT lines FROM settlement_line_sets WHERE setl_id = $1', values: [setlId] })
      const lines = linesRow.rows[0]?.lines
      const seq = await this.nextSeq(c)
      const newId = setlIdOf(seq)
      const result = negateResult(storedResult(String(orig['result_json']), lines), msgid, newId, setlId)
      const row: Record<string, string | number | null> = { ...orig }
      for (const col of [...SETLINFO_COLUMNS, ...ACCUM_FIELDS, 'dip_points_1e4']) {
        const v = orig[col] ?? null
        row[col] = typeof v === 'number' ? -v : v
      }
      Object.assign(row, {
        setl_id: newId, seq, msgid, body_hash: bodyHash, kind: 'reversal', reverses: setlId,
        recorded_at: this.now().toISOString(), result_json: resultJsonWithoutLines(result),
      })
      await c.query({ name: 'ins-settlement', text: INSERT_SETTLEMENT_SQL, values: SETTLEMENT_COLUMNS.map((col) => row[col] ?? null) })
      if (lines !== undefined) {
        await c.query({ name: 'ins-lines', text: INSERT_LINES_SQL, values: [newId, JSON.stringify(negateLineTuples(JSON.parse(lines) as LineTuple[]))] })
      }
      const psnNo = String(orig['psn_no'])
      await c.query({ name: 'add-accum', text: ADD_ACCUM_SQL, values: [psnNo, orig['year'], ...ACCUM_FIELDS.map((f) => -Number(orig[f]))] })
      await c.query({ name: 'bump', text: BUMP_SQL, values: [psnNo, seq] })
      return { status: 'settled', result }
    }, msgid, bodyHash)
  }

  /**
   * Run fn under a month-end run's guard (SPEC §6, §11): a transaction-scoped advisory lock on (month, pool), so two
   * runs of one month and pool — in any processes — never interleave; the second waits and then sees the first's
   * result (a closed run refuses it, a draft is replaced), as BEGIN IMMEDIATE gives on SQLite. fn's queries run in
   * the guarding transaction.
   */
  async monthEndRun<T>(month: string, pool: string, fn: (c: pg.ClientBase) => Promise<T>): Promise<T> {
    const c = await this.pool.connect()
    try {
      await c.query('BEGIN')
      try {
        await c.query(`SELECT pg_advisory_xact_lock(${MONTH_END_LOCK}, hashtext($1))`, [`${month}/${pool}`])
        const out = await fn(c)
        await c.query('COMMIT')
        return out
      } catch (e) {
        await c.query('ROLLBACK')
        throw e
      }
    } finally {
      c.release()
    }
  }

  async close(): Promise<void> {
    await this.pool.end()
  }

  // ---- inside a transaction --------------------------------------------------------------------------------------

  /**
   * BEGIN … COMMIT on one pooled connection. A unique violation on msgid (the same msgid committed meanwhile under
   * another person's lock) rolls back and is answered as what the msgid now holds: its first answer or a conflict.
   */
  private async inTransaction<T extends CommitOutcome | ReverseOutcome>(
    fn: (c: pg.PoolClient) => Promise<T>, msgid: string, bodyHash: string,
  ): Promise<T | Exclude<RecordOutcome, { readonly status: 'settled' | 'rejected' }>> {
    const c = await this.pool.connect()
    let broken: Error | undefined
    try {
      await c.query('BEGIN')
      try {
        const out = await fn(c)
        await c.query('COMMIT')
        return out
      } catch (e) {
        await c.query('ROLLBACK').catch((r: Error) => { broken = r })
        if (isMsgidViolation(e)) {
          const prior = await this.replayOrConflict(this.pool, msgid, bodyHash)
          assert(prior !== undefined, `msgid ${msgid}: refused as a duplicate, yet not found`)
          return prior
        }
        throw e
      }
    } finally {
      // a connection whose ROLLBACK failed is in an unknown state: destroyed, not reused
      c.release(broken)
    }
  }

  /** Lock the person's row (created at version 0 the first time) and return their version. */
  private async lockPerson(c: pg.ClientBase, psnNo: string): Promise<number> {
    const r = await c.query<{ version: number }>({ name: 'lock', text: LOCK_SQL, values: [psnNo] })
    if (r.rows[0] !== undefined) return r.rows[0].version
    await c.query({ name: 'new-person', text: NEW_PERSON_SQL, values: [psnNo] })
    const again = await c.query<{ version: number }>({ name: 'lock', text: LOCK_SQL, values: [psnNo] })
    assert(again.rows[0] !== undefined)
    return again.rows[0].version
  }

  private async nextSeq(c: pg.ClientBase): Promise<number> {
    const r = await c.query<{ seq: number }>({ name: 'seq', text: `SELECT nextval('settlement_seq') AS seq` })
    return r.rows[0]!.seq
  }

  private async liveSettlementOf(c: pg.ClientBase, psnNo: string, mdtrtId: string): Promise<string | undefined> {
    const r = await c.query<{ setl_id: string }>({
      name: 'live-mdtrt', values: [psnNo, mdtrtId],
      text: `SELECT s.setl_id FROM settlements s WHERE s.psn_no = $1 AND s.mdtrt_id = $2 AND ${LIVE}`,
    })
    return r.rows[0]?.setl_id
  }

  private async byMsgid(q: pg.Pool | pg.ClientBase, msgid: string): Promise<{ readonly bodyHash: string; readonly result: AdjudicationResult } | undefined> {
    const r = await q.query<{ body_hash: string; result_json: string; lines: string | null }>({
      name: 'by-msgid', values: [msgid],
      text: `SELECT s.body_hash, s.result_json, ls.lines FROM settlements s LEFT JOIN settlement_line_sets ls USING (setl_id) WHERE s.msgid = $1`,
    })
    const row = r.rows[0]
    return row === undefined ? undefined : { bodyHash: row.body_hash, result: storedResult(row.result_json, row.lines ?? undefined) }
  }

  /** Same msgid seen before: the first answer (same body) or a conflict (another body). */
  private async replayOrConflict(q: pg.Pool | pg.ClientBase, msgid: string, bodyHash: string): Promise<Exclude<RecordOutcome, { readonly status: 'settled' | 'rejected' }> | undefined> {
    const prior = await this.byMsgid(q, msgid)
    if (prior === undefined) return undefined
    if (prior.bodyHash === bodyHash) return { status: 'replayed', result: prior.result }
    return { status: 'conflict', reasons: msgidConflictReasons(msgid, prior.result.setl_id) }
  }
}

/** MERGE NOTE: issue 14 makes one function emit the msgid conflict; call it here instead. */
function msgidConflictReasons(msgid: string, setlId: string | undefined): Reason[] {
  return [reason('E_MSGID_CONFLICT', 'msgid', `msgid ${msgid} was already used with another body (${setlId ?? ''})`)]
}

function isMsgidViolation(e: unknown): boolean {
  return e instanceof pg.DatabaseError && e.code === UNIQUE_VIOLATION && e.constraint === MSGID_INDEX
}

const LOCK_SQL = 'SELECT version FROM ledger_persons WHERE psn_no = $1 FOR UPDATE'
const NEW_PERSON_SQL = 'INSERT INTO ledger_persons (psn_no, version) VALUES ($1, 0) ON CONFLICT (psn_no) DO NOTHING'
const BUMP_SQL = 'UPDATE ledger_persons SET version = $2 WHERE psn_no = $1'
const INSERT_LINES_SQL = 'INSERT INTO settlement_line_sets (setl_id, lines) VALUES ($1, $2)'
/** First key of the month-end advisory lock ('dips' 'mend'); the second is hashtext(month/pool). */
const MONTH_END_LOCK = 0x6d656e64
