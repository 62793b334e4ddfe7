// DIP grouping of one inpatient claim (SPEC §5): 床日 by kind of stay → 亚目 → core match → composite fallback →
// 辅助目录 type → points (incomplete stays, ungroupable cases by the policy's rules) → flags.
// Read top to bottom; each step is its own file. Ungroupable is a result, never an exception.
import type { Claim } from '../claim.js'
import type { AdjudicationContext } from '../adjudicate/types.js'
import type { DipFlagCode } from '../reasons.js'
import { DIP_FLAGS } from '../reasons.js'
import type { DipGroup, Hospital } from '../tables/types.js'
import type { AuxiliaryCandidate, AuxiliaryResult, DipResult, MatchTrace, UngroupableReason } from './types.js'
import { PPM, fenToYuan, pointsToJson, ratioToPpm } from '../money.js'
import { categoryOf, subcategoryOf } from './subcategory.js'
import { compositeKey, groupIndex } from './catalogue-index.js'
import { matchCore } from './core-match.js'
import { compositeKindOf } from './composite.js'
import { FACTOR_ONE, classifyDeviation, costAgainstAverage, incompleteFactor } from './deviation.js'
import { fractionTo6, points1e4 } from './points.js'
import { isLongStay, isLowStandardAdmission, isReadmission, mergedEpisodeOf } from './flags.js'
import { dipLists } from './dip-settings.js'
import { stayDays } from './stay.js'
import { perDiemKindOf, perDiemKinds, type PerDiemKind } from './per-diem.js'
import { typeCase, UNTYPED, type AuxCase, type AuxOutcome, type ResolvedType } from './auxiliary.js'
import { ungroupablePoints } from './ungroupable-points.js'
import { buildTrace, type TraceCandidate } from './trace.js'

export type { AuxiliaryResult, DipResult, Deviation, MatchTrace, UngroupableReason } from './types.js'
export { applyReviewQuota } from './review-quota.js'

export interface GroupOptions {
  readonly trace?: boolean
  /**
   * What the caller already knows of the claim — the hospital; the alliance episode it merged into, or null; the
   * person's birth date (null: none) for the age types — so that grouping neither looks them up nor reads the
   * referral's stay again. Each field left out is looked up here (persons live beside the ledger: a read).
   */
  readonly known?: {
    readonly hospital?: Hospital
    readonly mergedEpisodeId?: string | null
    readonly brdy?: string | null
  }
}

/** The claim's procedures that count for grouping: not matching a `dip.ignored_procedure_prefixes` entry, no repeats. */
function countingProcedures(procedures: readonly string[], ignoredPrefixes: readonly string[]): string[] {
  const ignored = ignoredPrefixes.map((p) => p.toUpperCase())
  const out = new Set<string>()
  for (const raw of procedures) {
    const code = raw.toUpperCase()
    if (!ignored.some((p) => code.startsWith(p))) out.add(code)
  }
  return [...out]
}

/** DIP-group and score one parsed inpatient claim (SPEC §5). Never throws for a claim: ungroupable is a result. */
export function groupClaim(claim: Claim, ctx: AdjudicationContext, opts: GroupOptions = {}): DipResult {
  const { tables, policy } = ctx
  const trace = opts.trace === true
  const subcategory = subcategoryOf(claim.mainDx)
  const category = categoryOf(claim.mainDx)
  const counting = countingProcedures(claim.procedures, policy.dip.ignored_procedure_prefixes)
  const hospital = opts.known?.hospital ?? tables.hospitals.get(claim.hospitalCode)
  const flags = new Set<DipFlagCode>()
  const mergedEpisode = (): string | null =>
    opts.known?.mergedEpisodeId !== undefined ? opts.known.mergedEpisodeId : mergedEpisodeOf(claim, hospital, ctx.history, policy)
  if (category !== '' && isReadmission(claim, category, mergedEpisode, ctx.history, policy)) flags.add('F_READMISSION')
  if (policy.dip.supervision?.death_dscg_ways.includes(claim.dscgWay) === true) flags.add('F_IN_HOSPITAL_DEATH')
  const traceOf = (candidates: readonly TraceCandidate[], rule: string): MatchTrace | undefined =>
    trace ? buildTrace(subcategory, category, counting, candidates, rule) : undefined

  // 床日 by kind of stay comes first: decided by the stay, not by a group, and never ungroupable (SPEC §5)
  const perDiem = perDiemKindOf(claim, perDiemKinds(policy.dip))
  if (perDiem !== null) return perDiemByKind(claim, ctx, perDiem, hospital, flags, traceOf([], `per-diem: kind ${perDiem.kind}`))

  if (category === '') return ungroupable(claim, ctx, 'no_main_diagnosis', flags, traceOf([], 'ungroupable: no main diagnosis'))

  const index = groupIndex(tables)
  const core = matchCore(index.coreByDx.get(subcategory) ?? [], new Set(counting), claim.totalFen, trace)
  let group: DipGroup
  let rule = core.rule
  if (core.chosen !== null) {
    group = core.chosen.group
  } else {
    const kind = compositeKindOf(counting, tables.procedures)
    const composite = index.composite.get(compositeKey(category, kind))
    if (composite === undefined) {
      const why: UngroupableReason = index.categories.has(category) ? 'no_composite_group' : 'no_core_or_composite_group'
      return ungroupable(claim, ctx, why, flags, traceOf(core.candidates, `ungroupable: ${why} (${category}:${kind})`))
    }
    group = composite
    rule = `composite: ${kind}`
  }
  return score(claim, ctx, group, hospital, flags, traceOf(core.candidates, rule), opts.known)
}

/** Hospital coefficient × 1e6 of a case: none for 基层病种, none when the policy switches them off (SPEC §5). */
function coefficientOf(primary: boolean, hospital: Hospital | undefined, dip: AdjudicationContext['policy']['dip']): number {
  return !primary && dip.hospital_coefficients && hospital !== undefined ? hospital.dipCoefficientMicro : PPM
}

function score(
  claim: Claim, ctx: AdjudicationContext, group: DipGroup, hospital: Hospital | undefined, flags: Set<DipFlagCode>,
  trace: MatchTrace | undefined, known: GroupOptions['known'],
): DipResult {
  const dip = ctx.policy.dip
  const lists = dipLists(dip)
  const code = group.groupCode.toUpperCase()
  const perDiemMicro = lists.perDiemMicro.get(code) ?? (group.kind === 'per_diem' ? group.scoreMicro : undefined)
  const primary = group.kind === 'primary' || lists.primary.has(code)
  const days = stayDays(claim)

  // 基层病种 score the same at every level: no hospital coefficient (SPEC §5)
  const coefficientMicro = coefficientOf(primary, hospital, dip)
  // 中蒙医优势病种 at a qualifying hospital (seed 001)
  const bonusMicro = lists.tcm.has(code) && hospital?.tcm === true ? ratioToPpm(dip.tcm_bonus) : PPM
  // 辅助目录: a core case typed by severity, tumour or age; its average is scaled by the type's coefficient
  const aux = dip.auxiliary !== undefined && group.kind === 'core' && !primary && perDiemMicro === undefined
    ? typeCase(auxCase(claim, ctx, known), code, dip.auxiliary, ctx.tables) : UNTYPED
  const auxMicro = aux.chosen?.coefMicro ?? PPM
  const vsAverage = costAgainstAverage(claim.totalFen, group.avgCostMicro, auxMicro)
  // 床日 groups are paid by the day: the cost deviation of a stay against a per-stay average does not apply
  const banded = perDiemMicro !== undefined ? FACTOR_ONE : classifyDeviation(vsAverage, dip)
  // an incomplete stay (death, transfer) earns its normal points × min(1, c / a) instead of the band's factor
  const incomplete = perDiemMicro === undefined && dip.incomplete?.dscg_ways.includes(claim.dscgWay) === true
  const deviation = incomplete ? incompleteFactor(vsAverage, banded.band) : banded
  const baseMicro = perDiemMicro !== undefined ? BigInt(days) * BigInt(perDiemMicro) : BigInt(group.scoreMicro)
  const pts = points1e4({ baseMicro, auxMicro, coefficientMicro, bonusMicro, factorNum: deviation.factorNum, factorDen: deviation.factorDen })

  if (group.avgCostMicro > 0 && isLowStandardAdmission(claim.totalFen, group.avgCostMicro, days, dip)) flags.add('F_LOW_STANDARD_ADMISSION')
  if (isLongStay(days, group.avgIptDays, dip)) flags.add('F_LONG_STAY')
  if (deviation.band === 'review') flags.add('F_REVIEW_CANDIDATE')
  if (incomplete) flags.add('F_INCOMPLETE_STAY')

  return {
    group_code: group.groupCode,
    kind: perDiemMicro !== undefined ? 'per_diem' : primary ? 'primary' : group.kind,
    score: (perDiemMicro ?? group.scoreMicro) / PPM,
    points: pointsToJson(pts),
    points_1e4: pts,
    deviation: deviation.band,
    flags: ordered(flags),
    hospital_coefficient: coefficientMicro / PPM,
    tcm_bonus: bonusMicro / PPM,
    deviation_factor: fractionTo6(deviation.factorNum, deviation.factorDen),
    // the catalogue's published average, 6 decimals (SPEC §5): month-end re-measures deviations on it
    avg_cost_yuan: group.avgCostMicro / PPM,
    total_cost_yuan: fenToYuan(claim.totalFen),
    ...(perDiemMicro !== undefined ? { per_diem_days: days } : {}),
    ...(aux.chosen !== null ? { auxiliary: auxiliaryResult(aux) } : {}),
    ...(incomplete ? { incomplete: true as const } : {}),
    ...(trace !== undefined ? { trace: aux.candidates.length > 0 ? { ...trace, auxiliary: auxiliaryTrace(aux) } : trace } : {}),
  }
}

/** The facts the 辅助目录 types a claim on: its codes, admission date and the person's birth date. */
function auxCase(claim: Claim, ctx: AdjudicationContext, known: GroupOptions['known']): AuxCase {
  // the person (as of the claim's enddate) is looked up only when the policy types by age and adjudication has not
  // found them already
  const brdy = ctx.policy.dip.auxiliary?.age_bands === undefined ? null
    : known?.brdy !== undefined ? known.brdy : ctx.tables.persons.get(claim.psnNo, claim.enddate)?.brdy ?? null
  return { mainDx: claim.mainDx, otherDx: claim.otherDx, procedures: claim.procedures, begndate: claim.begndate, brdy }
}

function auxiliaryResult(aux: AuxOutcome): AuxiliaryResult {
  const c = aux.chosen as ResolvedType
  return {
    type: c.type, coefficient: c.coefMicro / PPM, source: c.source,
    // the type names its tumour kind or age bound; a severity type lists the Charlson conditions (the trace words all)
    ...(aux.cci !== null && c.type.startsWith('cci:') ? { cci: { index: aux.cci.index, conditions: aux.cci.conditions } } : {}),
  }
}

function auxiliaryTrace(aux: AuxOutcome): AuxiliaryCandidate[] {
  return aux.candidates.map((c) => ({ type: c.type, coefficient: c.coefMicro / PPM, source: c.source, why: c.why(), chosen: c === aux.chosen }))
}

/**
 * 床日 by kind of stay (policy `dip.per_diem`, SPEC §5): days × the kind's points per day at the hospital's level ×
 * hospital coefficient; no deviation factor, no 中蒙医 bonus. A hospital the tables do not know is priced at level 1.
 */
function perDiemByKind(
  claim: Claim, ctx: AdjudicationContext, k: PerDiemKind, hospital: Hospital | undefined, flags: Set<DipFlagCode>,
  trace: MatchTrace | undefined,
): DipResult {
  const days = stayDays(claim)
  const perDayMicro = k.microByLevel[hospital?.level ?? 1]
  const coefficientMicro = coefficientOf(false, hospital, ctx.policy.dip)
  const pts = points1e4({ baseMicro: BigInt(days) * BigInt(perDayMicro), auxMicro: PPM, coefficientMicro, bonusMicro: PPM, factorNum: 1n, factorDen: 1n })
  return {
    group_code: `per_diem:${k.kind}`, kind: 'per_diem', score: perDayMicro / PPM, points: pointsToJson(pts), points_1e4: pts,
    deviation: 'normal', flags: ordered(flags), hospital_coefficient: coefficientMicro / PPM, tcm_bonus: 1, deviation_factor: 1,
    avg_cost_yuan: 0, total_cost_yuan: fenToYuan(claim.totalFen), per_diem_days: days, per_diem_kind: k.kind,
    ...(trace !== undefined ? { trace } : {}),
  }
}

/**
 * No group fits: listed for review (F_UNGROUPABLE) and, where the policy sets `dip.ungroupable_factor`, paid
 * c ÷ region average × scale × factor points (SPEC §5); none otherwise.
 */
function ungroupable(
  claim: Claim, ctx: AdjudicationContext, why: UngroupableReason, flags: Set<DipFlagCode>, trace: MatchTrace | undefined,
): DipResult {
  flags.add('F_UNGROUPABLE')
  const paid = ungroupablePoints(claim.totalFen, ctx.policy.dip)
  return {
    group_code: null, kind: 'ungroupable', score: paid === null ? 0 : paid.scoreMicro / PPM,
    points: paid === null ? 0 : pointsToJson(paid.points1e4), points_1e4: paid?.points1e4 ?? 0, deviation: 'normal',
    flags: ordered(flags), hospital_coefficient: 1, tcm_bonus: 1, deviation_factor: paid === null ? 1 : paid.factorMicro / PPM,
    avg_cost_yuan: 0, total_cost_yuan: fenToYuan(claim.totalFen), ungroupable_reason: why,
    ...(trace !== undefined ? { trace } : {}),
  }
}

const FLAG_ORDER = Object.keys(DIP_FLAGS) as DipFlagCode[]

/** Flags in the catalogue's order, so equal results serialise equally. */
function ordered(flags: ReadonlySet<DipFlagCode>): DipFlagCode[] {
  return flags.size === 0 ? [] : FLAG_ORDER.filter((f) => flags.has(f))
}
