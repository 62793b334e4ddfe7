// 智能监控 (SPEC §14): what a monitoring rule sees and what it answers. A rule is a pure function of the parsed claim,
// the person, the person's history snapshot (the ledger port's, engine/history.ts) and its own policy parameters; it
// answers what it found, or null. index.ts turns findings into flags (warn) or a rejection (block).
import type { Claim } from '../claim.js'
import type { History } from '../history.js'
import type { Policy } from '../policy/types.js'
import type { Person } from '../tables/types.js'

export type MonitoringPolicy = NonNullable<Policy['monitoring']>
export type MonitoringCode = keyof MonitoringPolicy
export type Severity = 'warn' | 'block'

/** A flag as the settlement answer carries it (SPEC §14 `monitoring: [{ code, label, severity }]`, plus its detail). */
export interface MonitoringFlag {
  readonly code: MonitoringCode
  /** The policy's Chinese label of the rule. */
  readonly label: string
  readonly severity: Severity
  /** What was found, in Chinese, naming the other stay, the day or the line. */
  readonly detail: string
}

/** What a rule found: the claim's field it concerns (a JSON path, as reasons name fields) and the detail. */
export interface Finding {
  readonly field: string
  readonly detail: string
}

/** What every rule sees. */
export interface MonitoringInput {
  readonly claim: Claim
  readonly person: Person
  readonly history: History
}

/** A rule with its policy section P (label, severity and its parameters). */
export type MonitoringRule<P> = (m: MonitoringInput, params: P) => Finding | null
