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
}
