// Counts and sums the tools print (ledger verify, simulate, demo): read-only, over the settlements side.
import type { Database as Db } from 'better-sqlite3'

export interface LedgerStats {
  /** Settlement and reversal rows. */
  readonly rows: number
  /** Accumulator rows (one per person and year). */
  readonly personYears: number
}

export function ledgerStats(db: Db): LedgerStats {
  return {
    rows: db.prepare('SELECT COUNT(*) FROM settlements').pluck().get() as number,
    personYears: db.prepare('SELECT COUNT(*) FROM accumulators').pluck().get() as number,
  }
}

/** Settlements (not reversals) of a month (of enddate). */
export function settlementsOfMonth(db: Db, month: string): number {
  return db.prepare(`SELECT COUNT(*) FROM settlements WHERE month = ? AND kind = 'settlement'`).pluck().get(month) as number
}

/** What the basic fund paid item by item for a month's inpatient claims of a pool, fen (the demo's month budget). */
export function inpatientHifpFen(db: Db, month: string, insutype: string): number {
  return db.prepare('SELECT COALESCE(SUM(hifp_pay_fen), 0) FROM settlements WHERE month = ? AND insutype = ? AND inpatient = 1')
    .pluck().get(month, insutype) as number
}
