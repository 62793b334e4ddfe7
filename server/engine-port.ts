// What the HTTP service asks of the month-end side (engine/settlement/month-end.ts): an interface so that tests can
// stand in for it; buildApp wires the real one by default. (Settlements go through the ledger port and decide:
// engine/ledger/port.ts, engine/ledger/decide.ts.)

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
