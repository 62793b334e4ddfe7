// 异地就医 on the PostgreSQL ledger (SPEC §13; tables: schema.ts migration 2), as sqlite/cross-region.ts does on the
// SQLite one: a visitor's row is marked with its insuring region, and its accumulator delta goes to the totals kept
// for that region and person instead of the local ones — inside the commit's and the reversal's transaction, under
// the person's row lock (commit-function.ts: a record's `region`).
import type { PersonYear } from '../../history.js'
import { ACCUM_FIELDS } from '../schema.js'

/** The json column READ_HISTORY_SQL reads beside `years` ($1 psn_no): the person's accumulators per insuring region. */
export const REGION_YEARS_COLUMN = `(SELECT COALESCE(json_agg(a), '[]') FROM (SELECT insuplc_admdvs, year, ${ACCUM_FIELDS.join(', ')}
     FROM cross_region_accumulators WHERE psn_no = $1) a) AS region_years`

export type RegionYearRow = PersonYear & { readonly insuplc_admdvs: string; readonly year: number }

/** The rows of REGION_YEARS_COLUMN as the snapshot keeps them (admdvs → year → totals). */
export function regionYearsOfRows(rows: readonly RegionYearRow[]): Map<string, Map<number, PersonYear>> {
  const out = new Map<string, Map<number, PersonYear>>()
  for (const { insuplc_admdvs, year, ...y } of rows) {
    let years = out.get(insuplc_admdvs)
    if (years === undefined) out.set(insuplc_admdvs, years = new Map())
    years.set(year, y)
  }
  return out
}

/** Migration 2 (schema.ts): the tables, as the SQLite ledger's (ledger/schema.ts CROSS_REGION_SCHEMA_SQL). */
export const CROSS_REGION_MIGRATION_SQL = (int0: (c: string) => string, appendOnly: (table: string, what: string) => string): string => `
CREATE TABLE cross_region_settlements (
  setl_id text PRIMARY KEY REFERENCES settlements(setl_id),
  insuplc_admdvs text NOT NULL
);
CREATE INDEX cross_region_settlements_admdvs ON cross_region_settlements(insuplc_admdvs);
CREATE TABLE cross_region_accumulators (
  insuplc_admdvs text NOT NULL,
  psn_no text NOT NULL,
  year integer NOT NULL,
  ${ACCUM_FIELDS.map(int0).join(',\n  ')},
  PRIMARY KEY (psn_no, insuplc_admdvs, year)
);
${appendOnly('cross_region_settlements', 'cross_region_settlements')}
`
