// What the HTTP service asks of the engine: the settle/reverse/batch entry points of engine/ledger/settle.ts and the
// month-end run of engine/settlement/month-end.ts. An interface so that tests (and a later pool-backed batch path) can
// stand in for them; buildApp wires the real ones by default.
import type { AdjudicationResult } from '../engine/result.js'
import type { Ledger } from '../engine/ledger/types.js'
import type { Policy } from '../engine/policy/types.js'
import type { Tables } from '../engine/tables/types.js'

export interface SettleEnv {
  readonly tables: Tables
  readonly policy: Policy
  readonly ledger?: Ledger
  /** Compute against the ledger's history and record nothing (2303 pre-settlement). */
  readonly dryRun?: boolean
}

export interface SettlementEngine {
  /** One claim: validate, adjudicate, record (unless dryRun); a repeated msgid replays or answers E_MSGID_CONFLICT. */
  processClaim(body: unknown, env: SettleEnv): AdjudicationResult
  processReversal(req: { setl_id: string; msgid: string }, env: { readonly ledger: Ledger }): AdjudicationResult
  /** Many claims in one ledger transaction, answers in order. */
  processBatch(bodies: readonly unknown[], env: SettleEnv): AdjudicationResult[]
}

/** A month-end report as the routes see it (SPEC §9 month-end report; more keys pass through). */
export interface MonthEndReport {
  readonly month: string
  readonly pool: string
  readonly status: string
  readonly hospitals: readonly { readonly fixmedins_code: string; readonly [k: string]: unknown }[]
  readonly [k: string]: unknown
}

export type MonthEndRun =
  /** The month-end report (SPEC §9), sent as it is. */
  | { readonly status: 'ok'; readonly report: object }
  | { readonly status: 'closed' }
  | { readonly status: 'invalid'; readonly field: string; readonly message: string }

/** A hospital's 特例单议 application: recorded, or refused (unknown setl_id, another hospital's, not a candidate). */
export type SpecialCaseApplication =
  | { readonly status: 'applied'; readonly applied_at: string }
  | { readonly status: 'refused'; readonly code: 'E_UNKNOWN_SETTLEMENT' | 'E_NOT_CANDIDATE' | 'E_FORBIDDEN'; readonly message: string }

export interface MonthEndPort {
  run(req: { month: string; pool: '310' | '390'; budgetYuan: number; close: boolean }): Promise<MonthEndRun>
  /** One hospital's feedback report (JSON), or undefined when no run of that month and pool includes it. */
  hospitalReport(month: string, pool: '310' | '390', code: string): Promise<Record<string, unknown> | undefined>
  renderHospitalReportHtml(report: Record<string, unknown>): string
  /** The runs there are (for the home page's links). */
  listRuns(): Promise<readonly { month: string; pool: string; status: string; hospitals: readonly string[] }[]>
  /** A hospital applies for expert review (特例单议) of one of its candidates. */
  applySpecialCase?(req: { setlId: string; hospital: string; note?: string }): Promise<SpecialCaseApplication>
}
