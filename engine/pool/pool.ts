// The adjudication pool (main thread): stream JSON lines in, route each to its person's lane, hand batches of raw
// bytes to piscina workers, write the answers out in input order. See README.md for the design and its reasons.
import { Buffer } from 'node:buffer'
import type { Readable, Writable } from 'node:stream'
import { once } from 'node:events'
import { Piscina } from 'piscina'
import { Unpackr } from 'msgpackr'
import { openLedger, type SqliteLedger } from '../ledger/sqlite.js'
import { bodyHash, priorAnswer } from '../ledger/settle.js'
import type { AdjudicationResult } from '../result.js'
import { workerFile } from '../worker-file.js'
import { rejectionToResult } from '../result.js'
import { reason } from '../reasons.js'
import { faultFromEnv } from './fault.js'
import { LineSplitter, personHash, routedPsnNo, scannedMsgid } from './lines.js'
import { fillOptions, type FilledPoolOptions, type PoolOptions } from './options.js'
import type { BatchAnswer, BatchTask, WorkerConfig } from './protocol.js'

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
  /** Batches that failed twice: their claims were answered E_FAILED. */
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
}

interface Batch {
  readonly lane: number
  readonly seqs: number[]
  task: BatchTask
  attempts: number
}

const FLUSH_BYTES = 64 * 1024
/** Room for a batch's answers per claim (a ~90-line claim answers in ~15 KB); a batch that needs more transfers its own. */
const OUT_BYTES_PER_CLAIM = 16 * 1024

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

/** The answer lines of one batch that live in a reused `out` buffer, until the last of them is written. */
interface OutSlot { readonly sab: SharedArrayBuffer; remaining: number }

/**
 * A batch's answer: its bytes, and line i at bytes[starts[i], starts[i + 1]) (each ending '\n'). Kept as offsets, not
 * one Buffer view per line: the main thread allocates nothing per answer line.
 */
interface BatchOut { readonly bytes: Buffer; readonly starts: Int32Array; readonly slot: OutSlot | null }

/** Offsets of the `count` '\n'-terminated lines of `bytes`; null when there are not exactly `count`. */
function lineStarts(bytes: Buffer, count: number): Int32Array | null {
  const starts = new Int32Array(count + 1)
  let s = 0
  for (let i = 0; i < count; i++) {
    const e = bytes.indexOf(0x0a, s)
    if (e < 0) return null
    s = e + 1
    starts[i + 1] = s
  }
  return s === bytes.length ? starts : null
}

export class AdjudicationPool {
  readonly options: FilledPoolOptions
  private readonly piscina: Piscina<BatchTask, BatchAnswer>
  private running = false

  constructor(options: PoolOptions) {
    const d = workerFile(import.meta.url, 'worker')
    this.options = fillOptions(options, { ...d, fault: faultFromEnv() })
    const o = this.options
    // create the ledger (schema, WAL) once here, so that workers starting together never race to do it
    if (o.ledgerFile !== null && !o.dryRun) openLedger(o.ledgerFile).close()
    const workerData: WorkerConfig = {
      tablesFile: o.tablesFile, policyFile: o.policyFile, ledgerFile: o.ledgerFile, dryRun: o.dryRun,
      resultFormat: o.resultFormat, fault: o.fault,
    }
    this.piscina = new Piscina({
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
  }

  /** Resolves when every worker has loaded its tables (one empty batch each). */
  async ready(): Promise<void> {
    const empty = (): BatchTask => ({ bytes: new SharedArrayBuffer(0), byteLength: 0, count: 0, batchNo: -1, out: null })
    await Promise.all(Array.from({ length: this.options.workers }, () => this.piscina.run(empty())))
  }

  /** Drain in-flight batches and stop the workers. */
  async close(): Promise<void> {
    await this.piscina.close()
  }

  /**
   * Adjudicate every JSON line of `input`, writing one answer line per non-blank input line to `output`, in order.
   * A person's claims run one after the other in input order (one lane per person); different people in parallel.
   */
  async run(input: Readable | AsyncIterable<Buffer | string>, output: Writable, runOptions: RunOptions = {}): Promise<RunSummary> {
    if (this.running) throw new Error('AdjudicationPool.run: a run is already in progress on this pool')
    this.running = true
    const opened: { ledger: SqliteLedger | null } = { ledger: null }
    try {
      return await this.runInner(input, output, runOptions, opened)
    } finally {
      opened.ledger?.close()
      this.running = false
    }
  }

  private async runInner(input: Readable | AsyncIterable<Buffer | string>, output: Writable, ro: RunOptions, opened: { ledger: SqliteLedger | null }): Promise<RunSummary> {
    const o = this.options
    const unpackr = o.resultFormat === 'msgpack' ? new Unpackr() : null
    // lane state: the batch being filled (line views held until sealed), whether a batch of the lane is in flight
    const building: Buffer[][] = Array.from({ length: o.lanes }, () => [])
    const buildingSeqs: number[][] = Array.from({ length: o.lanes }, () => [])
    const buildingBytes = new Array<number>(o.lanes).fill(0)
    const laneBusy = new Array<boolean>(o.lanes).fill(false)
    const ready: Batch[] = []
    // the answer of each input line: its batch's answer, and its index there
    const answerBatch = new Map<number, BatchOut>()
    const answerIndex = new Map<number, number>()
    const inputs = new SabPool(256 * 1024)
    const outs = new SabPool(o.batchSize * OUT_BYTES_PER_CLAIM)
    let nextSeq = 0
    let nextOut = 0
    let inFlight = 0
    let batchNo = 0
    let bytesRead = 0
    let settled = 0, computed = 0, rejected = 0, faults = 0, retriedBatches = 0, failedBatches = 0
    // two batches per worker in flight: one running, one queued in piscina so a worker never waits for a hop
    const maxInFlight = o.workers * 2
    let wake: (() => void) | null = null
    let fatal: unknown = null

    const seal = (lane: number): void => {
      const parts = building[lane] as Buffer[]
      if (parts.length === 0) return
      const byteLength = (buildingBytes[lane] as number) + parts.length - 1
      const sab = inputs.acquire(byteLength)
      const view = Buffer.from(sab, 0, byteLength)
      let at = 0
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) view[at++] = 0x0a
        at += (parts[i] as Buffer).copy(view, at)
      }
      // its `out` buffer is taken at dispatch: batches waiting their turn hold none
      ready.push({ lane, seqs: buildingSeqs[lane] as number[], task: { bytes: sab, byteLength, count: parts.length, batchNo: batchNo++, out: null }, attempts: 0 })
      building[lane] = []
      buildingSeqs[lane] = []
      buildingBytes[lane] = 0
      if (recording) (buildingPersons[lane] as Set<string>).clear()
    }

    // a recording batch holds at most one claim per person (settle-split.ts adjudicates it outside the write lock)
    const recording = o.ledgerFile !== null && !o.dryRun
    const buildingPersons: Set<string>[] = Array.from({ length: o.lanes }, () => new Set())
    const splitter = new LineSplitter((line) => {
      const psn = routedPsnNo(line)
      const lane = personHash(psn) % o.lanes
      if (recording) {
        const persons = buildingPersons[lane] as Set<string>
        if (persons.has(psn)) seal(lane)
        persons.add(psn)
      }
      ;(building[lane] as Buffer[]).push(line)
      ;(buildingSeqs[lane] as number[]).push(nextSeq++)
      buildingBytes[lane] = (buildingBytes[lane] as number) + line.length
      if ((building[lane] as Buffer[]).length >= o.batchSize) seal(lane)
    })

    // a batch no worker could finish: each claim is answered from the ledger when an attempt recorded it before
    // dying (the worker crashed after its commit), else E_FAILED (nothing of it recorded)
    let recorded: SqliteLedger | null = null
    const failedAnswer = (b: Batch): { lines: Buffer[]; recovered: number; recoveredSettled: number } => {
      const view = Buffer.from(b.task.bytes, 0, b.task.byteLength)
      const lines: Buffer[] = []
      let recovered = 0
      let recoveredSettled = 0
      let s = 0
      for (let i = 0; i < b.task.count; i++) {
        let e = view.indexOf(0x0a, s)
        if (e < 0) e = view.length
        const line = view.subarray(s, e)
        const msgid = scannedMsgid(line)
        if (recording && o.ledgerFile !== null && recorded === null) opened.ledger = recorded = openLedger(o.ledgerFile, { readonly: true })
        const found = recorded === null ? undefined : recordedAnswer(recorded, line, msgid)
        if (found !== undefined) recovered++
        if (found?.status === 'settled') recoveredSettled++
        lines.push(Buffer.from(JSON.stringify(found ?? rejectionToResult(msgid, [reason('E_FAILED', '')])) + '\n'))
        s = e + 1
      }
      return { lines, recovered, recoveredSettled }
    }

    const deliver = (b: Batch, out: BatchOut): void => {
      for (let i = 0; i < b.seqs.length; i++) {
        answerBatch.set(b.seqs[i] as number, out)
        answerIndex.set(b.seqs[i] as number, i)
      }
    }

    /** The batch's answer (in its `out` buffer when the worker wrote it there). */
    const answerOf = (b: Batch, a: BatchAnswer): BatchOut => {
      const inOut = a.outBytes >= 0 && b.task.out !== null
      let bytes = inOut
        ? Buffer.from(b.task.out as SharedArrayBuffer, 0, a.outBytes)
        : Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength)
      if (unpackr !== null) {
        const objs = unpackr.unpack(bytes) as unknown[]
        bytes = Buffer.from(objs.map((r) => JSON.stringify(r) + '\n').join(''))
      }
      const starts = lineStarts(bytes, b.seqs.length)
      if (starts === null) throw new Error(`pool: batch ${b.task.batchNo} did not answer ${b.seqs.length} lines`)
      if (!inOut) outs.release(b.task.out)
      return { bytes, starts, slot: inOut ? { sab: b.task.out as SharedArrayBuffer, remaining: b.seqs.length } : null }
    }

    const dispatch = (b: Batch): void => {
      if (o.resultFormat === 'jsonl' && b.task.out === null) b.task = { ...b.task, out: outs.acquire(b.task.count * OUT_BYTES_PER_CLAIM) }
      b.attempts++
      laneBusy[b.lane] = true
      inFlight++
      this.piscina.run(b.task).then(
        (a) => {
          try {
            deliver(b, answerOf(b, a))
            inputs.release(b.task.bytes)
            settled += a.settled; computed += a.computed; rejected += a.rejected; faults += a.faults
            if (b.attempts > 1) retriedBatches++
          } catch (e) {
            fatal ??= e
          }
          finish(b)
        },
        () => {
          // the worker died (piscina starts a new one): retry once, then answer from the ledger or E_FAILED — a
          // claim that was in fact committed before the crash replays on the retry (msgid), so nothing is applied twice
          if (b.attempts < 2) {
            inFlight--
            dispatch(b)
            return
          }
          failedBatches++
          const f = failedAnswer(b)
          settled += f.recoveredSettled
          rejected += b.seqs.length - f.recoveredSettled
          faults += b.seqs.length - f.recovered
          const bytes = Buffer.concat(f.lines)
          deliver(b, { bytes, starts: lineStarts(bytes, f.lines.length) as Int32Array, slot: null })
          inputs.release(b.task.bytes)
          outs.release(b.task.out)
          finish(b)
        },
      )
    }

    const finish = (b: Batch): void => {
      inFlight--
      laneBusy[b.lane] = false
      pump()
      const w = wake
      wake = null
      w?.()
    }

    let stopping = false
    const stop = (): void => {
      stopping = true
      if (typeof (input as Readable).destroy === 'function') (input as Readable).destroy()
      const w = wake
      wake = null
      w?.()
    }
    if (ro.signal?.aborted === true) stopping = true
    ro.signal?.addEventListener('abort', stop, { once: true })

    // oldest sealed batch first, skipping lanes that already have one in flight (a person's order)
    const pump = (): void => {
      if (stopping) return
      for (let i = 0; i < ready.length && inFlight < maxInFlight;) {
        const b = ready[i] as Batch
        if (laneBusy[b.lane]) { i++; continue }
        ready.splice(i, 1)
        dispatch(b)
      }
    }

    const completion = (): Promise<void> => new Promise((r) => { wake = r })

    // the lines of the next output chunk, as (answer, index) pairs; copied into one buffer when written
    let chunkOuts: BatchOut[] = []
    let chunkIdx: number[] = []
    let outBytes = 0
    let written = 0
    const flush = async (force: boolean): Promise<void> => {
      for (;;) {
        const a = answerBatch.get(nextOut)
        if (a === undefined) break
        const i = answerIndex.get(nextOut) as number
        answerBatch.delete(nextOut)
        answerIndex.delete(nextOut)
        nextOut++
        chunkOuts.push(a)
        chunkIdx.push(i)
        outBytes += (a.starts[i + 1] as number) - (a.starts[i] as number)
        if (outBytes >= FLUSH_BYTES) await writeOut()
      }
      if (force || outBytes > 0) await writeOut()
    }
    const writeOut = async (): Promise<void> => {
      if (chunkOuts.length === 0) return
      // a copy: a line may be in a reused `out` buffer, released here once its last line is copied
      const chunk = Buffer.allocUnsafe(outBytes)
      let at = 0
      for (let k = 0; k < chunkOuts.length; k++) {
        const a = chunkOuts[k] as BatchOut
        const i = chunkIdx[k] as number
        at += a.bytes.copy(chunk, at, a.starts[i], a.starts[i + 1])
        if (a.slot !== null && --a.slot.remaining === 0) outs.release(a.slot.sab)
      }
      written += chunkOuts.length
      chunkOuts = []
      chunkIdx = []
      outBytes = 0
      if (!output.write(chunk)) await once(output, 'drain')
      ro.onProgress?.({ lines: written, bytesRead })
    }

    const check = (): void => {
      if (fatal !== null) throw fatal
    }

    // read stdin chunk by chunk; a chunk's lines are routed before the next is read
    const readAll = async (): Promise<void> => {
      for await (const chunk of input as AsyncIterable<Buffer | string>) {
        if (stopping) return
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
        bytesRead += buf.length
        splitter.push(buf)
        pump()
        await flush(false)
        check()
        // backpressure: stop reading while too many lines wait for their answer. Only the lane holding the oldest
        // unanswered line is sealed early (everything after it waits on it); the others keep filling full batches.
        while (nextSeq - nextOut > o.maxPendingLines) {
          for (let l = 0; l < o.lanes; l++) {
            if ((buildingSeqs[l] as number[])[0] === nextOut) { seal(l); pump(); break }
          }
          if (stopping || (inFlight === 0 && ready.length === 0)) break
          const c = completion()
          if (inFlight > 0) await c
          await flush(false)
          check()
        }
      }
    }

    try {
      await readAll()
    } catch (e) {
      if (!stopping) throw e // a destroyed stdin ends the iteration with an error: expected when stopping
    } finally {
      ro.signal?.removeEventListener('abort', stop)
    }
    if (stopping) {
      // drain: let the batches in flight finish, write what is answered in order, start nothing new
      while (inFlight > 0) {
        await completion()
        await flush(false)
      }
      await flush(true)
      check()
      return { lines: nextOut, settled, computed, rejected, faults, retriedBatches, failedBatches, interrupted: true }
    }
    splitter.end()
    for (let l = 0; l < o.lanes; l++) seal(l)
    pump()
    while (nextOut < nextSeq) {
      if (inFlight === 0 && ready.length === 0 && !answerBatch.has(nextOut)) throw new Error('pool: answers missing with no batch in flight')
      if (!answerBatch.has(nextOut)) await completion()
      check()
      await flush(false)
    }
    await flush(true)
    check()
    return { lines: nextOut, settled, computed, rejected, faults, retriedBatches, failedBatches, interrupted: false }
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
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  return priorAnswer(prior, msgid, bodyHash(body))
}
