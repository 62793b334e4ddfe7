// The per-capita port (engine/ledger/percapita-port.ts) on the PostgreSQL ledger (schema.ts migration 2). A save is
// one transaction whose upsert replaces the run only while it is a draft; its institutions are replaced with it.
import type pg from 'pg'
import { inTransaction } from './transaction.js'
import type { OutpatientSum } from '../../percapita/settle.js'
import { OUTPATIENT_SUMS_SQL, type PerCapitaPort, type PerCapitaRunRow } from '../percapita-port.js'

const UPSERT_SQL = `INSERT INTO per_capita_runs (month, status, run_at, closed_at, report_json) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (month) DO UPDATE SET status = excluded.status, run_at = excluded.run_at,
    closed_at = excluded.closed_at, report_json = excluded.report_json
  WHERE per_capita_runs.status = 'draft' RETURNING month`

export class PgPerCapita implements PerCapitaPort {
  constructor(private readonly pool: pg.Pool) {}

  async outpatientSums(month: string): Promise<OutpatientSum[]> {
    return (await this.pool.query<OutpatientSum>(OUTPATIENT_SUMS_SQL('$1'), [month])).rows
  }

  async getPerCapita(month: string): Promise<PerCapitaRunRow | undefined> {
    const r = await this.pool.query<PerCapitaRunRow>(`SELECT month, status, run_at AS "runAt", closed_at AS "closedAt",
      report_json AS "reportJson" FROM per_capita_runs WHERE month = $1`, [month])
    return r.rows[0]
  }

  async savePerCapita(run: PerCapitaRunRow, institutions: ReadonlyMap<string, string>): Promise<'saved' | 'closed'> {
    return inTransaction(this.pool, async (c) => {
      // a closed run is not replaced: the upsert changes nothing and answers no row
      const r = await c.query(UPSERT_SQL, [run.month, run.status, run.runAt, run.closedAt, run.reportJson])
      if (r.rows.length === 0) return 'closed'
      await c.query('DELETE FROM per_capita_institutions WHERE month = $1', [run.month])
      const codes = [...institutions.keys()]
      await c.query(`INSERT INTO per_capita_institutions (month, fixmedins_code, report_json)
        SELECT $1, i.code, i.json FROM unnest($2::text[], $3::text[]) AS i(code, json)`,
      [run.month, codes, codes.map((k) => institutions.get(k) as string)])
      return 'saved'
    })
  }

  async perCapitaInstitution(month: string, code: string): Promise<string | undefined> {
    const r = await this.pool.query<{ report_json: string }>(
      'SELECT report_json FROM per_capita_institutions WHERE month = $1 AND fixmedins_code = $2', [month, code])
    return r.rows[0]?.report_json
  }
}
