// Month-end runs recorded in the ledger file, beside (never inside) the append-only settlements: one run per
// (month, pool). A draft is replaced by the next run; a closed run is final and refuses every later run.
// 特例单议 expert decisions live here too (special_case_reviews), keyed by the discharge's setl_id.
import type { Database } from 'better-sqlite3'
import type { MonthEndReport, Pool, SpecialCaseStatus } from './types.js'

export const MONTH_END_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS month_end_runs (
  month TEXT NOT NULL,
  pool TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'closed')),
  budget_fen INTEGER NOT NULL,
  ratio_ppm INTEGER NOT NULL,
  total_points_1e4 INTEGER NOT NULL,
  dip_total_fen INTEGER NOT NULL,
  point_value TEXT NOT NULL,
  ledger_seq INTEGER NOT NULL,
  run_at TEXT NOT NULL,
  closed_at TEXT,
  report_json TEXT NOT NULL,
  PRIMARY KEY (month, pool)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS month_end_hospitals (
  month TEXT NOT NULL,
  pool TEXT NOT NULL,
  fixmedins_code TEXT NOT NULL,
  points_1e4 INTEGER NOT NULL,
  discharges INTEGER NOT NULL,
  dip_amount_fen INTEGER NOT NULL,
  item_fund_fen INTEGER NOT NULL,
  patient_paid_fen INTEGER NOT NULL,
  adj_points_1e4 INTEGER NOT NULL,
  adj_dip_amount_fen INTEGER NOT NULL,
  adj_item_fund_fen INTEGER NOT NULL,
  adj_patient_paid_fen INTEGER NOT NULL,
  payable_fen INTEGER NOT NULL,
  payout_fen INTEGER NOT NULL,
  withheld_fen INTEGER NOT NULL,
  PRIMARY KEY (month, pool, fixmedins_code)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS month_end_cases (
  month TEXT NOT NULL,
  pool TEXT NOT NULL,
  setl_id TEXT NOT NULL,
  fixmedins_code TEXT NOT NULL,
  status TEXT NOT NULL,
  grouped_points_1e4 INTEGER NOT NULL,
  paid_points_1e4 INTEGER NOT NULL,
  PRIMARY KEY (month, pool, setl_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS special_case_reviews (
  setl_id TEXT PRIMARY KEY,
  decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
  decided_at TEXT NOT NULL,
  note TEXT
) WITHOUT ROWID;
`

export function ensureMonthEndSchema(db: Database): void {
  db.exec(MONTH_END_SCHEMA_SQL)
}

export interface RunRow {
  readonly month: string
  readonly pool: Pool
  readonly status: 'draft' | 'closed'
  readonly budget_fen: number
  readonly ratio_ppm: number
  readonly total_points_1e4: number
  readonly dip_total_fen: number
  readonly point_value: string
  readonly ledger_seq: number
  readonly run_at: string
  readonly closed_at: string | null
  readonly report_json: string
}

export interface HospitalRow {
  readonly fixmedins_code: string
  readonly points_1e4: number
  readonly discharges: number
  readonly dip_amount_fen: number
  readonly item_fund_fen: number
  readonly patient_paid_fen: number
  readonly adj_points_1e4: number
  readonly adj_dip_amount_fen: number
  readonly adj_item_fund_fen: number
  readonly adj_patient_paid_fen: number
  readonly payable_fen: number
  readonly payout_fen: number
  readonly withheld_fen: number
}

export interface CaseRow {
  readonly setl_id: string
  readonly fixmedins_code: string
  readonly status: SpecialCaseStatus
  readonly grouped_points_1e4: number
  readonly paid_points_1e4: number
}

export function getRun(db: Database, month: string, pool: Pool): RunRow | undefined {
  return db.prepare('SELECT * FROM month_end_runs WHERE month = ? AND pool = ?').get(month, pool) as RunRow | undefined
}

/** Closed runs of the pool, by month. */
export function closedRuns(db: Database, pool: Pool): RunRow[] {
  return db.prepare("SELECT * FROM month_end_runs WHERE pool = ? AND status = 'closed' ORDER BY month").all(pool) as RunRow[]
}

export function runsOfYear(db: Database, year: number, pool: Pool): RunRow[] {
  return db.prepare('SELECT * FROM month_end_runs WHERE pool = ? AND month LIKE ? ORDER BY month')
    .all(pool, `${year}-%`) as RunRow[]
}

export function hospitalRows(db: Database, month: string, pool: Pool): HospitalRow[] {
  return db.prepare('SELECT * FROM month_end_hospitals WHERE month = ? AND pool = ? ORDER BY fixmedins_code')
    .all(month, pool) as HospitalRow[]
}

export function caseRows(db: Database, month: string, pool: Pool): CaseRow[] {
  return db.prepare('SELECT * FROM month_end_cases WHERE month = ? AND pool = ?').all(month, pool) as CaseRow[]
}

export function storedReport(db: Database, month: string, pool: Pool): MonthEndReport | undefined {
  const run = getRun(db, month, pool)
  return run ? (JSON.parse(run.report_json) as MonthEndReport) : undefined
}

/** Replace the (month, pool) draft with this run, in one transaction; the caller has checked it is not closed. */
export function saveRun(db: Database, run: RunRow, hospitals: readonly HospitalRow[], cases: readonly CaseRow[]): void {
  db.transaction(() => {
    const closed = getRun(db, run.month, run.pool)
    // a concurrent close between the check and this write must still win: closed is final
    if (closed?.status === 'closed') throw new Error(`month-end ${run.month}/${run.pool} was closed meanwhile`)
    db.prepare('DELETE FROM month_end_runs WHERE month = ? AND pool = ?').run(run.month, run.pool)
    db.prepare('DELETE FROM month_end_hospitals WHERE month = ? AND pool = ?').run(run.month, run.pool)
    db.prepare('DELETE FROM month_end_cases WHERE month = ? AND pool = ?').run(run.month, run.pool)
    db.prepare(`INSERT INTO month_end_runs VALUES (@month, @pool, @status, @budget_fen, @ratio_ppm, @total_points_1e4,
      @dip_total_fen, @point_value, @ledger_seq, @run_at, @closed_at, @report_json)`).run(run)
    const h = db.prepare(`INSERT INTO month_end_hospitals VALUES (?, ?, @fixmedins_code, @points_1e4, @discharges,
      @dip_amount_fen, @item_fund_fen, @patient_paid_fen, @adj_points_1e4, @adj_dip_amount_fen, @adj_item_fund_fen,
      @adj_patient_paid_fen, @payable_fen, @payout_fen, @withheld_fen)`)
    for (const row of hospitals) h.run(run.month, run.pool, row)
    const c = db.prepare(`INSERT INTO month_end_cases VALUES (?, ?, @setl_id, @fixmedins_code, @status,
      @grouped_points_1e4, @paid_points_1e4)`)
    for (const row of cases) c.run(run.month, run.pool, row)
  }).immediate()
}

/** Record an expert decision on a 特例单议 candidate (seed 001: 特殊病例专家评议). */
export function recordSpecialCaseDecision(db: Database, setlId: string, decision: 'approved' | 'rejected', note?: string, at = new Date()): void {
  ensureMonthEndSchema(db)
  db.prepare(`INSERT INTO special_case_reviews (setl_id, decision, decided_at, note) VALUES (?, ?, ?, ?)
    ON CONFLICT (setl_id) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at, note = excluded.note`)
    .run(setlId, decision, at.toISOString(), note ?? null)
}

export function specialCaseDecisions(db: Database): Map<string, 'approved' | 'rejected'> {
  const rows = db.prepare('SELECT setl_id, decision FROM special_case_reviews').all() as { setl_id: string; decision: 'approved' | 'rejected' }[]
  return new Map(rows.map((r) => [r.setl_id, r.decision]))
}
