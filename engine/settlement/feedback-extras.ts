// What a hospital needs to reconcile its month-end feedback (issue #20 item 15; SPEC §5, §6): each group named as the
// bureau names it, how the point value was derived, the hospital's own coefficient and 中蒙医 bonus, the alliance it
// settles in, and every case. Additive to feedback.ts's report; the page (report-html.ts) shows what is present.
import { pointsToJson } from '../money.js'
import type { Policy } from '../policy/types.js'
import { codeNamesOf, type CodeNames } from '../tables/names.js'
import type { DipGroup, Tables } from '../tables/types.js'
import type { FeedbackCase } from './feedback.js'
import type { MonthEndHospital, MonthEndReport } from './types.js'

/** A group as the catalogue publishes it: its name (diagnosis, then procedures), average cost and score. */
export interface CatalogueGroup {
  readonly name: string
  readonly kind: string
  readonly avg_cost_yuan: number
  readonly score: number
}

/** The month's point value and the figures it came from (SPEC §6: budget ÷ ratio ÷ total points). */
export interface PointValueDerivation {
  readonly budget_yuan: number
  readonly reimbursement_ratio: number
  /** 'actual' (Σ hifp_pay ÷ Σ medfee_sumamt of the month) or 'policy' (fixed by month_end.reimbursement_ratio); null when the run does not say. */
  readonly ratio_source: string | null
  readonly dip_total_yuan: number
  readonly total_points: number
  readonly point_value_yuan: number
  readonly point_value_exact: string
  readonly presettle_ratio: number
  readonly run_at: string
  readonly closed_at: string | null
  /** The payment due date of a closed run (SPEC §6); null while a draft or when the run does not state it. */
  readonly payment_due_date: string | null
}

/** The hospital's own terms in the points formula (score × coefficient × 中蒙医 bonus × deviation). */
export interface HospitalTerms {
  /** The hospital-level DIP coefficient of the hospital reading the report (1 when the policy applies none). */
  readonly hospital_coefficient: number
  readonly tcm_hospital: boolean
  /** The bonus on the policy's 中蒙医优势病种 at a 中蒙医 hospital (1 = none). */
  readonly tcm_bonus: number
  readonly tcm_groups: readonly string[]
  /** 基层病种: the same score at every level, no hospital coefficient. */
  readonly primary_groups: readonly string[]
}

export interface FeedbackExtras {
  readonly point_value_derivation: PointValueDerivation
  readonly terms: HospitalTerms
  /** Name of the unit the hospital settles under (its alliance lead, or itself). */
  readonly settled_as_name: string
  /** The alliance members a lead settles for (itself included), with what each brought; [] otherwise. */
  readonly members: readonly {
    readonly fixmedins_code: string; readonly name: string; readonly hospital_coefficient: number; readonly tcm_hospital: boolean
    readonly discharges: number; readonly points: number
  }[]
  /** Every group code the report mentions → the catalogue's description of it. */
  readonly group_catalogue: Readonly<Record<string, CatalogueGroup>>
  /** Every discharge of the report, in ledger order (the lists above are capped; this one is not). */
  readonly cases: readonly FeedbackCase[]
}

const COMPOSITE_KIND: Readonly<Record<string, string>> = { SS: '相关手术', ZLXCZ: '治疗性操作', ZDXCZ: '诊断性操作', BSZL: '保守治疗' }

/** The bureau's name of a group: `急性心内膜下心肌梗死 — 经皮冠状动脉球囊扩张成形术 + …`; a code not in the catalogue keeps its code. */
export function groupName(g: DipGroup, names: CodeNames): string {
  const dx = names.groupDiagnosis(g.groupCode) ?? names.diagnosis(g.mainDx) ?? g.mainDx
  if (g.kind === 'composite') return `${dx} 综合病种 (${COMPOSITE_KIND[g.compositeKind ?? ''] ?? g.compositeKind ?? ''})`
  const ops = [g.mainOp, ...g.otherOps].filter((o): o is string => o !== null).map((o) => names.procedure(o) ?? o)
  return ops.length === 0 ? `${dx} (保守治疗)` : `${dx} — ${ops.join(' + ')}`
}

const str = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null)

export function feedbackExtras(
  tables: Tables, policy: Policy, report: MonthEndReport, settlement: MonthEndHospital | null, code: string, unit: string,
  cases: readonly FeedbackCase[], codesOfLiveCases: ReadonlyMap<string, { discharges: number; points1e4: number }>,
): FeedbackExtras {
  const names = codeNamesOf(tables)
  const groupCodes = new Set<string>()
  for (const c of cases) if (c.dip_group_code !== null) groupCodes.add(c.dip_group_code)
  for (const s of report.special_cases) if (s.dip_group_code !== null) groupCodes.add(s.dip_group_code)
  const catalogue: Record<string, CatalogueGroup> = {}
  for (const code of [...groupCodes].sort()) {
    const g = tables.dipGroups.get(code)
    if (g) catalogue[code] = { name: groupName(g, names), kind: g.kind, avg_cost_yuan: g.avgCostFen / 100, score: g.scoreMicro / 1e6 }
  }
  // fields the month-end run may carry (ratio_source, payment_due_date): read when present
  const r = report as MonthEndReport & Record<string, unknown>
  const s = (settlement ?? {}) as Record<string, unknown>
  // the coefficients of the hospital reading the report: a member's cases earn its own, not its lead's
  const coefficient = (c: string): number => {
    const h = tables.hospitals.get(c)
    return policy.dip.hospital_coefficients && h ? h.dipCoefficientMicro / 1e6 : 1
  }
  const hosp = tables.hospitals.get(code)
  const lead = settlement?.members ?? []
  return {
    point_value_derivation: {
      budget_yuan: report.budget_yuan, reimbursement_ratio: report.reimbursement_ratio, ratio_source: str(r.ratio_source),
      dip_total_yuan: report.dip_total_yuan, total_points: report.total_points, point_value_yuan: report.point_value_yuan,
      point_value_exact: report.point_value_exact, presettle_ratio: report.presettle_ratio, run_at: report.run_at,
      closed_at: report.closed_at, payment_due_date: str(s.payment_due_date) ?? str(r.payment_due_date),
    },
    terms: {
      hospital_coefficient: coefficient(code),
      tcm_hospital: hosp?.tcm ?? false, tcm_bonus: hosp?.tcm === true ? policy.dip.tcm_bonus : 1,
      tcm_groups: policy.dip.tcm_groups, primary_groups: policy.dip.primary_groups,
    },
    settled_as_name: tables.hospitals.get(unit)?.name ?? settlement?.name ?? '',
    members: lead.map((member) => {
      const m = codesOfLiveCases.get(member) ?? { discharges: 0, points1e4: 0 }
      const h = tables.hospitals.get(member)
      return {
        fixmedins_code: member, name: h?.name ?? '', hospital_coefficient: coefficient(member), tcm_hospital: h?.tcm ?? false,
        discharges: m.discharges, points: pointsToJson(m.points1e4),
      }
    }),
    group_catalogue: catalogue,
    cases,
  }
}
