// DIP grouping of one inpatient claim (SPEC §5): 亚目 → core match → composite fallback → points → flags.
// Read top to bottom; each step is its own file. Ungroupable is a result, never an exception.
import type { Claim } from '../claim.js'
import type { AdjudicationContext } from '../adjudicate/types.js'
import type { DipFlagCode } from '../reasons.js'
import { DIP_FLAGS } from '../reasons.js'
import type { DipGroup, Hospital } from '../tables/types.js'
import type { Deviation, DipResult, MatchTrace, UngroupableReason } from './types.js'
import { PPM, fenToYuan, pointsToJson, ratioToPpm } from '../money.js'
import { categoryOf, subcategoryOf } from './subcategory.js'
import { compositeKey, groupIndex } from './catalogue-index.js'
import { matchCore } from './core-match.js'
import { compositeKindOf } from './composite.js'
import { classifyDeviation } from './deviation.js'
import { fractionTo6, points1e4 } from './points.js'
import { isLongStay, isLowStandardAdmission, isReadmission, mergedEpisodeOf } from './flags.js'
import { dipLists } from './dip-settings.js'
import { stayDays } from './stay.js'
import { buildTrace, type TraceCandidate } from './trace.js'

export type { DipResult, Deviation, MatchTrace, UngroupableReason } from './types.js'
export { applyReviewQuota } from './review-quota.js'

export interface GroupOptions {
  readonly trace?: boolean
  /**
   * What adjudication already found for this claim (the claim's hospital; the alliance episode it merged into, or
   * null): passed so that grouping neither looks the hospital up nor reads the referral's stay again.
   */
  readonly known?: { readonly hospital: Hospital; readonly mergedEpisodeId: string | null }
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
  const hospital = opts.known !== undefined ? opts.known.hospital : tables.hospitals.get(claim.hospitalCode)
  const flags = new Set<DipFlagCode>()
  const mergedEpisode = (): string | null =>
    opts.known !== undefined ? opts.known.mergedEpisodeId : mergedEpisodeOf(claim, hospital, ctx.history, policy)
  if (category !== '' && isReadmission(claim, category, mergedEpisode, ctx.history, policy)) flags.add('F_READMISSION')
  const traceOf = (candidates: readonly TraceCandidate[], rule: string): MatchTrace | undefined =>
    trace ? buildTrace(subcategory, category, counting, candidates, rule) : undefined

  if (category === '') return ungroupable(claim, 'no_main_diagnosis', flags, traceOf([], 'ungroupable: no main diagnosis'))

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
      return ungroupable(claim, why, flags, traceOf(core.candidates, `ungroupable: ${why} (${category}:${kind})`))
    }
    group = composite
    rule = `composite: ${kind}`
  }
  return score(claim, ctx, group, hospital, flags, traceOf(core.candidates, rule))
}

function score(
  claim: Claim, ctx: AdjudicationContext, group: DipGroup, hospital: Hospital | undefined, flags: Set<DipFlagCode>,
  trace: MatchTrace | undefined,
): DipResult {
  const dip = ctx.policy.dip
  const lists = dipLists(dip)
  const code = group.groupCode.toUpperCase()
  const perDiemMicro = lists.perDiemMicro.get(code) ?? (group.kind === 'per_diem' ? group.scoreMicro : undefined)
  const primary = group.kind === 'primary' || lists.primary.has(code)
  const days = stayDays(claim)

  // 基层病种 score the same at every level: no hospital coefficient (SPEC §5)
  const coefficientMicro = !primary && dip.hospital_coefficients && hospital !== undefined ? hospital.dipCoefficientMicro : PPM
  // 中蒙医优势病种 at a qualifying hospital (seed 001)
  const bonusMicro = lists.tcm.has(code) && hospital?.tcm === true ? ratioToPpm(dip.tcm_bonus) : PPM
  // 床日 groups are paid by the day: the cost deviation of a stay against a per-stay average does not apply
  const deviation = perDiemMicro !== undefined
    ? { band: 'normal' as Deviation, factorNum: 1n, factorDen: 1n }
    : classifyDeviation(claim.totalFen, group.avgCostFen, dip)
  const baseMicro = perDiemMicro !== undefined ? BigInt(days) * BigInt(perDiemMicro) : BigInt(group.scoreMicro)
  const pts = points1e4({ baseMicro, coefficientMicro, bonusMicro, factorNum: deviation.factorNum, factorDen: deviation.factorDen })

  if (group.avgCostFen > 0 && isLowStandardAdmission(claim.totalFen, group.avgCostFen, days, dip)) flags.add('F_LOW_STANDARD_ADMISSION')
  if (isLongStay(days, group.avgIptDays, dip)) flags.add('F_LONG_STAY')
  if (deviation.band === 'review') flags.add('F_REVIEW_CANDIDATE')

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
    avg_cost_yuan: fenToYuan(group.avgCostFen),
    total_cost_yuan: fenToYuan(claim.totalFen),
    ...(perDiemMicro !== undefined ? { per_diem_days: days } : {}),
    ...(trace !== undefined ? { trace } : {}),
  }
}

function ungroupable(claim: Claim, why: UngroupableReason, flags: Set<DipFlagCode>, trace: MatchTrace | undefined): DipResult {
  flags.add('F_UNGROUPABLE')
  return {
    group_code: null, kind: 'ungroupable', score: 0, points: 0, points_1e4: 0, deviation: 'normal', flags: ordered(flags),
    hospital_coefficient: 1, tcm_bonus: 1, deviation_factor: 1, avg_cost_yuan: 0, total_cost_yuan: fenToYuan(claim.totalFen),
    ungroupable_reason: why,
    ...(trace !== undefined ? { trace } : {}),
  }
}

const FLAG_ORDER = Object.keys(DIP_FLAGS) as DipFlagCode[]

/** Flags in the catalogue's order, so equal results serialise equally. */
function ordered(flags: ReadonlySet<DipFlagCode>): DipFlagCode[] {
  return flags.size === 0 ? [] : FLAG_ORDER.filter((f) => flags.has(f))
}
