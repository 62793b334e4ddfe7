// The SQLite ledger's monitoring reads (monitoring-port.ts): the month's flagged settlements.
import type { Database as Db } from 'better-sqlite3'
import { FLAGGED_ANSWER_TEXT, monitoredOfRow, type MonitoringPort } from '../monitoring-port.js'

export function sqliteMonitoring(db: Db): MonitoringPort {
  const flagged = db.prepare(`SELECT s.seq, s.setl_id, s.msgid, s.fixmedins_code, s.psn_no, s.insutype, s.mdtrt_id, s.med_type, s.begndate,
      s.enddate, s.result_json, EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id) AS reversed
    FROM settlements s WHERE s.month = ? AND s.kind = 'settlement' AND instr(s.result_json, ?) > 0 ORDER BY s.seq`)
  return {
    monitoredSettlements: async (month) => (flagged.all(month, FLAGGED_ANSWER_TEXT) as Parameters<typeof monitoredOfRow>[0][]).map(monitoredOfRow),
  }
}
