// Shapes of month-end pre-settlement (月度预结算, SPEC §6, §9): the report in yuan, and the outcome as data (a closed
// month is an answer the HTTP layer maps to 409, never an exception).
import type { Database } from 'better-sqlite3'
import type { Pool, ReportsPort, SpecialCaseStatus } from '../ledger/reports-port.js'
import { sqliteReports } from '../ledger/sqlite/reports.js'

export type { Pool, SpecialCaseStatus } from '../ledger/reports-port.js'

/**
 * Where month-end, clearing and the reports read and write: the ledger's reports port, or (until the composed ledger
 * carries the port) a SQLite ledger handle / anything with `db`, taken through the SQLite implementation.
 */
export type LedgerDb = ReportsPort | Database | { readonly db: Database }

export function reportsOf(l: LedgerDb): ReportsPort {
  if ('exclusiveRun' in l && typeof l.exclusiveRun === 'function') return l as ReportsPort
  const db = 'db' in l && typeof (l as { db?: unknown }).db === 'object' && (l as { db?: unknown }).db !== null
    ? (l as { db: Database }).db
    : (l as Database)
  return sqliteReports(db)
}

/** Bad arguments to a month-end run or an annual clearing (HTTP 400, CLI exit 2): one shape for both. */
export interface InvalidRun {
  readonly status: 'invalid'
  readonly code: 'E_MONTH_ARGS'
  readonly field: string
  readonly message: string
}

export function invalidRun(field: string, message: string): InvalidRun {
  return { status: 'invalid', code: 'E_MONTH_ARGS', field, message }
}

export interface MonthEndOptions {
  /** YYYY-MM (the month of the discharges' enddate). */
  readonly month: string
  readonly pool: Pool
  /** The month's DIP fund budget (月度基金预算), fen. */
  readonly budgetFen: number
  /** Make the run final; a closed month refuses every later run. */
  readonly close: boolean
  /** Clock for recorded_at (tests). */
  readonly now?: () => Date
  /** The year's 周转金 advances by unit, fen (clearing-port.ts advances): each hospital's line shows its own. */
  readonly advances?: ReadonlyMap<string, number>
}

/** What a closed month's reversal (or a late settlement) carries into a later run (冲正 after close). */
export interface CarriedAdjustment {
  readonly points: number
  readonly discharges: number
  /** Valued at the closed month's point value (the value the discharge was paid at). */
  readonly dip_amount_yuan: number
  readonly item_fund_yuan: number
  readonly patient_paid_yuan: number
  readonly from_months: readonly string[]
  readonly setl_ids: readonly string[]
}

export interface MonthEndHospital {
  readonly fixmedins_code: string
  readonly points: number
  readonly discharges: number
  readonly dip_amount_yuan: number
  readonly item_fund_yuan: number
  readonly patient_paid_yuan: number
  /** DIP amount (+ carried adjustment) − what patients and other funds paid (+ adjustment); may be negative. */
  readonly payable_yuan: number
  readonly payout_yuan: number
  readonly withheld_yuan: number
  // — extra fields —
  readonly name: string
  /** Alliance members settled under this lead (settle_as_one), the lead included; [] otherwise. */
  readonly members: readonly string[]
  /** DIP amount − item-based total (item fund + patient paid): what DIP gained (+) or lost (−) the hospital. */
  readonly gain_yuan: number
  readonly special_cases: { readonly approved: number; readonly pending: number; readonly over_quota: number; readonly rejected: number }
  readonly adjustment: CarriedAdjustment | null
  /** Closed runs: when the fund pays (month_end.payment_due_working_days working days after the close). */
  readonly payment_due_date?: string
  /** The year's 周转金 advanced to the unit at the start of the year (turnover.ts), when the run was given them. */
  readonly turnover_advance_yuan?: number
}

/** A 特例单议 candidate of the month and what became of it. */
export interface SpecialCase {
  readonly setl_id: string
  readonly mdtrt_id: string
  readonly fixmedins_code: string
  readonly dip_group_code: string | null
  readonly medfee_sumamt_yuan: number
  readonly status: SpecialCaseStatus
  /** Points as grouped (high-deviation formula) and as paid (cost-based when approved). */
  readonly grouped_points: number
  readonly paid_points: number
  /** When the hospital applied for review (null: it did not). */
  readonly applied_at: string | null
  /** The alliance episode the case is (its stays' costs summed), null for a single stay. */
  readonly episode_id: string | null
}

export interface MonthEndReport {
  readonly month: string
  readonly pool: Pool
  readonly budget_yuan: number
  /** The ratio the point value divides by, 6 decimals shown (reimbursement_ratio_exact is the fraction). */
  readonly reimbursement_ratio: number
  /** "actual": Σ hifp_pay ÷ Σ medfee_sumamt of the month's DIP discharges; "policy": month_end.reimbursement_ratio. */
  readonly ratio_source: 'actual' | 'policy'
  readonly total_points: number
  /** Rounded to 6 decimals for display; point_value_exact is the fraction it came from. */
  readonly point_value_yuan: number
  readonly status: 'draft' | 'closed'
  readonly hospitals: readonly MonthEndHospital[]
  // — extra fields —
  /** budget ÷ ratio, rounded once to the fen: Σ dip_amount_yuan equals it exactly. */
  readonly dip_total_yuan: number
  /** yuan per point as "numerator/denominator" (integers). */
  readonly point_value_exact: string
  /** The ratio as "Σ hifp_pay fen/Σ medfee_sumamt fen" (actual) or "ppm/1000000" (policy). */
  readonly reimbursement_ratio_exact: string
  /** Alliance episodes of two or more stays counted as one DIP case each (SPEC §5). */
  readonly episodes: number
  /** Closed runs: the payment due date of every hospital (YYYY-MM-DD). */
  readonly payment_due_date?: string
  readonly presettle_ratio: number
  readonly discharges: number
  readonly special_cases: readonly SpecialCase[]
  readonly run_at: string
  readonly closed_at: string | null
  /** Ledger seq the run saw (later rows of this month are carried into a later run once it is closed). */
  readonly ledger_seq: number
  readonly policy_version: string
}

export type MonthEndOutcome =
  | { readonly status: 'ok'; readonly report: MonthEndReport }
  /** The month is closed: nothing was run (HTTP 409). */
  | { readonly status: 'refused'; readonly code: 'E_MONTH_CLOSED'; readonly message: string; readonly closed_at: string }
  /** Bad arguments (HTTP 400). */
  | InvalidRun
