// The 异地就医 reads (engine/ledger/cross-region-port.ts) over the PostgreSQL ledger (migration 2: schema.ts), the same
// columns as the SQLite ledger's (sqlite/cross-region-reports.ts), so both build the port's row alike.
import pg from 'pg'
import type { CrossRegionReportsPort, CrossRegionRow } from '../cross-region-port.js'
import { crossRegionRowOf, type StoredCrossRegionRow } from '../sqlite/cross-region-reports.js'

const ROWS_SQL = `SELECT s.setl_id, s.seq, s.kind, s.reverses, c.insuplc_admdvs AS admdvs, s.fixmedins_code AS code, s.insutype,
    s.inpatient, COALESCE(s.dip_points_1e4, 0) AS points1e4, s.medfee_sumamt_fen, s.hifp_pay_fen, s.fund_pay_sumamt_fen,
    s.acct_pay_fen, s.result_json
  FROM cross_region_settlements c JOIN settlements s ON s.setl_id = c.setl_id
  WHERE s.month = $1 AND s.seq <= $2 ORDER BY s.seq`

export class PgCrossRegionReports implements CrossRegionReportsPort {
  /** `q`: the ledger's pool (or a client); bigint columns are converted per row (crossRegionRowOf). */
  constructor(private readonly q: pg.Pool | pg.ClientBase) {}

  async crossRegionRows(month: string, uptoSeq: number): Promise<CrossRegionRow[]> {
    const r = await this.q.query<StoredCrossRegionRow>({ name: 'cross-region-rows', text: ROWS_SQL, values: [month, uptoSeq] })
    return r.rows.map(crossRegionRowOf)
  }
}
