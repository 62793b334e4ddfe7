// The SQLite ledger: an append-only file of settlements and reversals plus the person-year accumulators (schema:
// engine/ledger/schema.ts). Synchronous inside (better-sqlite3); `port()` gives the Promise-returning LedgerPort the
// settle flow codes against. The synchronous methods serve what runs inside one SQLite transaction on this thread
// (the CLI's chunks, the pool's batches, the ledger writer thread) and the single lookups.
import type { Database as Db } from 'better-sqlite3'
import { existsSync } from 'node:fs'
import type { History, HistoryScope, OutpatientVisit, PersonYear, StayRecord } from '../../history.js'
import type { AdjudicationResult, Settlement } from '../../result.js'
import { prepareRecord, type PreparedRecord } from '../codec.js'
import type { CommitOutcome, PriorAnswer } from '../outcome.js'
import type { ClaimHistory, LedgerDifference, LedgerPort, ReversalRequest } from '../port.js'
import { BULK_CHECKPOINT_PAGES, openLedgerDb, type OpenLedgerOptions } from './connection.js'
import { commitRecords, inTransaction, reverseSettlement, type WriteContext } from './append.js'
import { answerOfMsgid, personYear, readClaimHistory, settlementAnswer } from './history.js'
import { prepareStatements, type Statements } from './statements.js'
import { verifyLedgerDb } from './verify.js'
import { inpatientHifpFen, ledgerStats, settlementsOfMonth, type LedgerStats } from './stats.js'

export class SqliteLedger implements History {
  /** The open database (the reports side reads the schema of engine/ledger/schema.ts through it). */
  readonly db: Db
  private readonly st: Statements
  private readonly w: WriteContext

  constructor(readonly file: string, opts: OpenLedgerOptions = {}) {
    this.db = openLedgerDb(file, opts)
    this.st = prepareStatements(this.db)
    this.w = { db: this.db, st: this.st, now: opts.now ?? (() => new Date()) }
  }

  // ---- the settle flow (decide.ts) -----------------------------------------------------------------------------

  /**
   * A person's snapshot and the msgid's first answer. No read transaction of its own: the version is read before the
   * history, so a write to this person after it moves the version and the commit answers 'stale' (a batch reads
   * inside snapshot() anyway).
   */
  readHistory(psnNo: string, msgid?: string, scope?: HistoryScope): ClaimHistory {
    return readClaimHistory(this.st, psnNo, msgid, scope)
  }

  /** Commit prepared records in one transaction (or inside the open one): port.ts LedgerPort.commit. */
  commit(records: readonly PreparedRecord[]): CommitOutcome[] {
    return commitRecords(this.w, records)
  }

  /** Reverse a settlement (port.ts LedgerPort.reverse). */
  reverseSettlement(req: ReversalRequest): CommitOutcome {
    return reverseSettlement(this.w, req)
  }

  /** A settlement computed elsewhere, committed alone against the person's current version (tests, tools). */
  record(s: Settlement, bodyHash: string): CommitOutcome {
    const version = this.personVersion(s.claim.psnNo)
    const p = prepareRecord(s, bodyHash, { version, absorbed: 0 })
    const [o] = this.commit([p.record]) as [CommitOutcome]
    return o.status === 'settled' ? { ...o, result: { ...p.result, setl_id: o.setlId } } : o
  }

  /** reverseSettlement with positional arguments (tests, tools). */
  reverse(setlId: string, msgid: string, bodyHash: string): CommitOutcome {
    return this.reverseSettlement({ setlId, msgid, bodyHash })
  }

  // ---- lookups -------------------------------------------------------------------------------------------------

  lookupMsgid(msgid: string): PriorAnswer | undefined {
    return answerOfMsgid(this.st, msgid)
  }

  getSettlement(setlId: string): AdjudicationResult | undefined {
    const row = this.st.bySetlId.get(setlId) as { result_json: string } | undefined
    return row === undefined ? undefined : settlementAnswer(this.st, setlId, row.result_json)
  }

  /** The seq of the person's latest settlement or reversal (0 when none): the snapshot's version. */
  personVersion(psnNo: string): number {
    return this.st.personVersion.get(psnNo) as number
  }

  // ---- History, read straight from the file (tools and tests; the settle flow reads a snapshot) ----------------

  personYear(psnNo: string, year: number): PersonYear {
    return personYear(this.st, psnNo, year)
  }

  stay(psnNo: string, mdtrtId: string): StayRecord | undefined {
    return this.st.stay.get(psnNo, mdtrtId) as StayRecord | undefined
  }

  recentStays(psnNo: string, sinceDay: number): readonly StayRecord[] {
    return this.st.recentStays.all(psnNo, sinceDay) as StayRecord[]
  }

  outpatientVisits(psnNo: string, sinceDay: number): readonly OutpatientVisit[] {
    return this.st.liveVisitsSince.all(psnNo, sinceDay) as OutpatientVisit[]
  }

  episodeDeductibleFen(psnNo: string, episodeId: string): number {
    return this.st.episodeDedc.get(psnNo, episodeId) as number
  }

  accountNetFen(psnNo: string): number {
    return (this.st.accountCredits.get(psnNo) as number) - (this.st.accountPaid.get(psnNo) as number)
  }

  // ---- transactions, verify, close -----------------------------------------------------------------------------

  /**
   * Run fn in one write transaction (BEGIN IMMEDIATE: what fn reads cannot change under it, even with other
   * processes on the file). Nested calls become savepoints: an exception rolls back only the inner call.
   */
  transaction<T>(fn: () => T): T {
    return inTransaction(this.db, fn)
  }

  /** Run fn on one consistent snapshot without taking the write lock (a batch's history reads). */
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

  /** Row counts for the tools' summaries. */
  stats(): LedgerStats {
    return ledgerStats(this.db)
  }

  /** Settlements (not reversals) of a month. */
  settlementsOfMonth(month: string): number {
    return settlementsOfMonth(this.db, month)
  }

  /** The basic fund's inpatient payments of a month and pool, fen (the demo's and the simulation's month budget). */
  inpatientHifpFen(month: string, insutype: string): number {
    return inpatientHifpFen(this.db, month, insutype)
  }

  /** This ledger behind the Promise-returning port (port.ts). */
  port(): LedgerPort {
    return new SqlitePort(this)
  }
}

/** LedgerPort over a SqliteLedger: the synchronous calls, answered as promises. */
class SqlitePort implements LedgerPort {
  constructor(private readonly l: SqliteLedger) {}
  // one read transaction: the port's read is one consistent state (a dry run has no commit to catch a torn read)
  async readHistory(psnNo: string, msgid?: string, scope?: HistoryScope): Promise<ClaimHistory> { return this.l.snapshot(() => this.l.readHistory(psnNo, msgid, scope)) }
  async commit(records: readonly PreparedRecord[]): Promise<CommitOutcome[]> { return this.l.commit(records) }
  async reverse(req: ReversalRequest): Promise<CommitOutcome> { return this.l.reverseSettlement(req) }
  async settlement(setlId: string): Promise<AdjudicationResult | undefined> { return this.l.getSettlement(setlId) }
  async answerOfMsgid(msgid: string): Promise<PriorAnswer | undefined> { return this.l.lookupMsgid(msgid) }
  async accumulators(psnNo: string, year: number): Promise<PersonYear> { return this.l.personYear(psnNo, year) }
  async verify(): Promise<LedgerDifference[]> { return this.l.verify() }
  async close(): Promise<void> { this.l.close() }
}

export function openLedger(file: string, opts?: OpenLedgerOptions): SqliteLedger {
  return new SqliteLedger(file, opts)
}

/**
 * The ledger of a bulk run (`adjudicate --ledger`, in this thread or on the pool's workers): read-write, checkpointing
 * every BULK_CHECKPOINT_PAGES. A dry run never creates the file and reads an existing one read-only (none: undefined).
 */
export function openBulkLedger(file: string, o: { readonly dryRun: boolean }): SqliteLedger | undefined {
  if (!o.dryRun) return openLedger(file, { checkpointPages: BULK_CHECKPOINT_PAGES })
  return existsSync(file) ? openLedger(file, { readonly: true }) : undefined
}
