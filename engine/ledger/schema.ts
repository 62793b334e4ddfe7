// The ledger's SQLite schema (SPEC §3 step 10). Read directly by month-end (settlement/), so column names are a
// contract: add columns, never rename them.
//
// settlements        append-only; one row per settlement AND one per reversal (冲正). A reversal row carries the
//                    original's claim, stay and DIP columns with every amount, accumulator delta and dip_points_1e4
//                    negated, `kind = 'reversal'` and `reverses = <original setl_id>` (UNIQUE: reversed at most once).
//                    `year`/`month` are the original's (of enddate), so sums by month or year net out.
//                    A row is "live" when kind = 'settlement' and no row reverses it.
// settlement_line_sets append-only; the fee lines of each settlement in one row (negated for a reversal); the
//                    view settlement_lines shows them one row per line.
// accumulators       the person's year totals (PersonYear), updated in the same transaction as the append.
//
// setl_id is 'S' + the 12-digit zero-padded seq (S000000000001): gap-free append order, sortable as text, assigned
// inside the writing transaction (BEGIN IMMEDIATE), so several processes on one file never collide.
import { SETLINFO_FEN_KEYS } from '../result.js'

/** PersonYear / AccumDelta fields, in column order. */
export const ACCUM_FIELDS = [
  'admissions', 'hifp_paid_fen', 'serious_base_fen', 'serious_paid_fen', 'maf_paid_fen', 'acct_paid_fen',
  'op_dedc_fen', 'op_hifp_paid_fen',
  'chronic_dedc_fen', 'chronic_hifp_paid_fen',
] as const
export type AccumField = (typeof ACCUM_FIELDS)[number]

/** The setlinfo columns of `settlements`: `<name>_fen`. */
export const SETLINFO_COLUMNS = SETLINFO_FEN_KEYS.map(([, fenKey]) => fenKey)

export const STAY_COLUMNS = [
  'alliance_id', 'level', 'episode_id', 'episode_n', 'episode_dedc_fen', 'dx_category', 'begn_day', 'end_day',
] as const

export const SCHEMA_VERSION = 2

/**
 * The national gateway's tables (SPEC §12; engine/ledger/stays-port.ts). Working state between national calls, not
 * the settlement record: a stay's row changes state, withdrawn fee lines are deleted. Created with the rest of the
 * schema, and again (IF NOT EXISTS) by engine/ledger/sqlite/stays.ts for a ledger made before they existed, so adding
 * them bumps no SCHEMA_VERSION.
 *
 * national_stays          one row per visit opened by 2401 / 2201; mdtrt_id 'N' + 12-digit seq
 * national_stay_fees      its live fee lines, in upload order (seq)
 * national_envelopes      the answer of each envelope msgid that succeeded (idempotency: replayed, never redone)
 * national_setl_lists     the 4101A settlement list of a settlement and the DIP group it answered
 */
export const STAYS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS national_stays (
  mdtrt_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  fixmedins_code TEXT NOT NULL,
  psn_no TEXT NOT NULL,
  insutype TEXT NOT NULL,
  inpatient INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'discharged', 'settling', 'settled', 'cancelled')),
  visit_json TEXT NOT NULL,
  setl_id TEXT,
  opened_at TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS national_stay_fees (
  mdtrt_id TEXT NOT NULL REFERENCES national_stays(mdtrt_id),
  feedetl_sn TEXT NOT NULL,
  seq INTEGER NOT NULL,
  fee_json TEXT NOT NULL,
  PRIMARY KEY (mdtrt_id, feedetl_sn)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS national_envelopes (
  msgid TEXT PRIMARY KEY,
  fixmedins_code TEXT NOT NULL,
  infno TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  answer_json TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS national_setl_lists (
  setl_id TEXT PRIMARY KEY,
  mdtrt_id TEXT NOT NULL,
  fixmedins_code TEXT NOT NULL,
  list_json TEXT NOT NULL,
  dip_json TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) WITHOUT ROWID;
`

/**
 * Personal account credits (SPEC §15; engine/ledger/accounts-port.ts): one row per person and month, append-only.
 * Created with the rest of the schema, and again (IF NOT EXISTS) when an older ledger is opened for writing
 * (sqlite/connection.ts), so adding it bumps no SCHEMA_VERSION.
 */
export const ACCOUNTS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS account_credits (
  psn_no TEXT NOT NULL,
  month TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('in_service', 'retired')),
  credited_at TEXT NOT NULL,
  PRIMARY KEY (psn_no, month)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS account_credits_no_update BEFORE UPDATE ON account_credits
  BEGIN SELECT RAISE(ABORT, 'account_credits are append-only'); END;
CREATE TRIGGER IF NOT EXISTS account_credits_no_delete BEFORE DELETE ON account_credits
  BEGIN SELECT RAISE(ABORT, 'account_credits are append-only'); END;
`

/**
 * The year's money (SPEC §6; engine/ledger/clearing-port.ts): 周转金 advances (append-only, one per year, pool and
 * unit) and stored annual clearing runs (a draft is replaced, a closed run is final) with their hospitals' reports;
 * stored 按人头 per-capita runs (SPEC §15; percapita-port.ts) the same way.
 * Created like ACCOUNTS_SCHEMA_SQL (IF NOT EXISTS, also on opening an older ledger for writing).
 */
export const CLEARING_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS turnover_advances (
  year INTEGER NOT NULL,
  pool TEXT NOT NULL,
  fixmedins_code TEXT NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  prior_payouts_fen INTEGER NOT NULL,
  issued_at TEXT NOT NULL,
  PRIMARY KEY (year, pool, fixmedins_code)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS turnover_advances_no_update BEFORE UPDATE ON turnover_advances
  BEGIN SELECT RAISE(ABORT, 'turnover_advances are append-only'); END;
CREATE TRIGGER IF NOT EXISTS turnover_advances_no_delete BEFORE DELETE ON turnover_advances
  BEGIN SELECT RAISE(ABORT, 'turnover_advances are append-only'); END;
CREATE TABLE IF NOT EXISTS clearing_runs (
  year INTEGER NOT NULL,
  pool TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'closed')),
  fund_fen INTEGER NOT NULL,
  run_at TEXT NOT NULL,
  closed_at TEXT,
  report_json TEXT NOT NULL,
  PRIMARY KEY (year, pool)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clearing_hospitals (
  year INTEGER NOT NULL,
  pool TEXT NOT NULL,
  fixmedins_code TEXT NOT NULL,
  report_json TEXT NOT NULL,
  PRIMARY KEY (year, pool, fixmedins_code)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS per_capita_runs (
  month TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('draft', 'closed')),
  run_at TEXT NOT NULL,
  closed_at TEXT,
  report_json TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS per_capita_institutions (
  month TEXT NOT NULL,
  fixmedins_code TEXT NOT NULL,
  report_json TEXT NOT NULL,
  PRIMARY KEY (month, fixmedins_code)
) WITHOUT ROWID;
`

const int0 = (c: string): string => `${c} INTEGER NOT NULL DEFAULT 0`

/**
 * 异地就医 (SPEC §13). Additive tables, created with the rest and again (IF NOT EXISTS) when a ledger made before them
 * is opened for writing (sqlite/connection.ts), so adding them bumps no SCHEMA_VERSION.
 *
 * cross_region_settlements   append-only; the insuring region (admdvs) of each visitor's settlement and reversal row:
 *                            what cross-region clearing sums per region, and whose accumulators the row changed
 * cross_region_accumulators  a visitor's year totals kept per insuring region and person (the local ones stay in
 *                            accumulators), changed in the same transaction as the append
 */
export const CROSS_REGION_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS cross_region_settlements (
  setl_id TEXT PRIMARY KEY REFERENCES settlements(setl_id),
  insuplc_admdvs TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cross_region_settlements_admdvs ON cross_region_settlements(insuplc_admdvs);
CREATE TABLE IF NOT EXISTS cross_region_accumulators (
  insuplc_admdvs TEXT NOT NULL,
  psn_no TEXT NOT NULL,
  year INTEGER NOT NULL,
  ${ACCUM_FIELDS.map(int0).join(',\n  ')},
  PRIMARY KEY (psn_no, insuplc_admdvs, year)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS cross_region_settlements_no_update BEFORE UPDATE ON cross_region_settlements
  BEGIN SELECT RAISE(ABORT, 'cross_region_settlements are append-only'); END;
CREATE TRIGGER IF NOT EXISTS cross_region_settlements_no_delete BEFORE DELETE ON cross_region_settlements
  BEGIN SELECT RAISE(ABORT, 'cross_region_settlements are append-only'); END;
`

/**
 * Insured persons beside the ledger (SPEC §11; engine/ledger/persons-port.ts). Not settlement records: a person's
 * version of a day is replaced when re-imported with other values. Created with the rest of the schema, and again (IF
 * NOT EXISTS) by engine/ledger/sqlite/persons.ts for an older ledger, so adding them bumps no SCHEMA_VERSION.
 *
 * person_versions  one row per person and effective date: the Person record as JSON (engine/persons/codec.ts), in
 *                  force from effective_from (YYYY-MM-DD) until the person's next version
 * person_imports   one row per imported batch that changed something: its seq is the persons' generation (a
 *                  worker's person cache is dropped when it moves)
 */
export const PERSONS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS person_versions (
  psn_no         TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  record         TEXT NOT NULL,
  PRIMARY KEY (psn_no, effective_from)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS person_imports (
  seq         INTEGER PRIMARY KEY,
  imported_at TEXT NOT NULL,
  source      TEXT NOT NULL,
  rows        INTEGER NOT NULL,
  changed     INTEGER NOT NULL
);
`

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS settlements (
  setl_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  msgid TEXT NOT NULL UNIQUE,
  body_hash TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('settlement', 'reversal')),
  reverses TEXT UNIQUE REFERENCES settlements(setl_id),
  fixmedins_code TEXT NOT NULL,
  psn_no TEXT NOT NULL,
  insutype TEXT NOT NULL,
  mdtrt_id TEXT NOT NULL,
  med_type TEXT NOT NULL,
  inpatient INTEGER NOT NULL,
  begndate TEXT NOT NULL,
  enddate TEXT NOT NULL,
  year INTEGER NOT NULL,
  month TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  ${SETLINFO_COLUMNS.map(int0).join(',\n  ')},
  ${ACCUM_FIELDS.map(int0).join(',\n  ')},
  dip_group_code TEXT,
  dip_kind TEXT,
  dip_points_1e4 INTEGER,
  dip_deviation TEXT,
  dip_flags TEXT,
  alliance_id TEXT,
  level INTEGER,
  episode_id TEXT,
  episode_n INTEGER,
  episode_dedc_fen INTEGER,
  dx_category TEXT,
  begn_day INTEGER,
  end_day INTEGER,
  result_json TEXT NOT NULL,
  CHECK ((kind = 'reversal') = (reverses IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS settlements_psn_mdtrt ON settlements(psn_no, mdtrt_id);
CREATE INDEX IF NOT EXISTS settlements_psn_end ON settlements(psn_no, end_day);
CREATE INDEX IF NOT EXISTS settlements_month ON settlements(month, insutype, fixmedins_code);

-- the fee lines of a settlement, one row per settlement: a JSON array of line tuples in fen (LINE_TUPLE order).
-- One row instead of ~40 keeps a settlement's write cheap (measured: the per-line rows cost about as much as the rest
-- of the append); the settlement_lines view below gives the row-per-line shape for queries.
CREATE TABLE IF NOT EXISTS settlement_line_sets (
  setl_id TEXT PRIMARY KEY REFERENCES settlements(setl_id),
  lines TEXT NOT NULL
) WITHOUT ROWID;

CREATE VIEW IF NOT EXISTS settlement_lines AS
  SELECT ls.setl_id AS setl_id,
         json_extract(l.value, '$[0]') AS feedetl_sn,
         json_extract(l.value, '$[1]') AS code,
         json_extract(l.value, '$[2]') AS chrgitm_lv,
         json_extract(l.value, '$[3]') AS amount_fen,
         json_extract(l.value, '$[4]') AS fulamt_ownpay_amt_fen,
         json_extract(l.value, '$[5]') AS overlmt_amt_fen,
         json_extract(l.value, '$[6]') AS preselfpay_amt_fen,
         json_extract(l.value, '$[7]') AS inscp_scp_amt_fen,
         json(json_extract(l.value, '$[8]')) AS reasons
  FROM settlement_line_sets ls, json_each(ls.lines) l;

CREATE TABLE IF NOT EXISTS accumulators (
  psn_no TEXT NOT NULL,
  year INTEGER NOT NULL,
  ${ACCUM_FIELDS.map(int0).join(',\n  ')},
  PRIMARY KEY (psn_no, year)
) WITHOUT ROWID;

-- 只追加: corrections are new rows (reversals), never edits
CREATE TRIGGER IF NOT EXISTS settlements_no_update BEFORE UPDATE ON settlements
  BEGIN SELECT RAISE(ABORT, 'settlements are append-only: reverse instead of updating'); END;
CREATE TRIGGER IF NOT EXISTS settlements_no_delete BEFORE DELETE ON settlements
  BEGIN SELECT RAISE(ABORT, 'settlements are append-only: reverse instead of deleting'); END;
CREATE TRIGGER IF NOT EXISTS settlement_line_sets_no_update BEFORE UPDATE ON settlement_line_sets
  BEGIN SELECT RAISE(ABORT, 'settlement_lines are append-only'); END;
CREATE TRIGGER IF NOT EXISTS settlement_line_sets_no_delete BEFORE DELETE ON settlement_line_sets
  BEGIN SELECT RAISE(ABORT, 'settlement_lines are append-only'); END;
CREATE TRIGGER IF NOT EXISTS settlement_lines_no_update INSTEAD OF UPDATE ON settlement_lines
  BEGIN SELECT RAISE(ABORT, 'settlement_lines are append-only'); END;
CREATE TRIGGER IF NOT EXISTS settlement_lines_no_delete INSTEAD OF DELETE ON settlement_lines
  BEGIN SELECT RAISE(ABORT, 'settlement_lines are append-only'); END;
${STAYS_SCHEMA_SQL}
${CROSS_REGION_SCHEMA_SQL}
${ACCOUNTS_SCHEMA_SQL}
${CLEARING_SCHEMA_SQL}
${PERSONS_SCHEMA_SQL}`
