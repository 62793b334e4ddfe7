// What crosses between the ledger writer thread (writer-thread.ts) and its owner (writer.ts). Plain data only: a
// prepared row, never a claim object; outcomes as data (an exception in the thread would lose its class).
import type { AppendOutcome, PreparedRecord } from './sqlite.js'

export interface WriterConfig {
  readonly ledgerFile: string
  /** ms to wait for another process's write lock (busy_timeout). */
  readonly busyTimeoutMs?: number
}

/** Append one prepared settlement, provided its person's history is still at `version` (ledger.personVersion). */
export interface WriteRequest {
  readonly id: number
  readonly record: PreparedRecord
  readonly version: number
  /**
   * The claim's JSON text as the owner received it. When given, the record's body hash is left '' and this thread
   * computes it (canonical JSON, sha256) before its transaction: ~45 µs a claim taken off the owner's event loop.
   */
  readonly bodyText?: string
}

/** What append() answers (appended, replayed, conflict, rejected), or what only the writer thread can answer. */
export type WriteOutcome =
  | AppendOutcome
  /** Another writer settled or reversed a claim of this person since `version`: adjudicate again and resubmit. */
  | { readonly status: 'stale' }
  /** Could not be written (storage fault, or a bug): nothing of it is in the ledger. */
  | { readonly status: 'failed'; readonly message: string }

/** One message back per transaction: the answers of the requests it held, after it committed. */
export interface WriteBatchAnswer {
  readonly answers: readonly (WriteOutcome & { readonly id: number })[]
  /** Seconds from BEGIN to the end of COMMIT (the fsync included). */
  readonly commitSeconds: number
}

/** The owner asks the thread to finish what it holds, close the ledger and exit. */
export const CLOSE = 'close'
