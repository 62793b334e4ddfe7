// `ledger verify`: recompute every person-year accumulator from the settlements table alone — from each row's
// setlinfo and stay columns, not from the stored accumulators nor the row's own delta columns — and compare.
// Reversal rows are stored negated, so a plain sum over all rows nets a reversed settlement out.
//
// How a row adds to the person's year (SPEC §3 step 10, §9 money rules):
//   admissions        a stay that opens its episode (episode_id = mdtrt_id); alliance-merged stays count once
//   hifp_paid_fen     inpatient hifp_pay (统筹, against the annual cap)
//   serious_base_fen  inpatient in-scope amount the basic fund did not pay: inscp_scp_amt − hifp_pay (大病 base)
//   serious_paid_fen  hifmi_pay + hifob_pay (居民大病 / 职工大额)
//   maf_paid_fen      maf_pay (医疗救助)
//   acct_paid_fen     acct_pay (个人账户)
//   op_dedc_fen       outpatient act_pay_dedc (门诊统筹: not med_type 14)
//   op_hifp_paid_fen  outpatient hifp_pay (not med_type 14)
//   chronic_dedc_fen, chronic_hifp_paid_fen   the same of 门诊慢特病 (med_type 14)
// Two kinds of difference are reported: an accumulator row that disagrees with the recomputed sum (field = the
// accumulator column), and a settlement whose recorded delta columns disagree with what its setlinfo implies
// (field = `<column> of <setl_id>`).
import type { Database } from 'better-sqlite3'
import { ACCUM_FIELDS } from '../schema.js'
import type { AccumField } from '../schema.js'
import type { LedgerDifference } from '../port.js'
import { hasCrossRegionTables, verifyRegionAccumulators } from './cross-region.js'

const SIGN = `(CASE kind WHEN 'reversal' THEN -1 ELSE 1 END)`

/** SQL expression of each accumulator field as implied by one settlements row. */
export const DERIVED_ACCUM_SQL: Readonly<Record<AccumField, string>> = {
  admissions: `(CASE WHEN episode_id IS NOT NULL AND episode_id = mdtrt_id THEN ${SIGN} ELSE 0 END)`,
  hifp_paid_fen: `(CASE WHEN inpatient = 1 THEN hifp_pay_fen ELSE 0 END)`,
  serious_base_fen: `(CASE WHEN inpatient = 1 THEN inscp_scp_amt_fen - hifp_pay_fen ELSE 0 END)`,
  serious_paid_fen: `(hifmi_pay_fen + hifob_pay_fen)`,
  maf_paid_fen: `maf_pay_fen`,
  acct_paid_fen: `acct_pay_fen`,
  op_dedc_fen: `(CASE WHEN inpatient = 1 OR med_type = '14' THEN 0 ELSE act_pay_dedc_fen END)`,
  op_hifp_paid_fen: `(CASE WHEN inpatient = 1 OR med_type = '14' THEN 0 ELSE hifp_pay_fen END)`,
  chronic_dedc_fen: `(CASE WHEN med_type = '14' THEN act_pay_dedc_fen ELSE 0 END)`,
  chronic_hifp_paid_fen: `(CASE WHEN med_type = '14' THEN hifp_pay_fen ELSE 0 END)`,
}

type Totals = Record<AccumField, number>

export function verifyLedgerDb(db: Database): LedgerDifference[] {
  const diffs: LedgerDifference[] = []
  const recomputed = new Map<string, Totals & { psn_no: string; year: number }>()
  const sums = ACCUM_FIELDS.map((f) => `SUM(${DERIVED_ACCUM_SQL[f]}) AS ${f}`).join(', ')
  // visitors' rows add to the accumulators of their insuring region (SPEC §13), checked apart below
  const local = hasCrossRegionTables(db) ? 'WHERE setl_id NOT IN (SELECT setl_id FROM cross_region_settlements)' : ''
  for (const r of db.prepare(`SELECT psn_no, year, ${sums} FROM settlements ${local} GROUP BY psn_no, year`).iterate()) {
    const row = r as Totals & { psn_no: string; year: number }
    recomputed.set(`${row.psn_no}\u0000${row.year}`, row)
  }
  const seen = new Set<string>()
  for (const r of db.prepare(`SELECT psn_no, year, ${ACCUM_FIELDS.join(', ')} FROM accumulators ORDER BY psn_no, year`).iterate()) {
    const stored = r as Totals & { psn_no: string; year: number }
    const key = `${stored.psn_no}\u0000${stored.year}`
    seen.add(key)
    const re = recomputed.get(key)
    for (const f of ACCUM_FIELDS) {
      const want = re?.[f] ?? 0
      if (stored[f] !== want) diffs.push({ psn_no: stored.psn_no, year: stored.year, field: f, stored: stored[f], recomputed: want })
    }
  }
  for (const [key, re] of recomputed) {
    if (seen.has(key)) continue
    for (const f of ACCUM_FIELDS) {
      if (re[f] !== 0) diffs.push({ psn_no: re.psn_no, year: re.year, field: f, stored: 0, recomputed: re[f] })
    }
  }
  verifyRegionAccumulators(db, DERIVED_ACCUM_SQL, diffs)
  // each row's own delta columns against its setlinfo (an adjudication that recorded the wrong delta)
  const anyDiff = ACCUM_FIELDS.map((f) => `${f} IS NOT ${DERIVED_ACCUM_SQL[f]}`).join(' OR ')
  const cols = ACCUM_FIELDS.map((f) => `${f}, ${DERIVED_ACCUM_SQL[f]} AS derived_${f}`).join(', ')
  for (const r of db.prepare(`SELECT setl_id, psn_no, year, ${cols} FROM settlements WHERE ${anyDiff} ORDER BY seq`).iterate()) {
    rowDeltaDifferences(r as Record<string, number | string>, diffs)
  }
  return diffs
}

/**
 * A settlements row read with its delta columns and their derivations (`derived_<field>`, DERIVED_ACCUM_SQL): each
 * delta that disagrees, as `<field> of <setl_id>`. Both backends' verify read such rows.
 */
export function rowDeltaDifferences(row: Readonly<Record<string, number | string>>, into: LedgerDifference[]): void {
  for (const f of ACCUM_FIELDS) {
    if (row[f] !== row[`derived_${f}`]) {
      into.push({
        psn_no: String(row['psn_no']), year: Number(row['year']), field: `${f} of ${String(row['setl_id'])}`,
        stored: Number(row[f]), recomputed: Number(row[`derived_${f}`]),
      })
    }
  }
}

export function formatDifference(d: LedgerDifference): string {
  return `difference: psn_no ${d.psn_no} year ${d.year} ${d.field}: stored ${d.stored}, recomputed ${d.recomputed}`
}
