import type { Buffer } from 'node:buffer'
// What crosses the thread boundary between the pool (main thread) and a worker. Plain data only: errors thrown in a
// piscina worker lose their class, so a worker answers every claim, rejections included, as result lines.

/** Given once per worker (piscina workerData): the worker loads the tables itself and opens its own connection. */
export interface WorkerConfig {
  readonly tablesFile: string
  /** A policy file overriding the one stored in the tables (--policy). */
  readonly policyFile: string | null
  /** With a ledger, each batch is adjudicated against it and recorded in one transaction (unless dryRun). */
  readonly ledgerFile: string | null
  readonly dryRun: boolean
  /** Answers without their per-line detail (lines.ts compactAnswer; `adjudicate --compact`). */
  readonly compact: boolean
  /** Test-only fault injection (PoolTestHook); null in production. */
  readonly testHook: PoolTestHook | null
}

/**
 * One batch: the raw bytes of its JSON lines, shared with the worker (not copied). The worker splits them as
 * lines.ts forEachLine does (LF or CRLF, whitespace-only lines skipped, the last line may lack its newline).
 */
export interface BatchTask {
  readonly bytes: SharedArrayBuffer
  readonly byteLength: number
  /**
   * Lines as the main thread counted them, for sizing the answer buffer: exact for a lane batch; for a batch cut in
   * order, its newlines (blank lines included; 0 when it is a last line without one). The worker answers the
   * non-blank lines it finds.
   */
  readonly count: number
  /** Batch number in dispatch order, for the fault hook and diagnostics. */
  readonly batchNo: number
  /**
   * Where the worker copies its answer bytes when they fit (the main thread reuses these buffers: no new
   * external memory per batch, which would trigger the main thread's full GCs); null: always answer in `bytes`.
   */
  readonly out: SharedArrayBuffer | null
}

export interface BatchAnswer {
  /** One JSON line per answered claim (settled + computed + rejected), each ending '\n'. Empty when outBytes ≥ 0. */
  readonly bytes: Uint8Array
  /** The answer is the first outBytes bytes of the task's `out`; -1: it is `bytes`. */
  readonly outBytes: number
  readonly settled: number
  readonly computed: number
  readonly rejected: number
  /** Of the rejected: answers E_FAILED (a claim the engine could not process), which make the CLI exit 1. */
  readonly faults: number
}

/**
 * Test-only: a module the worker imports (its default export called with `data`) that returns hooks called before a
 * batch, inside its open ledger transaction (with the msgids appended, before COMMIT), and after it committed. The
 * tests' crash injection lives in test/pool/fault-hook.mjs; production code only calls what a test installed.
 */
export interface PoolTestHook {
  readonly module: string
  readonly data: unknown
}

export interface PoolHooks {
  readonly before?: (batch: Buffer) => void
  readonly during?: (msgids: readonly string[]) => void
  readonly after?: (batch: Buffer) => void
}

/** The environment variable naming a PoolTestHook (JSON) for pools started by a spawned CLI in tests. */
export const TEST_HOOK_ENV = 'DIPSETTLE_POOL_TEST_HOOK'
