// The adjudication pool (main thread): owns the piscina workers; each run reads JSON lines, cuts them into batches
// (lanes.ts or in-order.ts), and writes the answers out in input order (run.ts). See README.md for the design.
import type { Buffer } from 'node:buffer'
import type { Readable, Writable } from 'node:stream'
import { Piscina } from 'piscina'
import { workerFile } from '../worker-file.js'
import { BatchBuffers, BatchRunner } from './batch-runner.js'
import { InOrderRun } from './in-order.js'
import { LaneRun } from './lanes.js'
import { fillOptions, type FilledPoolOptions, type PoolOptions } from './options.js'
import { TEST_HOOK_ENV, type BatchAnswer, type BatchTask, type PoolTestHook, type WorkerConfig } from './protocol.js'
import type { RunOptions, RunSummary } from './run.js'

export type { PoolProgress, RunOptions, RunSummary } from './run.js'

export class AdjudicationPool {
  readonly options: FilledPoolOptions
  private started: Promise<Piscina<BatchTask, BatchAnswer>> | null = null
  private readonly buffers: BatchBuffers
  private running = false

  /** Checks the options; the workers start with ready() (or the first run). */
  constructor(options: PoolOptions) {
    const d = workerFile(import.meta.url, 'worker')
    this.options = fillOptions(options, { ...d, testHook: testHookFromEnv() })
    this.buffers = new BatchBuffers(this.options.batchSize)
  }

  /**
   * The workers, started once. The ledger module (and with it the engine) is imported only by a recording pool: a
   * pool that records nothing keeps the main thread to reading, cutting and writing (bench/README.md, issue 17).
   */
  private start(): Promise<Piscina<BatchTask, BatchAnswer>> {
    this.started ??= (async () => {
      const o = this.options
      if (o.recording && o.ledgerFile !== null) {
        // create the ledger (schema, WAL) once here, so that workers starting together never race to do it
        const { openLedger } = await import('../ledger/sqlite.js')
        openLedger(o.ledgerFile).close()
      }
      const workerData: WorkerConfig = {
        tablesFile: o.tablesFile, policyFile: o.policyFile, ledgerFile: o.ledgerFile, dryRun: o.dryRun,
        compact: o.compact, testHook: o.testHook,
      }
      return new Piscina<BatchTask, BatchAnswer>({
        filename: o.workerFile,
        minThreads: o.workers,
        maxThreads: o.workers,
        // no per-task run/wait histograms (measured: a visible share of the main thread's time per batch)
        recordTiming: false,
        // workers load the tables once: never let an idle one go
        idleTimeout: Number.MAX_SAFE_INTEGER,
        execArgv: [...o.execArgv],
        workerData,
      })
    })()
    return this.started
  }

  /** Resolves when every worker has loaded its tables (one empty batch each). */
  async ready(): Promise<void> {
    const piscina = await this.start()
    const empty = (): BatchTask => ({ bytes: new SharedArrayBuffer(0), byteLength: 0, count: 0, batchNo: -1, out: null })
    await Promise.all(Array.from({ length: this.options.workers }, () => piscina.run(empty())))
  }

  /** Drain in-flight batches and stop the workers. */
  async close(): Promise<void> {
    // a pool whose start failed (its ledger could not be created) has no workers to stop
    const piscina = await this.started?.catch(() => null)
    await piscina?.close()
  }

  /**
   * Adjudicate every JSON line of `input`, writing one answer line per non-blank input line to `output`, in order.
   * Recording, a person's claims run one after the other in input order (one lane per person; lanes.ts); recording
   * nothing, claims are independent and batches are runs of consecutive lines (in-order.ts).
   */
  async run(input: Readable | AsyncIterable<Buffer | string>, output: Writable, runOptions: RunOptions = {}): Promise<RunSummary> {
    if (this.running) throw new Error('AdjudicationPool.run: a run is already in progress on this pool')
    this.running = true
    const o = this.options
    let runner: BatchRunner | undefined
    try {
      runner = new BatchRunner(await this.start(), o, this.buffers)
      const run = o.recording ? new LaneRun(o, runner, output, runOptions) : new InOrderRun(o, runner, output, runOptions)
      return await run.run(input)
    } finally {
      runner?.close()
      this.running = false
    }
  }
}

/** A test's hook for pools started by a spawned CLI (TEST_HOOK_ENV); null in production. */
function testHookFromEnv(): PoolTestHook | null {
  const raw = process.env[TEST_HOOK_ENV]
  return raw === undefined || raw === '' ? null : (JSON.parse(raw) as PoolTestHook)
}
