// The reads of 异地就医 (SPEC §13) beside the reports port (reports-port.ts): the visitors' rows of a month —
// settlements and reversals, each with its insuring region — that cross-region clearing sums per region and that
// month-end leaves out when `dip.include_cross_region` is false. SQLite: sqlite/cross-region-reports.ts; PostgreSQL:
// postgres/cross-region-reports.ts. Promise-returning, bounded by a ledger seq like every reports read.

/** A visitor's settlement or reversal row (a reversal: every amount negated, the original's month). */
export interface CrossRegionRow {
  readonly setlId: string
  readonly seq: number
  readonly kind: 'settlement' | 'reversal'
  readonly reverses: string | null
  /** The insuring region (insuplc_admdvs) that owes the funds' share. */
  readonly admdvs: string
  /** The hospital (fixmedins_code) the funds were advanced to. */
  readonly code: string
  readonly insutype: string
  readonly inpatient: boolean
  readonly points1e4: number
  readonly medfeeFen: number
  readonly hifpFen: number
  readonly fundFen: number
  readonly acctFen: number
  /** The answer's setldetail (yuan, as answered): the funds by fund_pay_type. */
  readonly setldetail: readonly { readonly fund_pay_type: string; readonly fund_payamt: number }[]
}

export interface CrossRegionReportsPort {
  /** Every visitor row of `month` (enddate's) with seq ≤ uptoSeq, in ledger order. */
  crossRegionRows(month: string, uptoSeq: number): Promise<CrossRegionRow[]>
}

/** A stored answer's setldetail (result_json), [] when it has none. */
export function setldetailOf(resultJson: string): CrossRegionRow['setldetail'] {
  const r = JSON.parse(resultJson) as { setldetail?: CrossRegionRow['setldetail'] }
  return r.setldetail ?? []
}
