// The 异地就医 reads (engine/ledger/cross-region-port.ts) over the SQLite ledger file: visitors' rows by their mark in
// cross_region_settlements (schema.ts CROSS_REGION_SCHEMA_SQL). A ledger opened read-only before those tables existed
// has no visitor rows.
import type { Database } from 'better-sqlite3'
import { setldetailOf, type CrossRegionReportsPort, type CrossRegionRow } from '../cross-region-port.js'
import { hasCrossRegionTables } from './cross-region.js'

const ROWS_SQL = `SELECT s.setl_id, s.seq, s.kind, s.reverses, c.insuplc_admdvs AS admdvs, s.fixmedins_code AS code, s.insutype,
    s.inpatient, COALESCE(s.dip_points_1e4, 0) AS points1e4, s.medfee_sumamt_fen, s.hifp_pay_fen, s.fund_pay_sumamt_fen,
    s.acct_pay_fen, s.result_json
  FROM cross_region_settlements c JOIN settlements s ON s.setl_id = c.setl_id
  WHERE s.month = ? AND s.seq <= ? ORDER BY s.seq`

export interface StoredCrossRegionRow {
  setl_id: string; seq: number; kind: 'settlement' | 'reversal'; reverses: string | null; admdvs: string; code: string
  insutype: string; inpatient: number; points1e4: number; medfee_sumamt_fen: number; hifp_pay_fen: number
  fund_pay_sumamt_fen: number; acct_pay_fen: number; result_json: string
}

/** A row as both backends read it (same columns) → the port's row. */
export function crossRegionRowOf(r: StoredCrossRegionRow): CrossRegionRow {
  return {
    setlId: r.setl_id, seq: Number(r.seq), kind: r.kind, reverses: r.reverses, admdvs: r.admdvs, code: r.code, insutype: r.insutype,
    inpatient: Number(r.inpatient) === 1, points1e4: Number(r.points1e4), medfeeFen: Number(r.medfee_sumamt_fen),
    hifpFen: Number(r.hifp_pay_fen), fundFen: Number(r.fund_pay_sumamt_fen), acctFen: Number(r.acct_pay_fen),
    setldetail: setldetailOf(r.result_json),
  }
}

export class SqliteCrossRegionReports implements CrossRegionReportsPort {
  constructor(private readonly db: Database) {}

  async crossRegionRows(month: string, uptoSeq: number): Promise<CrossRegionRow[]> {
    if (!hasCrossRegionTables(this.db)) return []
    return (this.db.prepare(ROWS_SQL).all(month, uptoSeq) as StoredCrossRegionRow[]).map(crossRegionRowOf)
  }
}

export { ROWS_SQL as CROSS_REGION_ROWS_SQL }
