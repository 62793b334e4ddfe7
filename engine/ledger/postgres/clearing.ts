// The clearing port (engine/ledger/clearing-port.ts) on the PostgreSQL ledger (schema.ts migration 2). Issuing is
// one INSERT … ON CONFLICT DO NOTHING (atomic; a concurrent issue waits on each row's key and then leaves it). A save
// is one transaction whose upsert replaces the run only while it is a draft (the row lock it takes holds off a
// concurrent close until COMMIT); its hospitals are replaced in the same transaction.
import type pg from 'pg'
import { inTransaction } from './transaction.js'
import type { ClearingPort, ClearingRunRow, IssuedAdvance, SaveClearingOutcome, TurnoverAdvance, VbpLineAmount } from '../clearing-port.js'
import type { Pool } from '../reports-port.js'

const ISSUE_SQL = `INSERT INTO turnover_advances (year, pool, fixmedins_code, amount_fen, prior_payouts_fen, issued_at)
  SELECT $1, $2, a.code, a.amount_fen, a.prior_fen, $3
    FROM unnest($4::text[], $5::bigint[], $6::bigint[]) AS a(code, amount_fen, prior_fen) ORDER BY a.code
  ON CONFLICT (year, pool, fixmedins_code) DO NOTHING RETURNING amount_fen`
const ADVANCES_SQL = `SELECT fixmedins_code AS code, amount_fen AS "amountFen", prior_payouts_fen AS "priorPayoutsFen",
  issued_at AS "issuedAt" FROM turnover_advances WHERE year = $1 AND pool = $2 ORDER BY fixmedins_code`
const GET_SQL = `SELECT year, pool, status, fund_fen AS "fundFen", run_at AS "runAt", closed_at AS "closedAt",
  report_json AS "reportJson" FROM clearing_runs WHERE year = $1 AND pool = $2`
const UPSERT_SQL = `INSERT INTO clearing_runs (year, pool, status, fund_fen, run_at, closed_at, report_json)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (year, pool) DO UPDATE SET status = excluded.status, fund_fen = excluded.fund_fen,
    run_at = excluded.run_at, closed_at = excluded.closed_at, report_json = excluded.report_json
  WHERE clearing_runs.status = 'draft' RETURNING year`

export class PgClearing implements ClearingPort {
  constructor(private readonly pool: pg.Pool) {}

  async issueAdvances(year: number, pool: Pool, list: readonly TurnoverAdvance[], at: Date) {
    if (list.length === 0) return { issued: 0, issuedFen: 0, already: 0 }
    const r = await this.pool.query<{ amount_fen: number }>(ISSUE_SQL, [year, pool, at.toISOString(),
      list.map((a) => a.code), list.map((a) => a.amountFen), list.map((a) => a.priorPayoutsFen)])
    let issuedFen = 0
    for (const row of r.rows) issuedFen += row.amount_fen
    return { issued: r.rows.length, issuedFen, already: list.length - r.rows.length }
  }

  async advances(year: number, pool: Pool): Promise<ReadonlyMap<string, IssuedAdvance>> {
    const r = await this.pool.query<IssuedAdvance>(ADVANCES_SQL, [year, pool])
    return new Map(r.rows.map((a) => [a.code, a]))
  }

  async getClearing(year: number, pool: Pool): Promise<ClearingRunRow | undefined> {
    return (await this.pool.query<ClearingRunRow>(GET_SQL, [year, pool])).rows[0]
  }

  async saveClearing(run: ClearingRunRow, hospitals: ReadonlyMap<string, string>): Promise<SaveClearingOutcome> {
    return inTransaction(this.pool, async (c) => {
      // a closed run is not replaced: the upsert changes nothing and answers no row
      const r = await c.query(UPSERT_SQL, [run.year, run.pool, run.status, run.fundFen, run.runAt, run.closedAt, run.reportJson])
      if (r.rows.length === 0) return 'closed'
      await c.query('DELETE FROM clearing_hospitals WHERE year = $1 AND pool = $2', [run.year, run.pool])
      const codes = [...hospitals.keys()]
      await c.query(`INSERT INTO clearing_hospitals (year, pool, fixmedins_code, report_json)
        SELECT $1, $2, h.code, h.json FROM unnest($3::text[], $4::text[]) AS h(code, json)`,
      [run.year, run.pool, codes, codes.map((k) => hospitals.get(k) as string)])
      return 'saved'
    })
  }

  async vbpLineAmounts(year: number, pool: Pool, items: readonly string[]): Promise<VbpLineAmount[]> {
    const r = await this.pool.query<VbpLineAmount>(`SELECT s.fixmedins_code AS code, l.code AS item, SUM(l.amount_fen) AS "amountFen"
      FROM settlements s JOIN settlement_lines l ON l.setl_id = s.setl_id
      WHERE s.year = $1 AND s.insutype = $2 AND s.inpatient = 1 AND l.code = ANY($3::text[])
      GROUP BY s.fixmedins_code, l.code ORDER BY 1, 2`, [year, pool, items])
    return r.rows
  }

  async clearingHospital(year: number, pool: Pool, code: string): Promise<string | undefined> {
    const r = await this.pool.query<{ report_json: string }>(
      'SELECT report_json FROM clearing_hospitals WHERE year = $1 AND pool = $2 AND fixmedins_code = $3', [year, pool, code])
    return r.rows[0]?.report_json
  }
}
