// The reports' tables in the SQLite ledger file, beside (never inside) the append-only settlements: one month-end
// run per (month, pool) with its hospitals and judged 特例单议 cases; the bureau's decisions and the hospitals'
// applications, keyed by the discharge's setl_id.
/** The merged stays of alliance episodes (episode_id names another stay): month-end finds its episodes here. */
export const MERGED_STAYS_INDEX_SQL =
  'CREATE INDEX IF NOT EXISTS settlements_merged_stays ON settlements(month, insutype) WHERE episode_id <> mdtrt_id'

export const REPORTS_SCHEMA_SQL = `
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

CREATE TABLE IF NOT EXISTS special_case_applications (
  setl_id TEXT PRIMARY KEY,
  fixmedins_code TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  note TEXT
) WITHOUT ROWID;
`

export const CREDENTIALS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS credentials (
  key_id TEXT PRIMARY KEY,
  token_sha256 BLOB NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('hospital', 'admin')),
  hospital TEXT,
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  CHECK ((role = 'hospital') = (hospital IS NOT NULL))
)`
