// The settlements row's columns in the order a prepared record carries them (ledger/sqlite.ts SETTLEMENT_COLUMNS:
// the prepared row is positional, so this order is a contract between prepareRecord and both backends). Not exported
// there; when the record codec exports it (issue 14), import it from there instead of this copy.
import { ACCUM_FIELDS, SETLINFO_COLUMNS, STAY_COLUMNS } from '../schema.js'

export const SETTLEMENT_COLUMNS: readonly string[] = [
  'setl_id', 'seq', 'msgid', 'body_hash', 'kind', 'reverses', 'fixmedins_code', 'psn_no', 'insutype', 'mdtrt_id',
  'med_type', 'inpatient', 'begndate', 'enddate', 'year', 'month', 'recorded_at', ...SETLINFO_COLUMNS, ...ACCUM_FIELDS,
  'dip_group_code', 'dip_kind', 'dip_points_1e4', 'dip_deviation', 'dip_flags', ...STAY_COLUMNS, 'result_json',
]

export const COL = {
  seq: SETTLEMENT_COLUMNS.indexOf('seq'),
  setl_id: SETTLEMENT_COLUMNS.indexOf('setl_id'),
  recorded_at: SETTLEMENT_COLUMNS.indexOf('recorded_at'),
  result_json: SETTLEMENT_COLUMNS.indexOf('result_json'),
  body_hash: SETTLEMENT_COLUMNS.indexOf('body_hash'),
} as const

/** INSERT of a whole settlements row, positional ($1 … $n in SETTLEMENT_COLUMNS order). */
export const INSERT_SETTLEMENT_SQL = `INSERT INTO settlements (${SETTLEMENT_COLUMNS.join(', ')})
  VALUES (${SETTLEMENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`

/** Add a person-year delta: $1 psn_no, $2 year, then ACCUM_FIELDS in order. */
export const ADD_ACCUM_SQL = `INSERT INTO accumulators (psn_no, year, ${ACCUM_FIELDS.join(', ')})
  VALUES ($1, $2, ${ACCUM_FIELDS.map((_, i) => `$${i + 3}`).join(', ')})
  ON CONFLICT (psn_no, year) DO UPDATE SET ${ACCUM_FIELDS.map((c) => `${c} = accumulators.${c} + excluded.${c}`).join(', ')}`
