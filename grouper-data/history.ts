// Derive DIP groups (and hospital-level coefficients) from a case history — SPEC §2 "Score formula":
//
//   group average  a_g = Σ_y w_y · mean_y(g) / Σ_{y present} w_y      over the three years before the target year,
//                        w = 1 : 2 : 7 (oldest → newest). A group with no cases in some year has that year's weight
//                        dropped and the remaining weights re-normalised (a group seen only last year is its
//                        last-year mean, not 7/10 of it).
//   core or not    a group needs ≥ policy.dip.min_cases cases (over the three years) to be core; the cases of a
//                  smaller group fall into the composite group `<3-char category>:<kind>` of its procedures' highest
//                  kind (SS > ZLXCZ > ZDXCZ > BSZL, as grouping does). Composite groups have no minimum: they are the
//                  catch-all.
//   region average A = the same year-weighted mean over every case of the window (all groups).
//   score          s_g = a_g ÷ A × scale, from the 6-decimal averages (so the builder's check, which recomputes the
//                  score from the CSV's 6-decimal costs, holds to 1e-6).
//   level coefficient (when hospitals give none)
//                  k_L = Σ_g n_{L,g} · a_{L,g} ÷ Σ_g n_{L,g} · a_g   over the groups level L treats (n_{L,g} > 0):
//                  the level's own average cost of its groups against the region average of the same groups, weighted
//                  by the level's case mix. a_{L,g} is year-weighted like a_g.
//
// Pure: rows in, rows out (in the dip-groups.csv shape of SPEC §9). All money exact: fen in, micro-yuan averages
// rounded once (half away from zero).
import type { CompositeKind, HospitalLevel, ProcedureKind } from '../engine/tables/types.js'
import { compositeKindOf } from '../engine/grouping/composite.js'
import { categoryOf, subcategoryOf } from '../engine/grouping/subcategory.js'
import { divRoundHalfAwayBig, parseYuan, ratioToPpm } from '../engine/money.js'
import { dayNumber } from '../engine/claim.js'
import type { Policy } from '../engine/policy/types.js'
import { parseCsv, type CsvTable } from './csv-file.js'
import type { CharlsonCondition } from '../engine/tables/types.js'
import { deriveGroupAuxCoefficients, type AuxHistoryCase, type DerivedAuxCoefficient } from './aux-history.js'

/** Year weights oldest → newest over the three prior years (SPEC §2: 1:2:7). */
export const YEAR_WEIGHTS: readonly [number, number, number] = [1, 2, 7]

export interface HistoryCase {
  /** The case's group as the catalogue writes it; when absent it is made from main_dx + procedures. */
  readonly group_code?: string
  readonly main_dx?: string
  /** Counting procedures, main first. */
  readonly procedures?: readonly string[]
  readonly year: number
  readonly cost_fen: number
  readonly ipt_days?: number
  readonly level?: HospitalLevel
  /** 辅助目录 facts (optional columns other_dx_codes, begndate, brdy): secondary diagnoses, admission, birth date. */
  readonly other_dx?: readonly string[]
  readonly begndate?: string
  readonly brdy?: string
}

export interface DeriveOptions {
  /** The year the groups are for; the window is the three years before it. Default: newest year in the rows + 1. */
  readonly targetYear?: number
  readonly minCases: number
  readonly scale: number
  /** Procedure kinds for the composite fallback (a code without a kind does not raise the rank). */
  readonly procedureKinds: ReadonlyMap<string, ProcedureKind>
  readonly yearWeights?: readonly [number, number, number]
  /** Derive 辅助目录 coefficients too (grouper-data/aux-history.ts): the policy and the Charlson conditions. */
  readonly auxiliary?: { readonly policy: Policy; readonly charlson: readonly CharlsonCondition[] }
  /**
   * The region average to score against, yuan (the policy's `dip.region_avg_cost_yuan`, what the bureau publishes).
   * Default: the one derived from the history. Either way the derived one is reported.
   */
  readonly regionAvgCostYuan?: number
}

/** One derived group, in the dip-groups.csv columns (SPEC §9). */
export interface DerivedGroup {
  readonly group_code: string
  readonly kind: 'core' | 'composite'
  readonly main_dx_code: string
  readonly main_op_code: string
  readonly other_op_codes: readonly string[]
  readonly avg_cost_yuan: number
  readonly cases: number
  readonly avg_ipt_days: number
  readonly score: number
}

export interface DerivedHistory {
  readonly groups: readonly DerivedGroup[]
  readonly region_avg_cost_yuan: number
  readonly level_coefficients: Partial<Record<'1' | '2' | '3', number>>
  readonly target_year: number
  /** Core-candidate groups that fell into a composite group for having too few cases. */
  readonly folded: readonly { readonly from: string; readonly into: string; readonly cases: number }[]
  /** 辅助目录 coefficients derived per core group and type (only when DeriveOptions.auxiliary is given). */
  readonly aux_coefficients?: readonly DerivedAuxCoefficient[]
}

interface Parsed { dx: string; mainOp: string; otherOps: string[]; composite: CompositeKind | null }

/** `<亚目>[:<main op>[_<op>+<op>…]]` or `<category>:<kind>` → its parts (upper-case). */
export function parseGroupCode(code: string): Parsed {
  const [dx = '', ops = ''] = code.toUpperCase().split(':')
  if (ops === 'SS' || ops === 'ZLXCZ' || ops === 'ZDXCZ' || ops === 'BSZL') return { dx, mainOp: '', otherOps: [], composite: ops }
  const [mainOp = '', others = ''] = ops.split('_')
  return { dx, mainOp, otherOps: others === '' ? [] : others.split('+'), composite: null }
}

/** The group code a case forms from its dx and procedures: other ops sorted so that order never makes a new group. */
export function groupCodeOf(dx: string, procedures: readonly string[]): string {
  const sub = subcategoryOf(dx)
  const [main, ...others] = procedures.map((p) => p.toUpperCase())
  if (main === undefined) return sub
  const rest = [...new Set(others)].filter((p) => p !== main).sort()
  return rest.length === 0 ? `${sub}:${main}` : `${sub}:${main}_${rest.join('+')}`
}

/** Year-weighted mean cost in micro-yuan (fen × 1e4), rounded once; null when no case is in the window. */
function weightedMeanMicroYuan(cases: readonly HistoryCase[], window: readonly number[], weights: readonly number[]): bigint | null {
  // Σ_y w_y · sum_y / n_y ÷ Σ w_y, as one fraction num/den
  let num = 0n
  let den = 1n
  let w = 0n
  window.forEach((year, i) => {
    const inYear = cases.filter((c) => c.year === year)
    if (inYear.length === 0) return
    const wy = BigInt(ratioToPpm(weights[i] as number))
    const sum = inYear.reduce((s, c) => s + BigInt(c.cost_fen), 0n)
    const n = BigInt(inYear.length)
    num = num * n + wy * sum * den
    den = den * n
    w += wy
  })
  if (w === 0n) return null
  return divRoundHalfAwayBig(num * 10_000n, den * w)
}

function weightedMeanDays(cases: readonly HistoryCase[], window: readonly number[], weights: readonly number[]): number {
  let acc = 0
  let w = 0
  window.forEach((year, i) => {
    const days = cases.filter((c) => c.year === year && c.ipt_days !== undefined).map((c) => c.ipt_days as number)
    if (days.length === 0) return
    acc += (weights[i] as number) * days.reduce((a, b) => a + b, 0) / days.length
    w += weights[i] as number
  })
  return w === 0 ? 0 : Math.round((acc / w) * 1e6) / 1e6
}

export function deriveGroupsFromHistory(rows: readonly HistoryCase[], opts: DeriveOptions): DerivedHistory {
  const weights = opts.yearWeights ?? YEAR_WEIGHTS
  const target = opts.targetYear ?? Math.max(...rows.map((r) => r.year)) + 1
  const window = [target - 3, target - 2, target - 1]
  const inWindow = rows.filter((r) => window.includes(r.year))

  // 1. each case's own group
  const byGroup = new Map<string, { parsed: Parsed; code: string; cases: HistoryCase[] }>()
  for (const r of inWindow) {
    const code = r.group_code ?? groupCodeOf(r.main_dx ?? '', r.procedures ?? [])
    const key = code.toUpperCase()
    const g = byGroup.get(key)
    if (g) g.cases.push(r)
    else byGroup.set(key, { parsed: parseGroupCode(code), code, cases: [r] })
  }

  // 2. too few cases → the category's composite group of the procedures' highest kind
  const finalGroups = new Map<string, { parsed: Parsed; code: string; cases: HistoryCase[] }>()
  const folded: { from: string; into: string; cases: number }[] = []
  const add = (key: string, parsed: Parsed, code: string, cases: HistoryCase[]): void => {
    const g = finalGroups.get(key)
    if (g) g.cases.push(...cases)
    else finalGroups.set(key, { parsed, code, cases: [...cases] })
  }
  for (const [key, g] of byGroup) {
    if (g.parsed.composite !== null || g.cases.length >= opts.minCases) { add(key, g.parsed, g.code, g.cases); continue }
    const ops = [g.parsed.mainOp, ...g.parsed.otherOps].filter((p) => p !== '')
    const kind = compositeKindOf(ops, opts.procedureKinds)
    const category = categoryOf(g.parsed.dx)
    const into = `${category}:${kind}`
    folded.push({ from: g.code, into, cases: g.cases.length })
    add(into, { dx: category, mainOp: '', otherOps: [], composite: kind }, into, g.cases)
  }

  // 3. region average and scores
  const regionMicro = weightedMeanMicroYuan(inWindow, window, weights)
  if (regionMicro === null || regionMicro <= 0n) throw new Error('deriveGroupsFromHistory: no case with a cost in the three years before the target year')
  const scalePpm = BigInt(ratioToPpm(opts.scale))
  const scoreAgainst = opts.regionAvgCostYuan !== undefined ? BigInt(Math.round(opts.regionAvgCostYuan * 1e6)) : regionMicro
  const groupAvg = new Map<string, bigint>()
  const groups: DerivedGroup[] = []
  for (const [key, g] of [...finalGroups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const avg = weightedMeanMicroYuan(g.cases, window, weights) as bigint
    groupAvg.set(key, avg)
    groups.push({
      group_code: g.code,
      kind: g.parsed.composite !== null ? 'composite' : 'core',
      main_dx_code: g.parsed.dx,
      main_op_code: g.parsed.mainOp,
      other_op_codes: g.parsed.otherOps,
      avg_cost_yuan: Number(avg) / 1e6,
      cases: g.cases.length,
      avg_ipt_days: weightedMeanDays(g.cases, window, weights),
      // s = a / A × scale, in 1e-6 units: a_micro × scale_ppm / A_micro
      score: Number(divRoundHalfAwayBig(avg * scalePpm, scoreAgainst)) / 1e6,
    })
  }

  // 4. hospital-level coefficients: Σ n_{L,g} a_{L,g} ÷ Σ n_{L,g} a_g
  const level_coefficients: Partial<Record<'1' | '2' | '3', number>> = {}
  for (const level of [1, 2, 3] as const) {
    let own = 0n
    let region = 0n
    for (const [key, g] of finalGroups) {
      const atLevel = g.cases.filter((c) => c.level === level)
      if (atLevel.length === 0) continue
      const n = BigInt(atLevel.length)
      own += n * (weightedMeanMicroYuan(atLevel, window, weights) as bigint)
      region += n * (groupAvg.get(key) as bigint)
    }
    if (region > 0n) level_coefficients[String(level) as '1' | '2' | '3'] = Number(divRoundHalfAwayBig(own * 1_000_000n, region)) / 1e6
  }

  // 5. 辅助目录 coefficients of the core groups: type mean ÷ group mean, like the scores
  let aux_coefficients: DerivedAuxCoefficient[] | undefined
  if (opts.auxiliary !== undefined) {
    const { policy, charlson } = opts.auxiliary
    aux_coefficients = []
    for (const [key, g] of [...finalGroups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (g.parsed.composite !== null) continue
      const facts = (c: HistoryCase): AuxHistoryCase => ({
        mainDx: (c.main_dx ?? g.parsed.dx).toUpperCase(), otherDx: (c.other_dx ?? []).map((x) => x.toUpperCase()),
        procedures: (c.procedures ?? [g.parsed.mainOp, ...g.parsed.otherOps].filter((p) => p !== '')).map((x) => x.toUpperCase()),
        begndate: c.begndate ?? null, brdy: c.brdy ?? null,
      })
      aux_coefficients.push(...deriveGroupAuxCoefficients(g.code, g.cases, facts, groupAvg.get(key) as bigint,
        (subset) => weightedMeanMicroYuan(subset, window, weights), policy, charlson))
    }
  }

  return {
    groups, region_avg_cost_yuan: Number(regionMicro) / 1e6, level_coefficients, target_year: target, folded,
    ...(aux_coefficients !== undefined ? { aux_coefficients } : {}),
  }
}

// ------------------------------------------------------------------------------------------------ case-history.csv

/**
 * The builder's hook (grouper-data/build.ts): when a sources directory has `case-history.csv`, its DIP groups are
 * derived from it INSTEAD of dip-groups.csv (two catalogues with different region averages cannot be mixed). Columns:
 * `group_code` — or `main_dx_code` with `main_op_code` and `other_op_codes` (comma-separated) —, `year`, `cost_yuan`,
 * optional `ipt_days` and `level` (1/2/3), and for the 辅助目录 coefficients optional `other_dx_codes` (comma-separated
 * secondary diagnoses), `begndate` and `brdy` (admission and birth dates). Scores are taken against the policy's `dip.region_avg_cost_yuan`, with its
 * `scale` and `min_cases`; the target year is the newest year in the file + 1.
 */
export const CASE_HISTORY_FILE = 'case-history.csv'

/** Read case-history text into derived groups, as a table in the dip-groups.csv columns (with `score`). */
export function dipGroupsTableFromCaseHistory(
  text: string, policy: Policy, procedureKinds: ReadonlyMap<string, ProcedureKind>, problem: (message: string) => void,
  auxiliary?: { readonly charlson: readonly CharlsonCondition[]; readonly derived: (d: DerivedHistory) => void },
): CsvTable | null {
  const at = (row: number, col: string, what: string): void => problem(`${CASE_HISTORY_FILE}:${row}:${col}: ${what}`)
  let t: CsvTable
  try {
    t = parseCsv(text)
  } catch (e) {
    problem(`${CASE_HISTORY_FILE}: not valid CSV: ${(e as Error).message}`)
    return null
  }
  const needed = ['year', 'cost_yuan']
  if (!t.columns.includes('group_code') && !t.columns.includes('main_dx_code')) needed.push('group_code')
  const missing = needed.filter((c) => !t.columns.includes(c))
  for (const c of missing) at(1, c, 'missing column')
  if (missing.length > 0) return null
  const cases: HistoryCase[] = []
  let bad = 0
  for (const { row, values: v } of t.records) {
    const year = Number(v.year)
    const cost = parseYuan(v.cost_yuan === '' || v.cost_yuan === undefined ? NaN : Number(v.cost_yuan))
    const level = v.level ?? ''
    const days = v.ipt_days ?? ''
    const groupCode = v.group_code ?? ''
    const dx = v.main_dx_code ?? ''
    let ok = true
    if (!Number.isInteger(year) || year < 1900 || year > 2999) { at(row, 'year', `not a year "${v.year ?? ''}"`); ok = false }
    if (!cost.ok) { at(row, 'cost_yuan', `not a cost in yuan (${cost.problem}) "${v.cost_yuan ?? ''}"`); ok = false }
    if (level !== '' && !['1', '2', '3'].includes(level)) { at(row, 'level', `not a hospital level 1/2/3 "${level}"`); ok = false }
    if (days !== '' && !(Number(days) >= 0)) { at(row, 'ipt_days', `not a number of days "${days}"`); ok = false }
    if (groupCode === '' && dx === '') { at(row, 'group_code', 'neither group_code nor main_dx_code given'); ok = false }
    const begndate = v.begndate ?? ''
    const brdy = v.brdy ?? ''
    if (begndate !== '' && dayNumber(begndate) === null) { at(row, 'begndate', `not a date YYYY-MM-DD "${begndate}"`); ok = false }
    if (brdy !== '' && dayNumber(brdy) === null) { at(row, 'brdy', `not a date YYYY-MM-DD "${brdy}"`); ok = false }
    const otherDx = (v.other_dx_codes ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '')
    if (!ok || !cost.ok) { bad++; continue }
    const procedures = [v.main_op_code ?? '', ...(v.other_op_codes ?? '').split(',')].map((x) => x.trim()).filter((x) => x !== '')
    cases.push({
      ...(groupCode !== '' ? { group_code: groupCode } : { main_dx: dx, procedures }),
      year, cost_fen: cost.fen,
      ...(days !== '' ? { ipt_days: Number(days) } : {}),
      ...(level !== '' ? { level: Number(level) as HospitalLevel } : {}),
      ...(otherDx.length > 0 ? { other_dx: otherDx } : {}),
      ...(begndate !== '' ? { begndate } : {}),
      ...(brdy !== '' ? { brdy } : {}),
    })
  }
  if (bad > 0 || cases.length === 0) {
    if (cases.length === 0 && bad === 0) problem(`${CASE_HISTORY_FILE}: no case`)
    return null
  }
  const derived = deriveGroupsFromHistory(cases, {
    minCases: policy.dip.min_cases, scale: policy.dip.scale, procedureKinds, regionAvgCostYuan: policy.dip.region_avg_cost_yuan,
    ...(auxiliary !== undefined && policy.dip.auxiliary !== undefined ? { auxiliary: { policy, charlson: auxiliary.charlson } } : {}),
  })
  auxiliary?.derived(derived)
  const columns = ['group_code', 'kind', 'main_dx_code', 'main_op_code', 'other_op_codes', 'avg_cost_yuan', 'cases', 'avg_ipt_days', 'score']
  return {
    columns,
    // row numbers count the derived rows as if they were a dip-groups.csv (header = row 1)
    records: derived.groups.map((g, i) => ({
      row: i + 2,
      values: {
        group_code: g.group_code, kind: g.kind, main_dx_code: g.main_dx_code, main_op_code: g.main_op_code,
        other_op_codes: g.other_op_codes.join(','), avg_cost_yuan: String(g.avg_cost_yuan), cases: String(g.cases),
        avg_ipt_days: String(g.avg_ipt_days), score: String(g.score),
      },
    })),
  }
}
