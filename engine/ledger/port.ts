// The settlement side of the ledger port: everything the settle flow reads from and writes to the ledger (SPEC §3
// step 10, §9 2303/2304/2305/5206, §11 `ledger verify`). Promise-returning so that a server database fits (an async
// driver; PostgreSQL takes `SELECT … FOR UPDATE` on the person-year row in commit); the SQLite implementation
// (sqlite/) is synchronous inside. Month-end, clearing, special cases and credentials: reports-port.ts; open stays
// between national calls: stays-port.ts. The lead composes Ledger = LedgerPort & ReportsPort & StaysPort.
//
// The flow over it (decide.ts): readHistory → decide (pure) → commit → answer; a 'stale' commit outcome means read
// again and decide again. Nothing outside an implementation of this port checks a msgid or negates a settlement.
import type { HistoryScope, HistorySnapshot, PersonYear } from '../history.js'
import type { AdjudicationResult } from '../result.js'
import type { PreparedRecord } from './codec.js'
import type { CommitOutcome, PriorAnswer } from './outcome.js'

export type { CommitOutcome, PriorAnswer } from './outcome.js'
export type { PreparedRecord } from './codec.js'

/** A difference `ledger verify` found between a stored accumulator (or a row's delta) and its recomputation. */
export interface LedgerDifference {
  readonly psn_no: string
  readonly year: number
  readonly field: string
  readonly stored: number
  readonly recomputed: number
}

/** What decide() needs about one claim: its person's history (with its version) and its msgid's first answer. */
export interface ClaimHistory {
  readonly history: HistorySnapshot
  /** The first answer recorded under the claim's msgid, if any (decide answers it without adjudicating). */
  readonly prior: PriorAnswer | undefined
}

/** A reversal (2305): the settlement to reverse, the reversal's own msgid and its body's hash. */
export interface ReversalRequest {
  readonly setlId: string
  readonly msgid: string
  readonly bodyHash: string
}

export interface LedgerPort {
  /**
   * One read of a person's history: every year's accumulators, the live (not reversed) stays within `scope` (all when
   * omitted; decide.ts claimScope gives a claim's), the version (seq of their latest settlement or reversal; 0 when
   * none; read FIRST, so that a write after it makes the commit 'stale') — and the first answer of `msgid` when seen.
   */
  readHistory(psnNo: string, msgid?: string, scope?: HistoryScope): Promise<ClaimHistory>
  /**
   * Commit prepared records in ONE transaction, in order; one outcome per record. Per record: msgid seen → the first
   * answer or the conflict (outcome.ts priorOutcome); the person's version moved since the record's decision (or a
   * record it absorbed was not appended just before it in this commit) → 'stale'; the visit has a live settlement →
   * 'rejected' E_MDTRT_SETTLED; else the row, its line set and the accumulators are appended → 'settled' with the
   * setl_id. A storage fault rejects the promise (nothing of the transaction is written).
   */
  commit(records: readonly PreparedRecord[]): Promise<CommitOutcome[]>
  /** Append the negation of a live settlement (codec.ts negateSettlement) and roll its accumulators back. */
  reverse(req: ReversalRequest): Promise<CommitOutcome>
  /** A settlement's (or reversal's) answer by setl_id. */
  settlement(setlId: string): Promise<AdjudicationResult | undefined>
  /** The first answer recorded under a msgid, with its body hash. */
  answerOfMsgid(msgid: string): Promise<PriorAnswer | undefined>
  /** A person's accumulators for a year (5206); zeros when none. */
  accumulators(psnNo: string, year: number): Promise<PersonYear>
  /** Recompute every accumulator from the settlements; empty when consistent. */
  verify(): Promise<LedgerDifference[]>
  close(): Promise<void>
}
