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
  readonly resultFormat: ResultFormat
  /** Answers without their per-line detail (lines.ts compactAnswer; `adjudicate --compact`). */
  readonly compact: boolean
  /** Test-only fault injection (engine/pool/fault.ts); null in production. */
  readonly fault: FaultSpec | null
}

/**
 * 'jsonl': the worker answers with ready-to-print JSON-line bytes (the CLI writes them as they are);
 * 'msgpack': one msgpackr buffer holding the array of result objects (for callers that want objects, e.g. HTTP).
 */
export type ResultFormat = 'jsonl' | 'msgpack'

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
   * jsonl: where the worker copies its answer bytes when they fit (the main thread reuses these buffers: no new
   * external memory per batch, which would trigger the main thread's full GCs); null: always answer in `bytes`.
   */
  readonly out: SharedArrayBuffer | null
}

export interface BatchAnswer {
  /**
   * jsonl: one line per answered claim (settled + computed + rejected), each ending '\n'; msgpack: an encoded array
   * of those result objects. Empty when outBytes ≥ 0.
   */
  readonly bytes: Uint8Array
  /** jsonl: the answer is the first outBytes bytes of the task's `out`; -1: it is `bytes`. */
  readonly outBytes: number
  readonly settled: number
  readonly computed: number
  readonly rejected: number
  /** Of the rejected: answers E_FAILED (a claim the engine could not process), which make the CLI exit 1. */
  readonly faults: number
}

/** Crash the worker (process.exit inside the worker thread) when a batch holds this msgid. */
export interface FaultSpec {
  readonly exitOnMsgid: string
  /**
   * 'before': before the batch is processed; 'during': when that claim is reached, inside the batch's open ledger
   * transaction (earlier claims of the batch recorded, not committed); 'after': after the batch committed, before
   * answering.
   */
  readonly when: 'before' | 'during' | 'after'
  /** When set, only the first worker to create this file crashes (a crash that a retry survives). */
  readonly onceFile: string | null
}
