// The loader's fast path: each table is also stored as one JSON text of columns (`packed` table), because parsing one
// JSON document is several times faster than stepping SQLite rows into JS. Low-cardinality strings (city, kinds,
// levels) are dictionary-encoded so that every row shares one string. Persons are not packed: they are read on demand.
// The SQL tables stay the canonical, queryable form; the builder writes both from the same rows in one transaction.

import { createHash } from 'node:crypto'

/**
 * The tables file's format, stored as meta `builder_version`: the loader refuses a file of another version (rebuild
 * it with `dipsettle data build`). 3: meta `packed_sha256` holds the sha256 of every packed blob. 5: persons are one JSON record each (engine/persons/codec.ts),
 * read on demand, not packed.
 */
export const TABLES_FORMAT_VERSION = '5'

/** sha256 (hex) of a packed blob's JSON text, stored at build time (meta `packed_sha256`) and checked on every load. */
export function packedChecksum(json: string): string {
  return createHash('sha256').update(json, 'utf8').digest('hex')
}

/** Column order of each packed table, shared by the builder (writer) and the loader (reader). */
export const PACKED_COLUMNS = {
  diagnoses: ['code_uc'],
  procedures: ['code_uc', 'kind'],
  catalogue: ['code_uc', 'name', 'list_type', 'chrgitm_lv', 'price_cap_fen', 'selfpay_prop_ppm', 'min_hosp_lv', 'dx_prefix', 'vbp',
    'ref_price_fen', 'pre_vbp_price_fen'],
  dip_groups: ['group_code', 'kind', 'main_dx', 'main_op', 'other_ops', 'composite_kind', 'avg_cost_fen', 'cases', 'avg_ipt_days',
    'score_micro', 'avg_cost_micro'],
  hospitals: ['fixmedins_code', 'name', 'city', 'level', 'alliance_id', 'alliance_lead', 'dip_coefficient_micro', 'tcm'],
  charlson_conditions: ['condition', 'name', 'weight', 'icd10_prefixes', 'supersedes'],
  aux_coefficients: ['group_code', 'type', 'coef_micro', 'cases'],
} as const

export type PackedTable = keyof typeof PACKED_COLUMNS

/** A column is either plain values or a dictionary and one index per row. */
type PackedColumn = unknown[] | { d: unknown[]; i: number[] }

const DICTIONARY_MAX = 256

/** Rows (in PACKED_COLUMNS order) → JSON of columns, dictionary-encoding columns with few distinct values. */
export function packRows(rows: readonly (readonly unknown[])[], width: number): string {
  const cols: PackedColumn[] = []
  for (let c = 0; c < width; c++) {
    const values = rows.map((r) => r[c] ?? null)
    const dict = new Map<unknown, number>()
    for (const v of values) {
      if (!dict.has(v)) dict.set(v, dict.size)
      if (dict.size > DICTIONARY_MAX) break
    }
    cols.push(dict.size <= DICTIONARY_MAX && rows.length > DICTIONARY_MAX
      ? { d: [...dict.keys()], i: values.map((v) => dict.get(v) as number) }
      : values)
  }
  return JSON.stringify({ n: rows.length, cols })
}

/** JSON of columns → one array per column (dictionary columns expanded, sharing their strings). */
export function unpackColumns(json: string): { n: number; cols: unknown[][] } {
  const doc = JSON.parse(json) as { n: number; cols: PackedColumn[] }
  return {
    n: doc.n,
    cols: doc.cols.map((c) => (Array.isArray(c) ? c : c.i.map((k) => c.d[k]))),
  }
}
