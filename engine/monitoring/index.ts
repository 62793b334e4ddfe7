// 智能监控 (SPEC §14; seeds 001 "全域大数据智能监控", 002 "医保智能审核和实时监控", 004 "完善智能监控规则"): every claim
// is checked against the rules the policy's `monitoring` section switches on, in the order below, after validation
// and before the money rules (engine/adjudicate/index.ts). Pure: the claim, the person, the history snapshot the
// ledger port read for the claim's scope (engine/ledger/decide.ts claimScope) and the policy. A `warn` finding is a
// flag on the settlement (its answer, stored with it in the ledger); a `block` finding rejects the claim with
// E_MONITORING_BLOCKED, naming the field, and nothing is recorded.
import type { Claim } from '../claim.js'
import type { History } from '../history.js'
import type { Policy } from '../policy/types.js'
import { reason, type Reason } from '../reasons.js'
import type { Person } from '../tables/types.js'
import { feeOutsideStay } from './fee-outside-stay.js'
import { outpatientDuringStay } from './outpatient-during-stay.js'
import { overlappingStay } from './overlapping-stay.js'
import { qtyPerDay } from './qty-per-day.js'
import { readmission } from './readmission.js'
import { sexAge } from './sex-age.js'
import type { MonitoringCode, MonitoringFlag, MonitoringInput, MonitoringPolicy, MonitoringRule } from './types.js'

export type { MonitoringCode, MonitoringFlag, Severity } from './types.js'

type Rules = { readonly [C in MonitoringCode]: MonitoringRule<NonNullable<MonitoringPolicy[C]>> }

/** Every rule by its code, in the order they run (and their flags are listed). */
export const MONITORING_RULES: Rules = {
  M_OVERLAPPING_STAY: overlappingStay,
  M_OUTPATIENT_DURING_STAY: outpatientDuringStay,
  M_QTY_PER_DAY: qtyPerDay,
  M_SEX_AGE: sexAge,
  M_READMISSION: readmission,
  M_FEE_OUTSIDE_STAY: feeOutsideStay,
}

const CODES = Object.keys(MONITORING_RULES) as MonitoringCode[]

export interface MonitoringOutcome {
  /** The warn findings, as flags for the settlement. */
  readonly flags: readonly MonitoringFlag[]
  /** One E_MONITORING_BLOCKED reason per block finding; non-empty: the claim is rejected. */
  readonly blocked: readonly Reason[]
}

const NOTHING: MonitoringOutcome = Object.freeze({ flags: Object.freeze([]), blocked: Object.freeze([]) })

/** Run the policy's monitoring rules on one claim. */
export function monitor(claim: Claim, person: Person, history: History, policy: Policy): MonitoringOutcome {
  const rules = policy.monitoring
  if (rules === undefined) return NOTHING
  const input: MonitoringInput = { claim, person, history }
  let flags: MonitoringFlag[] | undefined
  let blocked: Reason[] | undefined
  for (const code of CODES) {
    const params = rules[code]
    if (params === undefined) continue
    const found = (MONITORING_RULES[code] as MonitoringRule<typeof params>)(input, params)
    if (found === null) continue
    if (params.severity === 'block') {
      (blocked ??= []).push(reason('E_MONITORING_BLOCKED', found.field, `${code} ${params.label}: ${found.detail}`))
    } else {
      (flags ??= []).push({ code, label: params.label, severity: params.severity, detail: found.detail })
    }
  }
  return flags === undefined && blocked === undefined ? NOTHING : { flags: flags ?? [], blocked: blocked ?? [] }
}

/** The history a claim's monitoring asks about, before its begndate: the readmission window (decide.ts claimScope). */
export function monitoringLookbackDays(policy: Policy): number {
  return policy.monitoring?.M_READMISSION?.window_days ?? 0
}
