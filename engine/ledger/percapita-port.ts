// 按人头 per-capita runs (SPEC §15; engine/percapita/): the month's outpatient basic-fund payments per person and
// institution, read from the settlements (reversals netted), and the stored runs — one per month, a draft replaced by
// the next run, a closed run final — with one report per institution. SQLite in sqlite/percapita.ts, PostgreSQL in
// postgres/percapita.ts (tables: schema.ts PER_CAPITA_SCHEMA_SQL, postgres/schema.ts migration 2).
import type { OutpatientSum } from '../percapita/settle.js'

export interface PerCapitaRunRow {
  readonly month: string
  readonly status: 'draft' | 'closed'
  readonly runAt: string
  readonly closedAt: string | null
  readonly reportJson: string
}

export interface PerCapitaPort {
  /** Σ hifp_pay of the month's outpatient settlements and reversals (by enddate), per person and institution. */
  outpatientSums(month: string): Promise<OutpatientSum[]>
  getPerCapita(month: string): Promise<PerCapitaRunRow | undefined>
  /** Replace a draft (with its institutions) in one transaction; never a closed run ('closed': nothing written). */
  savePerCapita(run: PerCapitaRunRow, institutions: ReadonlyMap<string, string>): Promise<'saved' | 'closed'>
  perCapitaInstitution(month: string, code: string): Promise<string | undefined>
}

/** The one read both backends run: visits count settlements minus reversals. */
export const OUTPATIENT_SUMS_SQL = (p: string): string => `SELECT psn_no AS "psnNo", fixmedins_code AS code,
  SUM(hifp_pay_fen) AS "hifpFen", SUM(CASE WHEN kind = 'settlement' THEN 1 ELSE -1 END) AS visits
  FROM settlements WHERE month = ${p} AND inpatient = 0 GROUP BY psn_no, fixmedins_code ORDER BY psn_no, fixmedins_code`
