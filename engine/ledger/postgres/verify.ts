// `ledger verify` on PostgreSQL: ledger/verify.ts's recomputation (every person-year accumulator from the settlements
// alone, and each row's own delta columns against its setlinfo), with the same derived expressions
// (DERIVED_ACCUM_SQL) so both backends judge a row alike. Sums are cast back to bigint (SUM of bigint is numeric).
import type pg from 'pg'
import { ACCUM_FIELDS } from '../schema.js'
import type { AccumField } from '../schema.js'
import type { LedgerDifference } from '../port.js'
import { DERIVED_ACCUM_SQL, rowDeltaDifferences } from '../sqlite/verify.js'

type Totals = Record<AccumField, number> & { psn_no: string; year: number }

export async function verifyPg(q: pg.Pool | pg.ClientBase): Promise<LedgerDifference[]> {
  const diffs: LedgerDifference[] = []
  const sums = ACCUM_FIELDS.map((f) => `SUM(${DERIVED_ACCUM_SQL[f]})::bigint AS ${f}`).join(', ')
  const fields = ACCUM_FIELDS.join(', ')
  // stored and recomputed side by side: a person-year missing on either side counts as zeros there
  const r = await q.query<{ psn_no: string; year: number; stored: Totals | null; re: Totals | null }>(`
    WITH re AS (SELECT psn_no, year, ${sums} FROM settlements
                 WHERE setl_id NOT IN (SELECT setl_id FROM cross_region_settlements) GROUP BY psn_no, year),
         st AS (SELECT psn_no, year, ${fields} FROM accumulators)
    SELECT COALESCE(st.psn_no, re.psn_no) AS psn_no, COALESCE(st.year, re.year) AS year,
           to_json(st) AS stored, to_json(re) AS re
      FROM st FULL JOIN re ON st.psn_no = re.psn_no AND st.year = re.year
     ORDER BY 1, 2`)
  for (const row of r.rows) {
    for (const f of ACCUM_FIELDS) {
      const stored = row.stored?.[f] ?? 0
      const want = row.re?.[f] ?? 0
      if (stored !== want) diffs.push({ psn_no: row.psn_no, year: row.year, field: f, stored, recomputed: want })
    }
  }
  // 异地就医 (SPEC §13): visitors' rows against the accumulators of their insuring region
  const rr = await q.query<{ psn_no: string; year: number; admdvs: string; stored: Totals | null; re: Totals | null }>(`
    WITH re AS (SELECT c.insuplc_admdvs, psn_no, year, ${sums} FROM settlements JOIN cross_region_settlements c USING (setl_id)
                 GROUP BY c.insuplc_admdvs, psn_no, year),
         st AS (SELECT insuplc_admdvs, psn_no, year, ${fields} FROM cross_region_accumulators)
    SELECT COALESCE(st.psn_no, re.psn_no) AS psn_no, COALESCE(st.year, re.year) AS year,
           COALESCE(st.insuplc_admdvs, re.insuplc_admdvs) AS admdvs, to_json(st) AS stored, to_json(re) AS re
      FROM st FULL JOIN re ON st.psn_no = re.psn_no AND st.year = re.year AND st.insuplc_admdvs = re.insuplc_admdvs
     ORDER BY 1, 3, 2`)
  for (const row of rr.rows) {
    for (const f of ACCUM_FIELDS) {
      const stored = row.stored?.[f] ?? 0
      const want = row.re?.[f] ?? 0
      if (stored !== want) diffs.push({ psn_no: row.psn_no, year: row.year, field: `${f} (insuplc_admdvs ${row.admdvs})`, stored, recomputed: want })
    }
  }
  const anyDiff = ACCUM_FIELDS.map((f) => `${f} IS DISTINCT FROM ${DERIVED_ACCUM_SQL[f]}`).join(' OR ')
  const cols = ACCUM_FIELDS.map((f) => `${f}, (${DERIVED_ACCUM_SQL[f]})::bigint AS derived_${f}`).join(', ')
  const rows = await q.query<Record<string, number | string>>(
    `SELECT setl_id, psn_no, year, ${cols} FROM settlements WHERE ${anyDiff} ORDER BY seq`)
  for (const row of rows.rows) rowDeltaDifferences(row, diffs)
  return diffs
}
