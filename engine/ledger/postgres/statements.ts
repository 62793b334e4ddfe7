// The SQL of the PostgreSQL ledger's reads and writes (schema: schema.ts). Rows are positional in the record codec's
// SETTLEMENT_COLUMNS order (codec.ts), the same order both backends write.
import { SETTLEMENT_COLUMNS } from '../codec.js'
import { ACCUM_FIELDS } from '../schema.js'
import { REGION_YEARS_COLUMN } from './cross-region.js'

/** INSERT of a whole settlements row ($1 … $n in SETTLEMENT_COLUMNS order): bench/pg-drivers.ts's transaction. */
export const INSERT_SETTLEMENT_SQL = `INSERT INTO settlements (${SETTLEMENT_COLUMNS.join(', ')})
  VALUES (${SETTLEMENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`

/** Add a person-year delta: $1 psn_no, $2 year, then ACCUM_FIELDS in order (bench/pg-drivers.ts). */
export const ADD_ACCUM_SQL = `INSERT INTO accumulators (psn_no, year, ${ACCUM_FIELDS.join(', ')})
  VALUES ($1, $2, ${ACCUM_FIELDS.map((_, i) => `$${i + 3}`).join(', ')})
  ON CONFLICT (psn_no, year) DO UPDATE SET ${ACCUM_FIELDS.map((c) => `${c} = accumulators.${c} + excluded.${c}`).join(', ')}`

/** Live settlements: settlements (not reversals) that no reversal names. */
export const LIVE = `s.kind = 'settlement' AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id)`

/**
 * $1 psn_no, $2 msgid (null: none), $3 the scope's sinceDay and $4 its mdtrt_ids (history.ts HistoryScope; $3 null:
 * every live stay, as SQLite's liveStays / liveStaysInScope) → one row, one snapshot: the person's version (0 when they have no row yet),
 * years (json: accumulator rows), stays (json: live stays with their own deductible and seq), visits (json: live
 * outpatient settlements that ended on or after $3, SQLite's liveVisitsSince), and the msgid's first
 * answer (prior_hash, prior_json, prior_lines; null when unseen).
 */
export const READ_HISTORY_SQL = `SELECT
  COALESCE((SELECT version FROM ledger_persons WHERE psn_no = $1), 0) AS version,
  (SELECT COALESCE(json_agg(a), '[]') FROM (SELECT year, ${ACCUM_FIELDS.join(', ')} FROM accumulators WHERE psn_no = $1) a) AS years,
  (SELECT COALESCE(json_agg(st), '[]') FROM (
     SELECT s.seq, s.mdtrt_id, s.setl_id, s.psn_no, s.fixmedins_code, s.alliance_id, s.level, s.begn_day, s.end_day,
            s.episode_id, s.episode_n, s.episode_dedc_fen, s.dx_category, s.year, s.act_pay_dedc_fen
       FROM settlements s WHERE s.psn_no = $1 AND s.episode_id IS NOT NULL AND ${LIVE}
        AND ($3::int IS NULL OR s.end_day >= $3 OR s.mdtrt_id = ANY($4::text[])
          OR s.episode_id IN (SELECT e.episode_id FROM settlements e WHERE e.psn_no = $1 AND e.episode_id IS NOT NULL
            AND e.mdtrt_id = ANY($4::text[])))) st) AS stays,
  (SELECT COALESCE(json_agg(v), '[]') FROM (
     SELECT s.mdtrt_id, s.setl_id, s.fixmedins_code, s.begn_day, s.end_day
       FROM settlements s WHERE s.psn_no = $1 AND s.end_day >= COALESCE($3::int, -2147483648) AND s.inpatient = 0 AND ${LIVE}) v) AS visits,
  ${REGION_YEARS_COLUMN},
  (SELECT COALESCE(SUM(amount_fen), 0) FROM account_credits WHERE psn_no = $1) AS account_credits_fen,
  (SELECT COALESCE(json_agg(json_build_array(pv.effective_from, pv.record) ORDER BY pv.effective_from), '[]')
     FROM person_versions pv WHERE pv.psn_no = $1) AS person_versions,
  p.body_hash AS prior_hash, p.result_json AS prior_json, p.lines AS prior_lines
  FROM (SELECT 1) one
  LEFT JOIN (SELECT s.body_hash, s.result_json, ls.lines FROM settlements s
               LEFT JOIN settlement_line_sets ls USING (setl_id) WHERE s.msgid = $2) p ON true`

/** $1 msgid → body_hash, result_json, lines. */
export const BY_MSGID_SQL = `SELECT s.body_hash, s.result_json, ls.lines FROM settlements s
  LEFT JOIN settlement_line_sets ls USING (setl_id) WHERE s.msgid = $1`

/** $1 setl_id → result_json, lines. */
export const BY_SETL_ID_SQL = `SELECT s.result_json, ls.lines FROM settlements s
  LEFT JOIN settlement_line_sets ls USING (setl_id) WHERE s.setl_id = $1`

export const PERSON_YEAR_SQL = `SELECT ${ACCUM_FIELDS.join(', ')} FROM accumulators WHERE psn_no = $1 AND year = $2`

/**
 * A reversal's reads ($1 the reversed setl_id, $2 the reversal's msgid), in one statement: the msgid's first answer
 * (prior_hash, prior_json, prior_lines), the original row (its columns; setl_id null when there is none) with its line
 * set and insuring region (orig_lines, orig_region), and the reversal that names it already (reversed_by).
 */
export const REVERSAL_READ_SQL = `SELECT p.body_hash AS prior_hash, p.result_json AS prior_json, p.lines AS prior_lines,
  o.*, ls.lines AS orig_lines, cr.insuplc_admdvs AS orig_region,
  (SELECT r.setl_id FROM settlements r WHERE r.reverses = $1) AS reversed_by
  FROM (SELECT 1) one
  LEFT JOIN settlements o ON o.setl_id = $1
  LEFT JOIN settlement_line_sets ls ON ls.setl_id = o.setl_id
  LEFT JOIN cross_region_settlements cr ON cr.setl_id = o.setl_id
  LEFT JOIN (SELECT s.body_hash, s.result_json, l.lines FROM settlements s
               LEFT JOIN settlement_line_sets l USING (setl_id) WHERE s.msgid = $2) p ON true`
