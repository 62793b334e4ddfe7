// The PostgreSQL ledger's monitoring reads (monitoring-port.ts): the month's flagged settlements, the same query as
// SQLite's.
import type pg from 'pg'
import { FLAGGED_ANSWER_TEXT, monitoredOfRow, type MonitoringPort } from '../monitoring-port.js'

const FLAGGED_SQL = `SELECT s.seq, s.setl_id, s.msgid, s.fixmedins_code, s.psn_no, s.insutype, s.mdtrt_id, s.med_type, s.begndate, s.enddate,
    s.result_json, EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id) AS reversed
  FROM settlements s WHERE s.month = $1 AND s.kind = 'settlement' AND strpos(s.result_json, $2) > 0 ORDER BY s.seq`

export function pgMonitoring(q: pg.Pool | pg.ClientBase): MonitoringPort {
  return {
    monitoredSettlements: async (month) => {
      const r = await q.query<Parameters<typeof monitoredOfRow>[0]>({ name: 'monitored-settlements', text: FLAGGED_SQL, values: [month, FLAGGED_ANSWER_TEXT] })
      return r.rows.map(monitoredOfRow)
    },
  }
}
