// The clearing port (engine/ledger/clearing-port.ts) on the SQLite ledger file: tables of schema.ts
// CLEARING_SCHEMA_SQL. Each write is one write transaction (BEGIN IMMEDIATE): an advance already issued is left as
// it is; a run replaces a draft (and its hospitals) but never a closed run — decided by the upsert's WHERE inside the
// transaction, so a close by another process between the caller's check and this save is not overwritten.
import type { Database as Db } from 'better-sqlite3'
import type { ClearingPort, ClearingRunRow, IssuedAdvance, SaveClearingOutcome, TurnoverAdvance, VbpLineAmount } from '../clearing-port.js'
import type { Pool } from '../reports-port.js'
import { inTransaction } from './append.js'

export function sqliteClearing(db: Db): ClearingPort {
  const st = {
    issue: db.prepare(`INSERT INTO turnover_advances (year, pool, fixmedins_code, amount_fen, prior_payouts_fen, issued_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year, pool, fixmedins_code) DO NOTHING`),
    advances: db.prepare(`SELECT fixmedins_code AS code, amount_fen AS amountFen, prior_payouts_fen AS priorPayoutsFen,
      issued_at AS issuedAt FROM turnover_advances WHERE year = ? AND pool = ? ORDER BY fixmedins_code`),
    get: db.prepare(`SELECT year, pool, status, fund_fen AS fundFen, run_at AS runAt, closed_at AS closedAt,
      report_json AS reportJson FROM clearing_runs WHERE year = ? AND pool = ?`),
    upsert: db.prepare(`INSERT INTO clearing_runs (year, pool, status, fund_fen, run_at, closed_at, report_json)
      VALUES (@year, @pool, @status, @fundFen, @runAt, @closedAt, @reportJson)
      ON CONFLICT (year, pool) DO UPDATE SET status = excluded.status, fund_fen = excluded.fund_fen,
        run_at = excluded.run_at, closed_at = excluded.closed_at, report_json = excluded.report_json
      WHERE clearing_runs.status = 'draft' RETURNING year`),
    dropHospitals: db.prepare('DELETE FROM clearing_hospitals WHERE year = ? AND pool = ?'),
    addHospital: db.prepare('INSERT INTO clearing_hospitals (year, pool, fixmedins_code, report_json) VALUES (?, ?, ?, ?)'),
    vbp: db.prepare(`SELECT s.fixmedins_code AS code, l.code AS item, SUM(l.amount_fen) AS amountFen
      FROM settlements s JOIN settlement_lines l ON l.setl_id = s.setl_id
      WHERE s.year = ? AND s.insutype = ? AND s.inpatient = 1 AND l.code IN (SELECT value FROM json_each(?))
      GROUP BY s.fixmedins_code, l.code ORDER BY 1, 2`),
    hospital: db.prepare('SELECT report_json FROM clearing_hospitals WHERE year = ? AND pool = ? AND fixmedins_code = ?').pluck(),
  }
  return {
    async issueAdvances(year: number, pool: Pool, list: readonly TurnoverAdvance[], at: Date) {
      return inTransaction(db, () => {
        let issued = 0
        let issuedFen = 0
        for (const a of list) {
          if (st.issue.run(year, pool, a.code, a.amountFen, a.priorPayoutsFen, at.toISOString()).changes === 1) {
            issued++
            issuedFen += a.amountFen
          }
        }
        return { issued, issuedFen, already: list.length - issued }
      })
    },
    async advances(year: number, pool: Pool) {
      return new Map((st.advances.all(year, pool) as IssuedAdvance[]).map((a) => [a.code, a]))
    },
    async getClearing(year: number, pool: Pool) {
      return st.get.get(year, pool) as ClearingRunRow | undefined
    },
    async saveClearing(run: ClearingRunRow, hospitals: ReadonlyMap<string, string>): Promise<SaveClearingOutcome> {
      return inTransaction(db, () => {
        if (st.upsert.get(run) === undefined) return 'closed'
        st.dropHospitals.run(run.year, run.pool)
        for (const [code, json] of hospitals) st.addHospital.run(run.year, run.pool, code, json)
        return 'saved'
      })
    },
    async vbpLineAmounts(year: number, pool: Pool, items: readonly string[]) {
      return st.vbp.all(year, pool, JSON.stringify(items)) as VbpLineAmount[]
    },
    async clearingHospital(year: number, pool: Pool, code: string) {
      return st.hospital.get(year, pool, code) as string | undefined
    },
  }
}
