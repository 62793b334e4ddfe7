// The PostgreSQL ledger's schema (SPEC §11): the SQLite ledger's tables and columns (ledger/schema.ts,
// settlement/runs.ts, server/auth/credentials.ts), so that month-end, reports and `ledger copy` read the same
// shapes, plus what a server database with many writing processes needs:
//
// dipsettle_schema   one row per applied migration (version, applied_at): how dipsettle recognises its own database.
//                    A database with tables but no such row, or with a version this build does not know, is refused
//                    before anything is written (migrate.ts).
// ledger_persons     one row per insured person who has a settlement: the per-person lock (SELECT … FOR UPDATE) and
//                    the person's history version. One row per person, not per person-year: a claim's history crosses
//                    the year boundary (readmission within days, alliance episodes), so a lock on one year's row would
//                    let a December and a January claim of one person interleave.
// settlements        append-only, enforced by triggers refusing UPDATE, DELETE and TRUNCATE (as in SQLite); setl_id is
//                    'S' + the 12-digit seq drawn from settlement_seq. Unlike SQLite's MAX(seq)+1 under the file's
//                    one write lock, a sequence never serialises writers: seqs are unique and increasing per person,
//                    but a rolled-back transaction leaves a gap and concurrent commits may land out of seq order.
// dipsettle_commit   the commit as one PL/pgSQL function (migration 6, commit-function.ts): one round trip per commit.
// Money and counts are bigint (fen can pass 2^31) and read back as JS numbers (codec.ts checks they are safe).
import { ACCUM_FIELDS, SETLINFO_COLUMNS } from '../schema.js'
import { CROSS_REGION_MIGRATION_SQL } from './cross-region.js'
import { COMMIT_FUNCTION_SQL } from './commit-function.js'

/** The schema version this build writes and accepts. A new version adds a MIGRATIONS entry; none is ever edited. */
export const PG_SCHEMA_VERSION = 6

const int0 = (c: string): string => `${c} bigint NOT NULL DEFAULT 0`

const APPEND_ONLY = (table: string, what: string): string => `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
  FOR EACH ROW EXECUTE FUNCTION dipsettle_refuse('${what} are append-only: reverse instead of updating');
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
  FOR EACH ROW EXECUTE FUNCTION dipsettle_refuse('${what} are append-only: reverse instead of deleting');
CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION dipsettle_refuse('${what} are append-only');`

/** Migration 1: the ledger, month-end runs, special-case decisions and credentials. */
const V1 = `
CREATE FUNCTION dipsettle_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END $$;

CREATE SEQUENCE settlement_seq;

CREATE TABLE ledger_persons (
  psn_no text PRIMARY KEY,
  version bigint NOT NULL
);

CREATE TABLE settlements (
  setl_id text PRIMARY KEY,
  seq bigint NOT NULL UNIQUE,
  -- unique over the whole ledger, as in SQLite (so per hospital too): the msgid lookup needs no hospital
  msgid text NOT NULL UNIQUE,
  body_hash text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('settlement', 'reversal')),
  reverses text UNIQUE REFERENCES settlements(setl_id),
  fixmedins_code text NOT NULL,
  psn_no text NOT NULL,
  insutype text NOT NULL,
  mdtrt_id text NOT NULL,
  med_type text NOT NULL,
  inpatient integer NOT NULL,
  begndate text NOT NULL,
  enddate text NOT NULL,
  year integer NOT NULL,
  month text NOT NULL,
  recorded_at text NOT NULL,
  ${SETLINFO_COLUMNS.map(int0).join(',\n  ')},
  ${ACCUM_FIELDS.map(int0).join(',\n  ')},
  dip_group_code text,
  dip_kind text,
  dip_points_1e4 bigint,
  dip_deviation text,
  dip_flags text,
  alliance_id text,
  level integer,
  episode_id text,
  episode_n integer,
  episode_dedc_fen bigint,
  dx_category text,
  begn_day integer,
  end_day integer,
  result_json text NOT NULL,
  CHECK ((kind = 'reversal') = (reverses IS NOT NULL))
);
CREATE INDEX settlements_psn_mdtrt ON settlements(psn_no, mdtrt_id);
CREATE INDEX settlements_psn_end ON settlements(psn_no, end_day);
CREATE INDEX settlements_month ON settlements(month, insutype, fixmedins_code);
${APPEND_ONLY('settlements', 'settlements')}

-- the fee lines of a settlement in one row: a JSON array of line tuples in fen (schema.ts LINE_TUPLE order), kept
-- as text so that a replayed answer is byte-for-byte the first one
CREATE TABLE settlement_line_sets (
  setl_id text PRIMARY KEY REFERENCES settlements(setl_id),
  lines text NOT NULL
);
${APPEND_ONLY('settlement_line_sets', 'settlement_lines')}

CREATE VIEW settlement_lines AS
  SELECT ls.setl_id AS setl_id,
         l.value->>0 AS feedetl_sn,
         l.value->>1 AS code,
         l.value->>2 AS chrgitm_lv,
         (l.value->>3)::bigint AS amount_fen,
         (l.value->>4)::bigint AS fulamt_ownpay_amt_fen,
         (l.value->>5)::bigint AS overlmt_amt_fen,
         (l.value->>6)::bigint AS preselfpay_amt_fen,
         (l.value->>7)::bigint AS inscp_scp_amt_fen,
         (l.value->8)::text AS reasons
  FROM settlement_line_sets ls, jsonb_array_elements(ls.lines::jsonb) l;

CREATE TABLE accumulators (
  psn_no text NOT NULL,
  year integer NOT NULL,
  ${ACCUM_FIELDS.map(int0).join(',\n  ')},
  PRIMARY KEY (psn_no, year)
);

CREATE TABLE month_end_runs (
  month text NOT NULL,
  pool text NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'closed')),
  budget_fen bigint NOT NULL,
  ratio_ppm bigint NOT NULL,
  total_points_1e4 bigint NOT NULL,
  dip_total_fen bigint NOT NULL,
  point_value text NOT NULL,
  ledger_seq bigint NOT NULL,
  run_at text NOT NULL,
  closed_at text,
  report_json text NOT NULL,
  PRIMARY KEY (month, pool)
);

CREATE TABLE month_end_hospitals (
  month text NOT NULL,
  pool text NOT NULL,
  fixmedins_code text NOT NULL,
  points_1e4 bigint NOT NULL,
  discharges bigint NOT NULL,
  dip_amount_fen bigint NOT NULL,
  item_fund_fen bigint NOT NULL,
  patient_paid_fen bigint NOT NULL,
  adj_points_1e4 bigint NOT NULL,
  adj_dip_amount_fen bigint NOT NULL,
  adj_item_fund_fen bigint NOT NULL,
  adj_patient_paid_fen bigint NOT NULL,
  payable_fen bigint NOT NULL,
  payout_fen bigint NOT NULL,
  withheld_fen bigint NOT NULL,
  PRIMARY KEY (month, pool, fixmedins_code)
);

CREATE TABLE month_end_cases (
  month text NOT NULL,
  pool text NOT NULL,
  setl_id text NOT NULL,
  fixmedins_code text NOT NULL,
  status text NOT NULL,
  grouped_points_1e4 bigint NOT NULL,
  paid_points_1e4 bigint NOT NULL,
  PRIMARY KEY (month, pool, setl_id)
);

CREATE TABLE special_case_reviews (
  setl_id text PRIMARY KEY,
  decision text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  decided_at text NOT NULL,
  note text
);

CREATE TABLE special_case_applications (
  setl_id text PRIMARY KEY,
  fixmedins_code text NOT NULL,
  applied_at text NOT NULL,
  note text
);

-- the national interface's open stays between calls (engine/ledger/schema.ts STAYS_SCHEMA_SQL)
CREATE TABLE national_stays (
  mdtrt_id text PRIMARY KEY,
  seq bigint NOT NULL UNIQUE,
  fixmedins_code text NOT NULL,
  psn_no text NOT NULL,
  insutype text NOT NULL,
  inpatient integer NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'discharged', 'settling', 'settled', 'cancelled')),
  visit_json text NOT NULL,
  setl_id text,
  opened_at text NOT NULL,
  changed_at text NOT NULL
);
CREATE TABLE national_stay_fees (
  mdtrt_id text NOT NULL REFERENCES national_stays(mdtrt_id),
  feedetl_sn text NOT NULL,
  seq bigint NOT NULL,
  fee_json text NOT NULL,
  PRIMARY KEY (mdtrt_id, feedetl_sn)
);
CREATE TABLE national_envelopes (
  msgid text PRIMARY KEY,
  fixmedins_code text NOT NULL,
  infno text NOT NULL,
  body_hash text NOT NULL,
  answer_json text NOT NULL,
  recorded_at text NOT NULL
);
CREATE TABLE national_setl_lists (
  setl_id text PRIMARY KEY,
  mdtrt_id text NOT NULL,
  fixmedins_code text NOT NULL,
  list_json text NOT NULL,
  dip_json text NOT NULL,
  recorded_at text NOT NULL
);

CREATE TABLE credentials (
  key_id text PRIMARY KEY,
  token_sha256 bytea NOT NULL,
  role text NOT NULL CHECK (role IN ('hospital', 'admin')),
  hospital text,
  label text NOT NULL DEFAULT '',
  created_at text NOT NULL,
  revoked integer NOT NULL DEFAULT 0,
  CHECK ((role = 'hospital') = (hospital IS NOT NULL))
);
`

/** Migration 3: personal account credits and per-capita runs (SPEC §15), 周转金 and stored clearing runs (SPEC §6). */
const V3 = `
CREATE TABLE account_credits (
  psn_no text NOT NULL,
  month text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
  kind text NOT NULL CHECK (kind IN ('in_service', 'retired')),
  credited_at text NOT NULL,
  PRIMARY KEY (psn_no, month)
);
${APPEND_ONLY('account_credits', 'account_credits')}

-- the year's money (engine/ledger/schema.ts CLEARING_SCHEMA_SQL): 周转金 advances, stored annual clearing runs
CREATE TABLE turnover_advances (
  year integer NOT NULL,
  pool text NOT NULL,
  fixmedins_code text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
  prior_payouts_fen bigint NOT NULL,
  issued_at text NOT NULL,
  PRIMARY KEY (year, pool, fixmedins_code)
);
${APPEND_ONLY('turnover_advances', 'turnover_advances')}
CREATE TABLE clearing_runs (
  year integer NOT NULL,
  pool text NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'closed')),
  fund_fen bigint NOT NULL,
  run_at text NOT NULL,
  closed_at text,
  report_json text NOT NULL,
  PRIMARY KEY (year, pool)
);
CREATE TABLE clearing_hospitals (
  year integer NOT NULL,
  pool text NOT NULL,
  fixmedins_code text NOT NULL,
  report_json text NOT NULL,
  PRIMARY KEY (year, pool, fixmedins_code)
);

-- 按人头 per-capita runs (SPEC §15; engine/ledger/percapita-port.ts)
CREATE TABLE per_capita_runs (
  month text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('draft', 'closed')),
  run_at text NOT NULL,
  closed_at text,
  report_json text NOT NULL
);
CREATE TABLE per_capita_institutions (
  month text NOT NULL,
  fixmedins_code text NOT NULL,
  report_json text NOT NULL,
  PRIMARY KEY (month, fixmedins_code)
);
`

/**
 * Migration 4: the partial index of merged stays that month-end finds a month's alliance episodes on
 * (postgres/reports.ts episodeRows; SQLite: sqlite/reports-schema.ts MERGED_STAYS_INDEX_SQL).
 */
const V4 = `
CREATE INDEX settlements_merged_stays ON settlements(month, insutype) WHERE episode_id <> mdtrt_id;
`

/** Migration 5: insured persons beside the ledger (SPEC §11; engine/ledger/persons-port.ts), as in engine/ledger/schema.ts. */
const V5 = `
CREATE TABLE person_versions (
  psn_no text NOT NULL,
  effective_from text NOT NULL,
  record text NOT NULL,
  PRIMARY KEY (psn_no, effective_from)
);
CREATE TABLE person_imports (
  seq bigserial PRIMARY KEY,
  imported_at text NOT NULL,
  source text NOT NULL,
  rows bigint NOT NULL,
  changed bigint NOT NULL
);
`

/** Every migration, by the version it brings the database to. Applied in order, each in its own transaction. */
export const MIGRATIONS: ReadonlyMap<number, string> = new Map([
  [1, V1],
  // 异地就医 (SPEC §13): visitors' rows by insuring region, their accumulators per region and person
  [2, CROSS_REGION_MIGRATION_SQL(int0, APPEND_ONLY)],
  // personal account credits, 周转金 advances, stored annual clearing, per-capita runs (SPEC §15)
  [3, V3],
  // the partial index of merged stays month-end reads alliance episodes on
  [4, V4],
  // insured persons and their imports (SPEC §11)
  [5, V5],
  // the commit as one server-side function: one round trip per commit (issue 15)
  [6, COMMIT_FUNCTION_SQL],
])

/** The table that tells a dipsettle database from any other (created by migration 0, before migration 1). */
export const SCHEMA_TABLE_SQL = `CREATE TABLE dipsettle_schema (
  version integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`
