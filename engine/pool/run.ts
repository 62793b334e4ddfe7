// One run of the pool over an input stream: read chunk by chunk, let the routing cut batches and dispatch them, write
// answers in input order, hold reading back when too much waits for its answer, drain on a stop signal. The two ways
// of cutting batches (lanes.ts for recording runs, in-order.ts for the others) fill in the abstract steps.
import { Buffer } from 'node:buffer'
import type { Readable } from 'node:stream'
import type { BatchOut, BatchRunner } from './batch-runner.js'
import { AnswerWriter } from './batch-runner.js'
import type { FilledPoolOptions } from './options.js'
import type { Writable } from 'node:stream'
import type { BatchTask } from './protocol.js'

export interface PoolProgress {
  /** Answer lines written so far. */
  readonly lines: number
  /** Input bytes consumed so far (for an ETA against a known input size). */
  readonly bytesRead: number
}

export interface RunSummary {
  readonly lines: number
  readonly settled: number
  readonly computed: number
  readonly rejected: number
  /** Answers E_FAILED (engine fault or a batch no worker could finish): the CLI exits 1 when any. */
  readonly faults: number
  /** Batches whose worker died and that a second attempt answered. */
  readonly retriedBatches: number
  /** Batches that failed twice: their claims were answered from the ledger or E_FAILED. */
  readonly failedBatches: number
  /** True when the signal stopped the run before the end of the input. */
  readonly interrupted: boolean
}

export interface RunOptions {
  /** Called after each write of answers (at most once per output flush). */
  readonly onProgress?: (p: PoolProgress) => void
  /**
   * Stop early (SIGINT/SIGTERM in the CLI): no more input is read and no new batch starts; the batches in flight
   * finish (their transactions commit or roll back whole) and the answers up to the first unanswered line are
   * written. A claim committed but not printed replays its answer when the input is run again (msgid).
   */
  readonly signal?: AbortSignal
  /**
   * The output is done with each Buffer once its write callback has run (stdout, a file, a socket — not a collector
   * that keeps the chunks): large answers are then written straight from the workers' reused buffers, without a copy.
   * Default false.
   */
  readonly writeInPlace?: boolean
}

export abstract class PoolRun {
  protected readonly writer: AnswerWriter
  protected inFlight = 0
  /** Two batches per worker in flight: one running, one queued in piscina, so a worker never waits for a hop. */
  protected readonly maxInFlight: number
  private bytesRead = 0
  private wake: (() => void) | null = null
  private fatal: unknown = null
  private stopping = false

  constructor(protected readonly o: FilledPoolOptions, protected readonly runner: BatchRunner, output: Writable, private readonly ro: RunOptions) {
    this.maxInFlight = o.workers * 2
    this.writer = new AnswerWriter(output, runner, (lines) => ro.onProgress?.({ lines, bytesRead: this.bytesRead }), ro.writeInPlace === true)
  }

  /** Cut a chunk of input into lines / batches. */
  protected abstract push(chunk: Buffer): void
  /** End of input: the last line and every partial batch. */
  protected abstract end(): void
  /** Dispatch what may go now. */
  protected abstract pump(): void
  /** Queue every answer that is next in input order on the writer (the writer writes full chunks). */
  protected abstract flushAnswered(): Promise<void>
  /** Too much read and not yet answered: stop reading (and seal early what everything waits on). */
  protected abstract backlogged(): boolean
  /** Every input line answered and queued on the writer. */
  protected abstract allAnswered(): boolean
  /** Sealed batches not dispatched yet. */
  protected abstract waiting(): number

  /** Run `task` on the pool; `onAnswer` takes its answer, then the next batches may go. */
  protected dispatch(task: BatchTask, onAnswer: (out: BatchOut) => void): void {
    this.inFlight++
    this.runner.run(task).then(onAnswer).catch((e: unknown) => { this.fatal ??= e }).finally(() => {
      this.inFlight--
      this.pump()
      const w = this.wake
      this.wake = null
      w?.()
    })
  }

  private completion(): Promise<void> {
    return new Promise((r) => { this.wake = r })
  }

  /** Write every answer that is next in input order. */
  private async flush(): Promise<void> {
    await this.flushAnswered()
    await this.writer.write()
    if (this.fatal !== null) throw this.fatal
  }

  protected get stopped(): boolean {
    return this.stopping
  }

  async run(input: Readable | AsyncIterable<Buffer | string>): Promise<RunSummary> {
    const stop = (): void => {
      this.stopping = true
      if (typeof (input as Readable).destroy === 'function') (input as Readable).destroy()
      const w = this.wake
      this.wake = null
      w?.()
    }
    const signal = this.ro.signal
    if (signal?.aborted === true) this.stopping = true
    signal?.addEventListener('abort', stop, { once: true })
    try {
      return await this.readAndAnswer(input)
    } catch (e) {
      // start nothing more, and let what is in flight end before the caller hears of it: a batch still recording
      // after run() failed could overlap the caller's next run on the same persons
      this.stopping = true
      while (this.inFlight > 0) await this.completion()
      throw e
    } finally {
      signal?.removeEventListener('abort', stop)
    }
  }

  private async readAndAnswer(input: Readable | AsyncIterable<Buffer | string>): Promise<RunSummary> {
    try {
      for await (const chunk of input as AsyncIterable<Buffer | string>) {
        if (this.stopping) break
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
        this.bytesRead += buf.length
        this.push(buf)
        this.pump()
        await this.flush()
        // backpressure: stop reading while too many lines wait for their answer
        while (this.backlogged()) {
          if (this.stopping || (this.inFlight === 0 && this.waiting() === 0)) break
          const c = this.completion()
          if (this.inFlight > 0) await c
          await this.flush()
        }
      }
    } catch (e) {
      if (!this.stopping) throw e // a destroyed stdin ends the iteration with an error: expected when stopping
    }
    if (!this.stopping) {
      this.end()
      this.pump()
      while (!this.allAnswered() && !this.stopping) {
        if (this.inFlight === 0 && this.waiting() === 0) {
          await this.flushAnswered()
          if (!this.allAnswered()) throw new Error('pool: answers missing with no batch in flight')
          break
        }
        const c = this.completion()
        await this.flush()
        if (!this.allAnswered() && this.inFlight > 0) await c
      }
    }
    if (this.stopping) {
      // drain: let the batches in flight finish, write what is answered in order, start nothing new
      while (this.inFlight > 0) {
        await this.completion()
        await this.flush()
      }
      await this.flush()
      return this.summary(true)
    }
    await this.flush()
    return this.summary(false)
  }

  private summary(interrupted: boolean): RunSummary {
    return { lines: this.writer.written, ...this.runner.counts, interrupted }
  }
}
