// The reports side of the ledger port (SPEC §6, §8, §11): what month-end pre-settlement, the feedback reports,
// 特例单议, annual clearing and the HTTP credentials read and write. Every method returns a Promise so that a server
// database with an async driver fits (engine/ledger/postgres/); the SQLite implementation (engine/ledger/sqlite/
// reports.ts, credentials.ts) is synchronous inside. The settlement side (history, commit, reversal) is port.ts.
//
// Reads of the append-only `settlements` are bounded by a ledger seq (`uptoSeq`): a run sees the ledger as it stood
// when the run began, whatever is appended meanwhile, and a reversal row (amounts and points negated, the
// original's month) nets its settlement out of every sum.
import type { DipResult } from '../grouping/types.js'

export type Pool = '310' | '390'

/** One hospital's sums over the month's inpatient rows of a pool up to a ledger seq (reversals netted). */
export interface HospitalSums {
  readonly code: string
  readonly points1e4: number
  readonly medfeeFen: number
  readonly hifpFen: number
  /** Settlements minus reversals: live discharges. */
  readonly discharges: number
}

/**
 * A row (settlement or reversal) of a county-alliance episode with two or more stays in the month (SPEC §5: one
 * DIP case). `dip` is the stay's own real-time grouping (null for a reversal or when not recorded).
 */
export interface EpisodeRow {
  readonly setlId: string
  readonly seq: number
  readonly kind: 'settlement' | 'reversal'
  readonly reverses: string | null
  readonly code: string
  readonly psnNo: string
  readonly mdtrtId: string
  readonly episodeId: string
  readonly begnDay: number
  readonly endDay: number
  readonly points1e4: number
  readonly medfeeFen: number
  readonly hifpFen: number
  readonly dip: DipResult | null
}

/** A live 特例单议 candidate (deviation 'review') of the month, with the grouping it was scored by. */
export interface ReviewCandidate {
  readonly setlId: string
  readonly mdtrtId: string
  readonly code: string
  readonly groupCode: string | null
  readonly medfeeFen: number
  readonly points1e4: number
  /** The real-time DIP result (score, coefficients, group average) as recorded; null when not recorded. */
  readonly dip: DipResult | null
}

/** A row recorded after its month was closed (a reversal, or a late settlement): carried into a later run. */
export interface CarriedRow {
  readonly setlId: string
  readonly kind: 'settlement' | 'reversal'
  readonly reverses: string | null
  readonly code: string
  readonly month: string
  readonly points1e4: number
  readonly medfeeFen: number
  readonly hifpFen: number
}

/** A live inpatient discharge as a feedback report lists it. */
export interface CaseRow {
  readonly setl_id: string
  readonly mdtrt_id: string
  readonly fixmedins_code: string
  readonly enddate: string
  readonly dip_group_code: string | null
  readonly dip_kind: string | null
  readonly dip_deviation: string | null
  readonly dip_flags: string | null
  readonly points1e4: number
  readonly medfee: number
  readonly hifp: number
  readonly episode_id: string | null
  readonly psn_no: string
}

/** What a 特例单议 decision or application is made on: the discharge as the ledger holds it. */
export interface SettlementFacts {
  readonly setlId: string
  readonly kind: 'settlement' | 'reversal'
  readonly reversed: boolean
  readonly code: string
  readonly deviation: string | null
  readonly month: string
  readonly insutype: string
  /** The stay belongs to an alliance episode with a merged stay (the episode may be a candidate as a whole). */
  readonly inEpisode: boolean
}

/**
 * A 4101A 医疗保障基金结算清单 recorded for a settlement of the month (SPEC §12; engine/ledger/stays-port.ts SetlList):
 * the diagnoses and procedures DIP groups the stay on, so month-end and the reports pay the list's grouping instead of
 * the one computed at 2304. One per settlement (a later upload replaced the earlier: the latest wins).
 */
export interface SetlListGrouping {
  readonly setlId: string
  readonly mdtrtId: string
  readonly code: string
  /** No reversal of the settlement up to the seq read at. */
  readonly live: boolean
  readonly medfeeFen: number
  /** The points the settlement was recorded with (its 2304 grouping). */
  readonly settledPoints1e4: number
  /** The list's grouping (what 4101A answered). */
  readonly dip: DipResult
}

/** The discharges of the ledger as month-end and clearing read them. */
export interface DischargesPort {
  /** Whether the ledger has its settlements at all (a file that is not a ledger has not). */
  hasSettlements(): Promise<boolean>
  /** The ledger's last seq: what a run started now sees. */
  ledgerSeq(): Promise<number>
  monthSums(month: string, pool: Pool, uptoSeq: number): Promise<HospitalSums[]>
  /** Every row (settlements and reversals) of the month's episodes that have a stay merged into them. */
  episodeRows(month: string, pool: Pool, uptoSeq: number): Promise<EpisodeRow[]>
  reviewCandidates(month: string, pool: Pool, uptoSeq: number): Promise<ReviewCandidate[]>
  /** Rows of `month` with afterSeq < seq ≤ uptoSeq. */
  carriedRows(month: string, pool: Pool, afterSeq: number, uptoSeq: number): Promise<CarriedRow[]>
  /** The live inpatient discharges of these hospitals in the month, in ledger order. */
  liveCases(month: string, pool: Pool, uptoSeq: number, codes: readonly string[]): Promise<CaseRow[]>
  /** The settlement a 特例单议 decision or application names; undefined when the ledger has no such setl_id. */
  settlementFacts(setlId: string): Promise<SettlementFacts | undefined>
  /**
   * The 4101A lists of the month's inpatient settlements of a pool with seq ≤ uptoSeq (reversed ones too, `live`
   * false: a reversal carried after a closed month takes back the list's points). Joins national_setl_lists to
   * settlements; SQLite: engine/ledger/sqlite/reports.ts, PostgreSQL: engine/ledger/postgres/setl-lists.ts.
   */
  setlListGroupings(month: string, pool: Pool, uptoSeq: number): Promise<SetlListGrouping[]>
}

/** A month-end run as stored: one per (month, pool); a draft is replaced, a closed run is final. */
export interface RunRow {
  readonly month: string
  readonly pool: Pool
  readonly status: 'draft' | 'closed'
  readonly budget_fen: number
  /** The ratio the run used, in ppm (display; the exact ratio is in the report). */
  readonly ratio_ppm: number
  readonly total_points_1e4: number
  readonly dip_total_fen: number
  /** Yuan per point as "num/den". */
  readonly point_value: string
  readonly ledger_seq: number
  readonly run_at: string
  readonly closed_at: string | null
  readonly report_json: string
}

export interface HospitalRow {
  readonly fixmedins_code: string
  readonly points_1e4: number
  readonly discharges: number
  readonly dip_amount_fen: number
  readonly item_fund_fen: number
  readonly patient_paid_fen: number
  readonly adj_points_1e4: number
  readonly adj_dip_amount_fen: number
  readonly adj_item_fund_fen: number
  readonly adj_patient_paid_fen: number
  readonly payable_fen: number
  readonly payout_fen: number
  readonly withheld_fen: number
}

export type SpecialCaseStatus = 'approved' | 'rejected' | 'pending' | 'over_quota'

export interface JudgedCaseRow {
  readonly setl_id: string
  readonly fixmedins_code: string
  readonly status: SpecialCaseStatus
  readonly grouped_points_1e4: number
  readonly paid_points_1e4: number
}

/** Why saveRun wrote nothing: the month was closed, or another run of it was saved since this one began. */
export type SaveRunOutcome = { readonly status: 'saved' } | { readonly status: 'closed'; readonly run: RunRow } | { readonly status: 'changed' }

/** Month-end runs (月度预结算) and what annual clearing reads back from the closed ones. */
export interface MonthEndRunsPort {
  getRun(month: string, pool: Pool): Promise<RunRow | undefined>
  /** Closed runs of the pool, by month. */
  closedRuns(pool: Pool): Promise<RunRow[]>
  /** The pool's runs of a calendar year, by month. */
  runsOfYear(year: number, pool: Pool): Promise<RunRow[]>
  /** Every run, newest month first (the home page's links). */
  listRuns(): Promise<RunRow[]>
  hospitalRows(month: string, pool: Pool): Promise<HospitalRow[]>
  /** One settlement unit's rows over a year's runs, with their month. */
  hospitalYear(pool: Pool, code: string, year: number): Promise<(HospitalRow & { readonly month: string })[]>
  caseRows(month: string, pool: Pool): Promise<JudgedCaseRow[]>
  /**
   * Run `fn` as the only run of (month, pool) at a time, and store what it returns with saveRun. The guard: SQLite
   * serialises the runs of one process per (month, pool) and saveRun checks, inside one write transaction (BEGIN
   * IMMEDIATE), that the stored run is still the one `fn` started from (`priorRunAt`) and not closed; PostgreSQL takes
   * `pg_advisory_xact_lock(month, pool)` (or `SELECT … FOR UPDATE` on the run's row) for the whole run, so two runs of
   * one month and pool never interleave, in one process or many.
   */
  exclusiveRun<T>(month: string, pool: Pool, fn: () => Promise<T>): Promise<T>
  /** Replace the (month, pool) run when it is still `priorRunAt` (null: none) and not closed; one transaction. */
  saveRun(run: RunRow, hospitals: readonly HospitalRow[], cases: readonly JudgedCaseRow[], priorRunAt: string | null): Promise<SaveRunOutcome>
  /** Σ payout and withheld of the pool's closed runs per settlement unit and year, for `years`. */
  closedPayouts(pool: Pool, years: readonly number[]): Promise<{ readonly code: string; readonly year: number; readonly payoutFen: number; readonly withheldFen: number }[]>
}

export type Decision = 'approved' | 'rejected'

/** 特例单议 (seed 001 特殊病例 专家评议): a hospital applies for a candidate, the bureau decides. */
export interface SpecialCasesPort {
  /** Record (or replace) the bureau's decision on a candidate. */
  decideSpecialCase(setlId: string, decision: Decision, note: string | null, at: Date): Promise<void>
  specialCaseDecisions(): Promise<Map<string, Decision>>
  /** Record a hospital's application (idempotent: a second one keeps the first time, replaces the note). */
  applySpecialCase(setlId: string, code: string, note: string | null, at: Date): Promise<{ readonly applied_at: string }>
  /** setl_id → when its hospital applied. */
  specialCaseApplications(): Promise<Map<string, string>>
}

/** A stored bearer credential (its token is never stored: only sha256 of it). */
export interface CredentialRow {
  readonly key_id: string
  readonly token_sha256: Buffer
  readonly role: 'hospital' | 'admin'
  readonly hospital: string | null
  readonly revoked: number
}

/** Bearer credentials of the HTTP service (SPEC §8): hashed, looked up by key id, revoked by label. */
export interface CredentialsPort {
  insertCredential(row: Omit<CredentialRow, 'revoked'> & { readonly label: string; readonly created_at: string }): Promise<void>
  credentialByKeyId(keyId: string): Promise<CredentialRow | undefined>
  /** Revoke every live credential with this label; how many were. */
  revokeCredentials(label: string): Promise<number>
}

/** Everything the reports side asks of a ledger (the lead composes Ledger = LedgerPort & ReportsPort & StaysPort). */
export interface ReportsPort extends DischargesPort, MonthEndRunsPort, SpecialCasesPort {}
