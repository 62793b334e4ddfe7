-- The lookup tables of one region (SPEC §2), built by grouper-data/build.ts from a sources directory and loaded into
-- memory by engine/tables/load.ts. Codes are stored as written in the sources (`code`) and upper-cased (`code_uc`,
-- the lists mix `x` and `X`: every lookup is case-insensitive). Money in fen, ratios in ppm, scores in 1e-6.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- ICD-10 医保版 2.0
CREATE TABLE diagnoses (
  code_uc TEXT PRIMARY KEY,
  code    TEXT NOT NULL,
  name    TEXT NOT NULL
) WITHOUT ROWID;

-- ICD-9-CM-3 医保版 2.0 with the kind used by composite grouping; kind_rule says where the kind came from
CREATE TABLE procedures (
  code_uc   TEXT PRIMARY KEY,
  code      TEXT NOT NULL,
  name      TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('surgery', 'therapeutic', 'diagnostic')),
  kind_rule TEXT NOT NULL
) WITHOUT ROWID;

-- 医保目录: drugs, diagnosis-and-treatment items, consumables
CREATE TABLE catalogue (
  code_uc          TEXT PRIMARY KEY,
  code             TEXT NOT NULL,
  name             TEXT NOT NULL,
  list_type        TEXT NOT NULL,
  chrgitm_lv       TEXT NOT NULL CHECK (chrgitm_lv IN ('01', '02', '03')),
  price_cap_fen    INTEGER,             -- 最高限价; NULL = none
  selfpay_prop_ppm INTEGER,             -- 乙类 先行自付; NULL = the policy default
  min_hosp_lv      INTEGER CHECK (min_hosp_lv IN (1, 2, 3)),
  dx_prefix        TEXT,                -- 限定支付范围 (upper-case); NULL = none
  vbp              INTEGER NOT NULL CHECK (vbp IN (0, 1)),  -- 集采
  ref_price_fen    INTEGER,             -- typical unit price (demo claims; a 集采 item's 集采 price); NULL = not given
  pre_vbp_price_fen INTEGER             -- 集采 item: the unit price before 集采 (the saving's reference); NULL = not given
) WITHOUT ROWID;

-- DIP catalogue (病种分值目录)
CREATE TABLE dip_groups (
  group_code     TEXT PRIMARY KEY,      -- as written in the catalogue
  kind           TEXT NOT NULL CHECK (kind IN ('core', 'composite', 'primary', 'per_diem')),
  main_dx        TEXT NOT NULL,         -- upper-case 亚目 (core) or 3-char category (composite)
  main_op        TEXT,                  -- upper-case; NULL for a dx-only group
  other_ops      TEXT NOT NULL,         -- upper-case, comma-separated; '' when none
  composite_kind TEXT CHECK (composite_kind IN ('SS', 'ZLXCZ', 'ZDXCZ', 'BSZL')),
  avg_cost_yuan  REAL NOT NULL,         -- as given (6 decimals)
  avg_cost_fen   INTEGER NOT NULL,      -- rounded to the fen: money shown, never the c / a of points
  cases          INTEGER NOT NULL,
  avg_ipt_days   REAL NOT NULL,
  score_micro    INTEGER NOT NULL,      -- score × 1e6, given (checked) or computed
  score_given    INTEGER NOT NULL CHECK (score_given IN (0, 1)),
  name           TEXT NOT NULL,
  avg_cost_micro INTEGER NOT NULL       -- micro-yuan, exactly the 6 decimals given: what c / a divides by (SPEC §5)
) WITHOUT ROWID;

-- 定点医疗机构
CREATE TABLE hospitals (
  fixmedins_code        TEXT PRIMARY KEY,
  name                  TEXT NOT NULL,
  city                  TEXT NOT NULL,
  level                 INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
  alliance_id           TEXT,           -- 医共体; NULL = none
  alliance_lead         INTEGER NOT NULL CHECK (alliance_lead IN (0, 1)),
  dip_coefficient_micro INTEGER NOT NULL,
  tcm                   INTEGER NOT NULL CHECK (tcm IN (0, 1))
) WITHOUT ROWID;

-- 参保人: one whole record per person (engine/persons/codec.ts: the Person type as JSON), read on demand by psn_no
CREATE TABLE persons (
  psn_no TEXT PRIMARY KEY,
  record TEXT NOT NULL
) WITHOUT ROWID;

-- 辅助目录 (SPEC §5): the Charlson conditions of the secondary diagnoses (grouper-data/auxiliary/charlson-quan-2005.csv
-- or the region's charlson.csv); icd10_prefixes upper-case, space-separated
CREATE TABLE charlson_conditions (
  condition      TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  weight         INTEGER NOT NULL CHECK (weight BETWEEN 0 AND 100),
  icd10_prefixes TEXT NOT NULL,
  supersedes     TEXT                 -- the condition this one replaces when both are present; NULL = none
) WITHOUT ROWID;

-- 辅助目录 type coefficients derived from the case history (type mean ÷ group mean, SPEC §5); a type without a row
-- here takes the policy's coefficient
CREATE TABLE aux_coefficients (
  group_code TEXT NOT NULL,             -- upper-case
  type       TEXT NOT NULL,             -- cci:<min> | tumour:<kind> | age:<bound>=<n>
  coef_micro INTEGER NOT NULL,
  cases      INTEGER NOT NULL,
  PRIMARY KEY (group_code, type)
) WITHOUT ROWID;

-- The loader's fast path: each table above as one JSON text of columns (engine/tables/packed.ts), written from the
-- rows of the SQL tables in the same transaction.
CREATE TABLE packed (
  name TEXT PRIMARY KEY,
  json TEXT NOT NULL
) WITHOUT ROWID;
