// The PostgreSQL ledger (SPEC §11, issue 15): the settlement side of the ledger port (port.ts) on a server database
// that any number of dipsettle processes on any number of machines write at once. Reads: read.ts; writes and the
// per-person row locks: commit.ts; schema and its migrations: schema.ts, migrate.ts; verify: verify.ts.
//
// A commit or reversal is one transaction on one pooled connection (pg, engine/ledger/README.md "PostgreSQL
// driver"): one call of the commit function (commit.ts), its own transaction. A unique violation on msgid (the same
// msgid committed meanwhile for another person, under another lock) or a deadlock rolls it back and runs it again:
// its msgid check then answers the first answer or the conflict. Any other database error rejects the promise with
// nothing of the transaction written.
import { PgCrossRegionReports } from './cross-region-reports.js'
import { strict as assert } from 'node:assert'
import pg from 'pg'
import type { HistoryScope, PersonYear } from '../../history.js'
import { ZERO_YEAR } from '../../history.js'
import type { AdjudicationResult } from '../../result.js'
import type { PreparedRecord } from '../codec.js'
import type { CommitOutcome, PriorAnswer } from '../outcome.js'
import type { ClaimHistory, LedgerDifference, LedgerPort, ReversalRequest } from '../port.js'
import { answerOfMsgid, commitRecords, reverseSettlement } from './commit.js'
import { PgCredentials } from './credentials.js'
import { PgAccounts } from './accounts.js'
import { PgClearing } from './clearing.js'
import { PgPerCapita } from './percapita.js'
import { PgPersons } from './persons.js'
import { migrate } from './migrate.js'
import { answerOfRow, readClaimHistory } from './read.js'
import { BY_SETL_ID_SQL, PERSON_YEAR_SQL } from './statements.js'
import { verifyPg } from './verify.js'
import { WATERMARK } from './watermark.js'
import { inTransaction, onConnection } from './transaction.js'

export interface PgLedgerOptions {
  /** Connections this process keeps (a commit holds one from its row locks to COMMIT). */
  readonly maxConnections?: number
  /** Open an existing ledger only (no schema creation or migration): `ledger verify`. */
  readonly readonly?: boolean
  /** Clock for recorded_at (tests pass a fixed one). */
  readonly now?: () => Date
}

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

/** A commit that lost the msgid to another person's commit runs again (transaction.ts): its check then answers it. */
const MSGID_RETRY = ['settlements_msgid_key']
/** First key of the month-end advisory lock ('mend'); the second is hashtext(month/pool). */
const MONTH_END_LOCK = 0x6d656e64

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s)
}

export class PgLedger implements LedgerPort {
  /** The HTTP service's bearer credentials (reports port, CredentialsPort), in this ledger's database. */
  readonly credentials: PgCredentials
  /** 异地就医 reads (cross-region-port.ts) in this ledger's database. */
  readonly crossRegion: PgCrossRegionReports
  /** Personal account credits and statements (accounts-port.ts), in this ledger's database. */
  readonly accounts: PgAccounts
  /** 周转金 advances and stored annual clearing runs (clearing-port.ts), in this ledger's database. */
  readonly clearing: PgClearing
  /** 按人头 per-capita runs (percapita-port.ts), in this ledger's database. */
  readonly perCapita: PgPerCapita
  /** Insured persons beside the ledger (SPEC §11, persons-port.ts). */
  readonly persons: PgPersons

  private constructor(
    readonly url: string,
    private readonly pool: pg.Pool,
    private readonly now: () => Date,
  ) {
    this.credentials = new PgCredentials(pool)
    this.crossRegion = new PgCrossRegionReports(pool)
    this.accounts = new PgAccounts(pool, now)
    this.clearing = new PgClearing(pool)
    this.perCapita = new PgPerCapita(pool)
    this.persons = new PgPersons(pool, now)
  }

  /** Connect, then create or migrate the schema, or refuse a database that is not a dipsettle ledger (migrate.ts). */
  static async open(url: string, opts: PgLedgerOptions = {}): Promise<PgLedger> {
    const pool = new pg.Pool({ connectionString: url, max: opts.maxConnections ?? 4, types: TYPES })
    // a connection the server drops (restart, failover, a network cut) is not a crash: idle, the pool discards it;
    // checked out (the pool then listens no more), its queries reject and the transaction releases it as broken
    pool.on('error', () => {})
    pool.on('connect', (client) => client.on('error', () => {}))
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

  readHistory(psnNo: string, msgid?: string, scope?: HistoryScope): Promise<ClaimHistory> {
    return readClaimHistory(this.pool, psnNo, msgid, scope)
  }

  async commit(records: readonly PreparedRecord[]): Promise<CommitOutcome[]> {
    if (records.length === 0) return []
    return onConnection(this.pool, (c) => commitRecords(c, records, this.now), MSGID_RETRY)
  }

  reverse(req: ReversalRequest): Promise<CommitOutcome> {
    return onConnection(this.pool, (c) => reverseSettlement(c, req, this.now), MSGID_RETRY)
  }

  /**
   * The ledger's last seq with no smaller seq still in flight: what a month-end run started now sees (reports-port.ts
   * DischargesPort.ledgerSeq). Waits for the appending transactions open now; new ones wait for this one read.
   */
  ledgerSeq(): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(${WATERMARK})`)
      const r = await c.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM settlements')
      return r.rows[0]!.seq
    })
  }

  async settlement(setlId: string): Promise<AdjudicationResult | undefined> {
    const r = await this.pool.query<{ result_json: string; lines: string | null }>({ name: 'by-setl', text: BY_SETL_ID_SQL, values: [setlId] })
    const row = r.rows[0]
    return row === undefined ? undefined : answerOfRow(row.result_json, row.lines)
  }

  answerOfMsgid(msgid: string): Promise<PriorAnswer | undefined> {
    return answerOfMsgid(this.pool, msgid)
  }

  async accumulators(psnNo: string, year: number): Promise<PersonYear> {
    const r = await this.pool.query<PersonYear>({ name: 'person-year', text: PERSON_YEAR_SQL, values: [psnNo, year] })
    return r.rows[0] ?? ZERO_YEAR
  }

  verify(): Promise<LedgerDifference[]> {
    return verifyPg(this.pool)
  }

  /**
   * Run fn under a month-end run's guard (SPEC §6, §11): a transaction-scoped advisory lock on (month, pool), so two
   * runs of one month and pool — in any processes — never interleave; the second waits and then sees the first's
   * result (a closed run refuses it, a draft is replaced), as BEGIN IMMEDIATE gives on SQLite. fn's queries run in
   * the guarding transaction. For the reports port's PostgreSQL implementation (reports-port.ts).
   */
  monthEndRun<T>(month: string, pool: string, fn: (c: pg.ClientBase) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(${MONTH_END_LOCK}, hashtext($1))`, [`${month}/${pool}`])
      return fn(c)
    })
  }

  /** This ledger's connection pool: the reports and stays ports on its database use it (ports.ts). */
  get connections(): pg.Pool {
    return this.pool
  }

  /** fn in one transaction of this ledger's database: `ledger copy` (copy.ts) writes a SQLite ledger's rows with it. */
  importRows<T>(fn: (c: pg.ClientBase) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (c) => {
      // an appending transaction: the seq watermark (watermark.ts) held shared, as the commit function holds it
      await c.query(`SELECT pg_advisory_xact_lock_shared(${WATERMARK})`)
      return fn(c)
    }, MSGID_RETRY)
  }

  /** Rows in the settlements and accumulators (`ledger verify`'s summary line). */
  async counts(): Promise<{ readonly settlements: number; readonly personYears: number }> {
    const r = await this.pool.query<{ settlements: number; person_years: number }>(
      'SELECT (SELECT COUNT(*) FROM settlements) AS settlements, (SELECT COUNT(*) FROM accumulators) AS person_years')
    return { settlements: r.rows[0]!.settlements, personYears: r.rows[0]!.person_years }
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}

