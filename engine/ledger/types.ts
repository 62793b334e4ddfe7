// What adjudication needs from a person's past (the ledger's history), and the ledger's interface. The SQLite
// ledger (ledger/sqlite.ts) implements it; a PostgreSQL one would be a new adapter (docs/scale-out.md).
import type { AdjudicationResult } from '../result.js'
import type { Settlement } from '../result.js'
import type { Reason } from '../reasons.js'

/** A person's accumulators for one calendar year (年度累计, national 5206). All fen. */
export interface PersonYear {
  /** Settled, not reversed inpatient admissions (alliance-merged stays count once). */
  readonly admissions: number
  /** Inpatient basic fund (统筹) paid, against the annual cap. */
  readonly hifp_paid_fen: number
  /** 大病 base: in-scope amount the basic fund did not pay (deductible, co-payment, above the cap). */
  readonly serious_base_fen: number
  /** 大病保险 / 职工大额 paid. */
  readonly serious_paid_fen: number
  /** 医疗救助 paid. */
  readonly maf_paid_fen: number
  /** 个人账户 paid. */
  readonly acct_paid_fen: number
  /** Outpatient deductible used and outpatient basic fund paid. */
  readonly op_dedc_fen: number
  readonly op_hifp_paid_fen: number
  /** 门诊慢特病 (med_type 14) deductible used and basic fund paid: apart from 门诊统筹's (#20 item 9). */
  readonly chronic_dedc_fen: number
  readonly chronic_hifp_paid_fen: number
}

export const ZERO_YEAR: PersonYear = Object.freeze({
  admissions: 0, hifp_paid_fen: 0, serious_base_fen: 0, serious_paid_fen: 0, maf_paid_fen: 0, acct_paid_fen: 0,
  op_dedc_fen: 0, op_hifp_paid_fen: 0, chronic_dedc_fen: 0, chronic_hifp_paid_fen: 0,
})

/** A settled, not reversed inpatient stay, as later claims need it (alliance merging, readmission). */
export interface StayRecord {
  readonly mdtrt_id: string
  readonly setl_id: string
  readonly psn_no: string
  readonly fixmedins_code: string
  readonly alliance_id: string | null
  readonly level: 1 | 2 | 3
  readonly begn_day: number
  readonly end_day: number
  /** mdtrt_id of the first stay of the alliance episode (itself when not merged). */
  readonly episode_id: string
  /** The episode's nth admission of the year. */
  readonly episode_n: number
  /** Deductible charged over the episode up to and including this stay, fen. */
  readonly episode_dedc_fen: number
  /** 3-character category of the main diagnosis. */
  readonly dx_category: string
  readonly year: number
}

/** Read-only view of the past that adjudication consults. */
export interface History {
  personYear(psnNo: string, year: number): PersonYear
  /** The person's settled, not reversed stay with this mdtrt_id. */
  stay(psnNo: string, mdtrtId: string): StayRecord | undefined
  /** The person's settled, not reversed stays whose end_day ≥ sinceDay, newest first. */
  recentStays(psnNo: string, sinceDay: number): readonly StayRecord[]
  /**
   * Deductible charged so far over the alliance episode (医共体 单次住院): the sum over its settled, not reversed
   * stays. A stay referred from any stay of the episode is credited with all of it (a branching episode too: A→B
   * and A→C, C is credited with A's and B's).
   */
  episodeDeductibleFen(psnNo: string, episodeId: string): number
}

export const EMPTY_HISTORY: History = {
  personYear: () => ZERO_YEAR,
  stay: () => undefined,
  recentStays: () => [],
  episodeDeductibleFen: () => 0,
}

export type RecordOutcome =
  | { readonly status: 'settled'; readonly result: AdjudicationResult }
  /** Same msgid, same body: the first answer, unchanged. */
  | { readonly status: 'replayed'; readonly result: AdjudicationResult }
  /** Same msgid, another body. */
  | { readonly status: 'conflict'; readonly reasons: readonly Reason[] }
  /** Refused by the ledger itself (e.g. E_MDTRT_SETTLED: the visit already has a live settlement); nothing written. */
  | { readonly status: 'rejected'; readonly reasons: readonly Reason[] }

export interface LedgerDifference {
  readonly psn_no: string
  readonly year: number
  readonly field: string
  readonly stored: number
  readonly recomputed: number
}

export interface Ledger extends History {
  /** The first answer recorded for a msgid, with the hash of its body. */
  lookupMsgid(msgid: string): { readonly bodyHash: string; readonly result: AdjudicationResult } | undefined
  /**
   * Append a settlement and update the accumulators in one transaction; assigns setl_id. A msgid seen before is
   * answered 'replayed' or 'conflict' — unless opts.checkedMsgid is the settlement's msgid: the caller looked it up
   * itself in the same open transaction (processClaim and the pool do, before adjudicating). The UNIQUE msgid column
   * still refuses a duplicate should a caller claim a check it did not make.
   */
  record(settlement: Settlement, bodyHash: string, opts?: { readonly checkedMsgid?: string }): RecordOutcome
  /** Append the negated settlement under a new setl_id and roll the accumulators back. */
  reverse(setlId: string, msgid: string, bodyHash: string): RecordOutcome | { readonly status: 'rejected'; readonly reasons: readonly Reason[] }
  getSettlement(setlId: string): AdjudicationResult | undefined
  /** Run fn in one transaction (group commit: several settlements, one fsync); nested calls are savepoints. */
  transaction<T>(fn: () => T): T
  /** Run fn in one write transaction when none is open, else inside the open one with no savepoint of its own. */
  atomic<T>(fn: () => T): T
  /** Run fn on one consistent snapshot without taking the write lock (a dry run's history reads). */
  snapshot?<T>(fn: () => T): T
  /** Recompute every accumulator from the settlements; empty when consistent. */
  verify(): LedgerDifference[]
  close(): void
}
