// DischargesPort.setlListGroupings (engine/ledger/reports-port.ts) on the PostgreSQL ledger: the 4101A lists
// (national_setl_lists) of a month's inpatient settlements of a pool up to a seq, with whether each settlement was
// still live at that seq. The PostgreSQL reports port delegates to this function; the SQLite twin is in
// engine/ledger/sqlite/reports.ts.
import type pg from 'pg'
import type { DipResult } from '../../grouping/types.js'
import type { Pool, SetlListGrouping } from '../reports-port.js'

export const SETL_LIST_GROUPINGS_SQL = `
SELECT s.setl_id, s.mdtrt_id, s.fixmedins_code, s.medfee_sumamt_fen::float8 AS medfee_fen,
       COALESCE(s.dip_points_1e4, 0)::float8 AS settled_points_1e4,
       NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id AND r.seq <= $3) AS live, l.dip_json
  FROM national_setl_lists l JOIN settlements s ON s.setl_id = l.setl_id
 WHERE s.month = $1 AND s.insutype = $2 AND s.inpatient = 1 AND s.seq <= $3 AND s.kind = 'settlement'
 ORDER BY s.seq`

interface Row {
  setl_id: string; mdtrt_id: string; fixmedins_code: string; medfee_fen: number; settled_points_1e4: number; live: boolean; dip_json: string
}

export async function pgSetlListGroupings(q: pg.Pool | pg.ClientBase, month: string, pool: Pool, uptoSeq: number): Promise<SetlListGrouping[]> {
  const r = await q.query<Row>({ name: 'setl-list-groupings', text: SETL_LIST_GROUPINGS_SQL, values: [month, pool, uptoSeq] })
  return r.rows.map((x) => ({
    setlId: x.setl_id, mdtrtId: x.mdtrt_id, code: x.fixmedins_code, live: x.live, medfeeFen: x.medfee_fen,
    settledPoints1e4: x.settled_points_1e4, dip: JSON.parse(x.dip_json) as DipResult,
  }))
}
