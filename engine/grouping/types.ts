// The DIP result of one inpatient claim (SPEC §5, §9 `dip`). Points are integer 1/10,000 inside (points_1e4);
// `score` and `points` are the JSON numbers (6 and 4 decimals).
import type { DipFlagCode } from '../reasons.js'
import type { DipGroupKind } from '../tables/types.js'

export type Deviation = 'normal' | 'low' | 'high' | 'review'

export type UngroupableReason =
  | 'no_main_diagnosis'
  | 'no_core_or_composite_group' // the 3-char category has no group at all
  | 'no_composite_group' // counting procedures form no core group and the category lacks that composite kind

/** Why this group and not the others: what an auditor reads when a hospital disputes a grouping. */
export interface MatchTrace {
  readonly subcategory: string
  readonly category: string
  readonly countingProcedures: readonly string[]
  readonly candidates: readonly {
    readonly group_code: string
    readonly matched: boolean
    /** Why it was not chosen (procedure missing, fewer procedures matched, farther from the cost, lower score). */
    readonly note: string
  }[]
  /** The rule that decided: 'core: most procedures matched', 'core: closest average cost', 'composite: SS', … */
  readonly rule: string
  /** 辅助目录: every type that applied to the case, with its coefficient, where it came from and why (SPEC §5). */
  readonly auxiliary?: readonly AuxiliaryCandidate[]
}

export interface AuxiliaryCandidate {
  /** `cci:<band min>`, `tumour:metastasis|radiotherapy|chemotherapy`, `age:max_days=<n>|max_years=<n>|min_years=<n>`. */
  readonly type: string
  readonly coefficient: number
  /** 'history': derived for this group from the case history; 'policy': the policy's coefficient. */
  readonly source: 'history' | 'policy'
  readonly why: string
  readonly chosen: boolean
}

/** The 辅助目录 type a core case was paid as (SPEC §5). */
export interface AuxiliaryResult {
  /** Names the tumour kind or the age bound itself (`tumour:metastasis`, `age:min_years=66`); trace.auxiliary words why. */
  readonly type: string
  readonly coefficient: number
  readonly source: 'history' | 'policy'
  /** A severity type: the Charlson index of the secondary diagnoses and the conditions that made it. */
  readonly cci?: { readonly index: number; readonly conditions: readonly { readonly condition: string; readonly weight: number; readonly dx: string }[] }
}

export interface DipResult {
  readonly group_code: string | null
  readonly kind: DipGroupKind | 'ungroupable'
  readonly score: number
  readonly points: number
  readonly points_1e4: number
  readonly deviation: Deviation
  readonly flags: readonly DipFlagCode[]
  readonly hospital_coefficient: number
  readonly tcm_bonus: number
  /** Deviation factor applied (1 when normal), 6 decimals. */
  readonly deviation_factor: number
  readonly avg_cost_yuan: number
  readonly ungroupable_reason?: UngroupableReason
  readonly trace?: MatchTrace
  /** The claim's total cost (medfee_sumamt) the deviation was measured on, yuan. */
  readonly total_cost_yuan: number
  /** Per-diem (床日) groups: the bed days paid (score is then the points per day). */
  readonly per_diem_days?: number
  /** Set by the 特例单议 quota (review-quota.ts) when a review candidate was demoted to 'high'. */
  readonly review_quota_demoted?: boolean
  /** Per-diem by kind of stay (policy `dip.per_diem`): the kind that priced it. */
  readonly per_diem_kind?: string
  /** 辅助目录: the type the case was paid as; deviation was measured against avg_cost_yuan × its coefficient. */
  readonly auxiliary?: AuxiliaryResult
  /** An incomplete stay (death, transfer: `dip.incomplete.dscg_ways`): points × min(1, c / a). */
  readonly incomplete?: true
}
