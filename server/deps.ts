// What every route is built with (buildApp assembles it once).
import type { Ledger } from '../engine/ledger/types.js'
import type { Policy } from '../engine/policy/types.js'
import type { Tables } from '../engine/tables/types.js'
import type { AdjudicationResult } from '../engine/result.js'
import type { MonthEndPort, SettleEnv, SettlementEngine } from './engine-port.js'
import type { ClaimCommitter } from './group-commit.js'
import type { Adjudicators } from './adjudicators.js'
import type { ServiceMetrics } from './plugins/metrics.js'

export interface ServerDeps {
  readonly tables: Tables
  readonly policy: Policy
  readonly ledger: Ledger
  readonly env: SettleEnv
  readonly engine: SettlementEngine
  readonly committer: ClaimCommitter
  /** When set, POST /v1/settlements goes to the adjudicator threads (raw body in, ready answer out). */
  readonly adjudicators: Adjudicators | undefined
  readonly metrics: ServiceMetrics
  readonly monthEnd: MonthEndPort | undefined
  /** Settle a batch (inline processBatch by default; the pool may take it over). */
  readonly runBatch: (bodies: readonly unknown[]) => Promise<AdjudicationResult[]>
  readonly batchBodyLimit: number
  /** GET /metrics: this process's registry, or under node:cluster the sum over every process. */
  readonly metricsText: () => Promise<string>
}
