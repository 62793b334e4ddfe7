// What every route is built with (buildApp assembles it once).
import type { LedgerPort } from '../engine/ledger/port.js'
import type { SettleEnv } from '../engine/ledger/settle.js'
import type { SqliteLedger } from '../engine/ledger/sqlite.js'
import type { Policy } from '../engine/policy/types.js'
import type { Tables } from '../engine/tables/types.js'
import type { PersonAsOf } from '../engine/persons/as-of.js'
import type { AdjudicationResult } from '../engine/result.js'
import type { MonthEndPort } from './engine-port.js'
import type { CrossRegionReportsPort } from '../engine/ledger/cross-region-port.js'
import type { ClaimCommitter } from './writer-commit.js'
import type { ServiceMetrics } from './plugins/metrics.js'

export interface ServerDeps {
  readonly tables: Tables
  readonly policy: Policy
  /** The SQLite ledger file, read directly by the cross-region clearing route only; undefined on PostgreSQL. */
  readonly ledger: SqliteLedger
  /** The ledger behind the port, whichever the backend: every /v1 settlement route's reads and writes. */
  readonly port: LedgerPort
  /** What decide needs (tables, policy, the adjudicator); `ledger` set on SQLite only. */
  readonly env: SettleEnv
  /** The real-time path (writer-commit.ts). */
  readonly committer: ClaimCommitter
  readonly metrics: ServiceMetrics
  readonly monthEnd: MonthEndPort | undefined
  /** 异地就医 clearing's reads (SPEC §13), on either backend. */
  readonly crossRegion: CrossRegionReportsPort & { ledgerSeq(): Promise<number> }
  /** Settle a batch (inline processBatch by default; the pool may take it over). */
  readonly runBatch: (bodies: readonly unknown[]) => Promise<AdjudicationResult[]>
  readonly batchBodyLimit: number
  /** The insured person in force on a day (SPEC §11), on either backend (engine/persons/as-of.ts). */
  readonly personAsOf: PersonAsOf
  /** GET /metrics: this process's registry, or under node:cluster the sum over every process. */
  readonly metricsText: () => Promise<string>
}
