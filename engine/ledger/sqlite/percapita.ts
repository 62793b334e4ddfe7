// The per-capita port (engine/ledger/percapita-port.ts) on the SQLite ledger file (schema.ts, per_capita_* tables).
// A save is one write transaction (BEGIN IMMEDIATE) whose upsert replaces the run only while it is a draft.
import type { Database as Db } from 'better-sqlite3'
import type { OutpatientSum } from '../../percapita/settle.js'
import { OUTPATIENT_SUMS_SQL, type PerCapitaPort, type PerCapitaRunRow } from '../percapita-port.js'
import { inTransaction } from './append.js'

export function sqlitePerCapita(db: Db): PerCapitaPort {
  const st = {
    sums: db.prepare(OUTPATIENT_SUMS_SQL('?')),
    get: db.prepare(`SELECT month, status, run_at AS runAt, closed_at AS closedAt, report_json AS reportJson
      FROM per_capita_runs WHERE month = ?`),
    upsert: db.prepare(`INSERT INTO per_capita_runs (month, status, run_at, closed_at, report_json)
      VALUES (@month, @status, @runAt, @closedAt, @reportJson)
      ON CONFLICT (month) DO UPDATE SET status = excluded.status, run_at = excluded.run_at,
        closed_at = excluded.closed_at, report_json = excluded.report_json
      WHERE per_capita_runs.status = 'draft' RETURNING month`),
    drop: db.prepare('DELETE FROM per_capita_institutions WHERE month = ?'),
    add: db.prepare('INSERT INTO per_capita_institutions (month, fixmedins_code, report_json) VALUES (?, ?, ?)'),
    one: db.prepare('SELECT report_json FROM per_capita_institutions WHERE month = ? AND fixmedins_code = ?').pluck(),
  }
  return {
    async outpatientSums(month: string) { return st.sums.all(month) as OutpatientSum[] },
    async getPerCapita(month: string) { return st.get.get(month) as PerCapitaRunRow | undefined },
    async savePerCapita(run: PerCapitaRunRow, institutions: ReadonlyMap<string, string>) {
      return inTransaction(db, () => {
        if (st.upsert.get(run) === undefined) return 'closed' as const
        st.drop.run(run.month)
        for (const [code, json] of institutions) st.add.run(run.month, code, json)
        return 'saved' as const
      })
    },
    async perCapitaInstitution(month: string, code: string) { return st.one.get(month, code) as string | undefined },
  }
}
