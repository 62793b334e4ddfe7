// One batch on the pool, whatever way the main thread cut it: sent to a worker, retried once when its worker dies,
// then answered from the ledger (claims an attempt committed before dying) or E_FAILED. Also the reused buffers
// batches travel in, the run's counts, and the writer that prints answers in input order.
import { Buffer } from 'node:buffer'
import type { Writable } from 'node:stream'
import { once } from 'node:events'
import type { Piscina } from 'piscina'
import type { SqliteLedger } from '../ledger/sqlite.js'
import { bodyHash } from '../ledger/hash.js'
import { answerOf, priorOutcome } from '../ledger/outcome.js'
import { rejectionToResult, type AdjudicationResult } from '../result.js'
import { reason } from '../reasons.js'
import { isObject } from '../claim.js'
import { forEachLine, scannedMsgid } from './lines.js'
import type { FilledPoolOptions } from './options.js'
import type { BatchAnswer, BatchTask } from './protocol.js'

/** Room for a batch's answers per claim (a ~90-line claim answers in ~15 KB); a batch that needs more transfers its own. */
const OUT_BYTES_PER_CLAIM = 16 * 1024
/** An answer buffer is never larger (a batch of 100,000 claims would otherwise take 1.6 GB per batch in flight). */
const MAX_OUT_BYTES = 8 * 1024 * 1024
const FLUSH_BYTES = 64 * 1024

/**
 * SharedArrayBuffers reused from batch to batch (a batch's input bytes, its answer bytes): a new buffer per batch is
 * new external memory, and V8 answers external memory growth with full GCs of the main thread (measured: ~16 % of its
 * time in the 2-worker benchmark).
 */
class SabPool {
  private readonly free: SharedArrayBuffer[] = []
  constructor(private readonly minBytes: number) {}

  acquire(bytes: number): SharedArrayBuffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i] as SharedArrayBuffer
      if (b.byteLength >= bytes) {
        this.free.splice(i, 1)
        return b
      }
    }
    return new SharedArrayBuffer(Math.max(bytes, this.minBytes))
  }

  release(b: SharedArrayBuffer | null): void {
    if (b !== null && b.byteLength > 0) this.free.push(b)
  }
}

/**
 * A reused `out` buffer holding answer lines, released once its last line has been copied out and no write of its
 * bytes is still with the output stream.
 */
export interface OutSlot { readonly sab: SharedArrayBuffer; remaining: number; writing: number }

/** A batch's answer: `lines` JSON lines, each ending '\n'. */
export interface BatchOut { readonly bytes: Buffer; readonly lines: number; readonly slot: OutSlot | null }

interface RunCounts {
  settled: number
  computed: number
  rejected: number
  /** Answers E_FAILED (engine fault or a batch no worker could finish). */
  faults: number
  /** Batches whose worker died and that a second attempt answered. */
  retriedBatches: number
  /** Batches that failed twice: their claims were answered from the ledger or E_FAILED. */
  failedBatches: number
}

/** A pool's batch buffers, kept from run to run (a run every request: POST /v1/batches). */
export class BatchBuffers {
  /** Batch input bytes (the run acquires; the runner releases when the batch is answered). */
  readonly inputs = new SabPool(256 * 1024)
  readonly outs: SabPool

  constructor(batchSize: number) {
    this.outs = new SabPool(outBytesFor(batchSize))
  }
}

/** Room for the answers of a batch of `lines` claims. */
function outBytesFor(lines: number): number {
  return Math.min(MAX_OUT_BYTES, Math.max(1, lines) * OUT_BYTES_PER_CLAIM)
}

/** One run's batches: dispatch, retry, the answers' buffers, and the run's counts. */
export class BatchRunner {
  readonly counts: RunCounts = { settled: 0, computed: 0, rejected: 0, faults: 0, retriedBatches: 0, failedBatches: 0 }
  private recorded: SqliteLedger | null = null
  private batchNo = 0

  constructor(
    private readonly piscina: Piscina<BatchTask, BatchAnswer>,
    private readonly o: FilledPoolOptions,
    private readonly buffers: BatchBuffers,
  ) {}

  get inputs(): SabPool {
    return this.buffers.inputs
  }

  private get outs(): SabPool {
    return this.buffers.outs
  }

  /** A task over the first `byteLength` bytes of `bytes` (from `inputs`), holding `lines` claim lines. */
  task(bytes: SharedArrayBuffer, byteLength: number, lines: number): BatchTask {
    return { bytes, byteLength, count: lines, batchNo: this.batchNo++, out: null }
  }

  /** Answers the batch; rejects only on a protocol fault (an answer that does not fit its batch). */
  async run(task0: BatchTask): Promise<BatchOut> {
    let task = task0
    for (let attempt = 1; ; attempt++) {
      if (task.out === null) {
        task = { ...task, out: this.outs.acquire(outBytesFor(task.count)) }
      }
      let a: BatchAnswer
      try {
        a = await this.piscina.run(task)
      } catch {
        // the worker died (piscina starts a new one): retry once — a claim it committed before dying replays its
        // answer on the retry (msgid), so nothing is applied twice — then answer from the ledger or E_FAILED
        if (attempt < 2) continue
        this.counts.failedBatches++
        const out = await this.failedAnswer(task)
        this.inputs.release(task.bytes)
        this.outs.release(task.out)
        return out
      }
      const out = this.answerOf(task, a)
      this.inputs.release(task.bytes)
      const c = this.counts
      c.settled += a.settled; c.computed += a.computed; c.rejected += a.rejected; c.faults += a.faults
      if (attempt > 1) c.retriedBatches++
      return out
    }
  }

  /** The `out` buffer of an answer, once all its lines are copied or written out (else nothing happens yet). */
  releaseOut(slot: OutSlot): void {
    if (slot.remaining === 0 && slot.writing === 0) this.outs.release(slot.sab)
  }

  close(): void {
    this.recorded?.close()
    this.recorded = null
  }

  /** The batch's answer (in its `out` buffer when the worker wrote it there). */
  private answerOf(task: BatchTask, a: BatchAnswer): BatchOut {
    const lines = a.settled + a.computed + a.rejected
    const inOut = a.outBytes >= 0 && task.out !== null
    const bytes = inOut
      ? Buffer.from(task.out as SharedArrayBuffer, 0, a.outBytes)
      : Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength)
    if (!inOut) this.outs.release(task.out)
    return { bytes, lines, slot: inOut ? { sab: task.out as SharedArrayBuffer, remaining: lines, writing: 0 } : null }
  }

  /** Each claim line of a batch no worker could finish: the ledger's answer when an attempt recorded it, else E_FAILED. */
  private async failedAnswer(task: BatchTask): Promise<BatchOut> {
    const view = Buffer.from(task.bytes, 0, task.byteLength)
    const parts: Buffer[] = []
    const c = this.counts
    if (this.o.recording && this.recorded === null && this.o.ledgerFile !== null) {
      // imported here, not at the top: the ledger module brings the engine, which the main thread otherwise never needs
      const { openLedger } = await import('../ledger/sqlite.js')
      this.recorded = openLedger(this.o.ledgerFile, { readonly: true })
    }
    const recorded = this.recorded
    forEachLine(view, (s, e) => {
      const line = view.subarray(s, e)
      const msgid = scannedMsgid(line)
      const found = recorded === null ? undefined : recordedAnswer(recorded, line, msgid)
      if (found?.status === 'settled') c.settled++
      else c.rejected++
      if (found === undefined) c.faults++
      parts.push(Buffer.from(JSON.stringify(found ?? rejectionToResult(msgid, [reason('E_FAILED', '')])) + '\n'))
    })
    return { bytes: Buffer.concat(parts), lines: parts.length, slot: null }
  }
}

/**
 * The answer the ledger holds for a claim line whose batch failed: its msgid's first answer (or E_MSGID_CONFLICT),
 * as a retry would have replayed it; undefined when the msgid is not recorded or the line is not a JSON object.
 */
function recordedAnswer(ledger: SqliteLedger, line: Buffer, msgid: string): AdjudicationResult | undefined {
  if (msgid === '') return undefined
  const prior = ledger.lookupMsgid(msgid)
  if (prior === undefined) return undefined
  let body: unknown
  try {
    body = JSON.parse(line.toString('utf8'))
  } catch {
    return undefined
  }
  if (!isObject(body)) return undefined
  return answerOf(priorOutcome(prior, msgid, bodyHash(body)), msgid)
}

/**
 * Answer bytes queued in input order and written in chunks of ~64 KB: a copy, since a piece may sit in a reused
 * `out` buffer, released once its last line is copied. With `writeInPlace` (an output that is done with a Buffer when
 * its write callback runs: stdout, a file, a socket), a piece of 64 KB or more — a whole batch cut in order — is
 * written from where it lies and its buffer released in the write callback: no copy, and no new external memory per
 * batch for the main thread's GC (measured: the main thread's busy share fell from 0.14 to 0.05 with one worker).
 */
export class AnswerWriter {
  private outs: BatchOut[] = []
  private starts: number[] = []
  private ends: number[] = []
  private lineCounts: number[] = []
  private bytes = 0
  /** Answer lines written so far. */
  written = 0

  constructor(
    private readonly output: Writable,
    private readonly runner: BatchRunner,
    private readonly onWrite: (written: number) => void,
    private readonly writeInPlace: boolean,
  ) {}

  /** Queues `lines` answer lines at out.bytes[start, end); writes when a chunk is full. */
  async add(out: BatchOut, start: number, end: number, lines: number): Promise<void> {
    if (this.writeInPlace && end - start >= FLUSH_BYTES) {
      await this.write() // what is queued before it goes first
      const slot = out.slot
      let done: (() => void) | undefined
      if (slot !== null) {
        slot.remaining -= lines
        slot.writing++
        done = (): void => { slot.writing--; this.runner.releaseOut(slot) }
      }
      this.written += lines
      if (!this.output.write(out.bytes.subarray(start, end), done)) await once(this.output, 'drain')
      this.onWrite(this.written)
      return
    }
    this.outs.push(out)
    this.starts.push(start)
    this.ends.push(end)
    this.lineCounts.push(lines)
    this.bytes += end - start
    if (this.bytes >= FLUSH_BYTES) await this.write()
  }

  async write(): Promise<void> {
    if (this.outs.length === 0) return
    const chunk = Buffer.allocUnsafe(this.bytes)
    let at = 0
    let lines = 0
    for (let k = 0; k < this.outs.length; k++) {
      const a = this.outs[k] as BatchOut
      const n = this.lineCounts[k] as number
      at += a.bytes.copy(chunk, at, this.starts[k], this.ends[k])
      lines += n
      if (a.slot !== null) {
        a.slot.remaining -= n
        this.runner.releaseOut(a.slot)
      }
    }
    this.written += lines
    this.outs = []
    this.starts = []
    this.ends = []
    this.lineCounts = []
    this.bytes = 0
    if (!this.output.write(chunk)) await once(this.output, 'drain')
    this.onWrite(this.written)
  }
}
