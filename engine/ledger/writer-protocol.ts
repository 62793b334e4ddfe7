// What crosses between the ledger writer thread (writer-thread.ts) and its owner (writer.ts). Plain data only: a
// prepared record, never a claim object; outcomes as data (an exception in the thread would lose its class).
import type { PreparedRecord } from './codec.js'
import type { CommitOutcome } from './outcome.js'

export interface WriterConfig {
  readonly ledgerFile: string
  /** ms to wait for another process's write lock (busy_timeout). */
  readonly busyTimeoutMs?: number
  /**
   * Test-only fault injection: a module whose default export is called with the writer's database before each
   * transaction (a test makes the disk look full with it). Absent in production.
   */
  readonly testHookModule?: string
}

/** Commit one prepared record (its person's history still at record.version: else 'stale'). */
export interface WriteRequest {
  readonly id: number
  readonly record: PreparedRecord
  /**
   * The claim's JSON text as the owner received it. When given, the record's body hash is left '' and this thread
   * computes it (hash.ts bodyHashOfText) before its transaction: ~45 µs a claim taken off the owner's event loop.
   */
  readonly bodyText?: string
}

/** One message back per transaction: the outcomes of the requests it held, after it committed. */
export interface WriteBatchAnswer {
  readonly answers: readonly (CommitOutcome & { readonly id: number })[]
  /** Seconds from BEGIN to the end of COMMIT (the fsync included). */
  readonly commitSeconds: number
}

/** The owner asks the thread to finish what it holds, close the ledger and exit. */
export const CLOSE = 'close'
