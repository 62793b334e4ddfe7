// The year's money beside the monthly runs (SPEC §6 annual clearing, seed 001 周转金 年初预付 年底清算): the
// start-of-year 周转金 advances, issued once per (year, pool, hospital), and the stored annual clearing runs — one
// per (year, pool), a draft replaced by the next run, a closed run final — with one report per hospital.
// Promise-returning; SQLite in sqlite/clearing.ts, PostgreSQL in postgres/clearing.ts (tables: schema.ts
// CLEARING_SCHEMA_SQL, postgres/schema.ts migration 2).
import type { Pool } from './reports-port.js'

/** A hospital's (settlement unit's) 周转金 for a year and pool. */
export interface TurnoverAdvance {
  readonly code: string
  readonly amountFen: number
  /** What it was computed from: the prior year's closed monthly payouts of the unit. */
  readonly priorPayoutsFen: number
}

export interface IssuedAdvance extends TurnoverAdvance {
  readonly issuedAt: string
}

export interface ClearingRunRow {
  readonly year: number
  readonly pool: Pool
  readonly status: 'draft' | 'closed'
  readonly fundFen: number
  readonly runAt: string
  readonly closedAt: string | null
  readonly reportJson: string
}

export type SaveClearingOutcome = 'saved' | 'closed'

/** Σ amount of one catalogue item on a hospital's lines (settlements and reversals netted), fen. */
export interface VbpLineAmount {
  readonly code: string
  readonly item: string
  readonly amountFen: number
}

export interface ClearingPort {
  /**
   * Record each advance unless the unit's advance for (year, pool) is already recorded (left as it was): one
   * transaction, so a second issue of a year changes nothing and two at once issue each unit once.
   */
  issueAdvances(year: number, pool: Pool, advances: readonly TurnoverAdvance[], at: Date): Promise<{ readonly issued: number; readonly issuedFen: number; readonly already: number }>
  /** The advances issued for (year, pool), by code. */
  advances(year: number, pool: Pool): Promise<ReadonlyMap<string, IssuedAdvance>>
  getClearing(year: number, pool: Pool): Promise<ClearingRunRow | undefined>
  /**
   * Store a run and its per-hospital reports (JSON by code) in one transaction: replaces a draft (its hospitals
   * too), never a closed run ('closed': nothing written).
   */
  saveClearing(run: ClearingRunRow, hospitals: ReadonlyMap<string, string>): Promise<SaveClearingOutcome>
  /** The year's inpatient lines of the pool (insutype) billing one of `items`, Σ amount per hospital and item. */
  vbpLineAmounts(year: number, pool: Pool, items: readonly string[]): Promise<VbpLineAmount[]>
  /** A hospital's stored clearing report (JSON), if the run holds it. */
  clearingHospital(year: number, pool: Pool, code: string): Promise<string | undefined>
}
