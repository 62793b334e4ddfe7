// A recording run (a ledger, not --dry-run): each line goes to its person's lane (fnv1a(psn_no) mod lanes), a lane has
// one batch in flight, and a batch holds at most one claim per person — so a person's claims are recorded in input
// order and each sees the ones before it (README "Per-person order: lanes").
import { Buffer } from 'node:buffer'
import type { BatchOut } from './batch-runner.js'
import { fnv1a32 } from '../fnv.js'
import { LineSplitter, routedPsnNo } from './lines.js'
import { PoolRun } from './run.js'

/**
 * A lane batch's answer, line i at out.bytes[starts[i], starts[i + 1]). Its lines are in ascending input order, so
 * they are written in order 0, 1, 2 … (`next`).
 */
interface LaneAnswer { readonly out: BatchOut; readonly starts: Int32Array; next: number }

interface LaneBatch { readonly lane: Lane; readonly seqs: number[]; readonly parts: Buffer[]; readonly bytes: number }

/** A lane: the batch being filled (line views held until dispatched), its persons, whether one is in flight. */
interface Lane { parts: Buffer[]; seqs: number[]; bytes: number; readonly persons: Set<string>; busy: boolean }

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

export class LaneRun extends PoolRun {
  private readonly lanes: Lane[] = Array.from({ length: this.o.lanes }, () => ({ parts: [], seqs: [], bytes: 0, persons: new Set(), busy: false }))
  private readonly ready: LaneBatch[] = []
  /** The answer of each input line not yet written, by its input sequence number. */
  private readonly answerOf = new Map<number, LaneAnswer>()
  private nextSeq = 0
  private nextOut = 0
  private readonly splitter = new LineSplitter((line) => {
    const psn = routedPsnNo(line)
    const lane = this.lanes[fnv1a32(psn) % this.o.lanes] as Lane
    // one claim per person in a recording batch (decided outside the write lock: ledger/settle.ts settleBodies)
    if (lane.persons.has(psn)) this.seal(lane)
    lane.persons.add(psn)
    lane.parts.push(line)
    lane.seqs.push(this.nextSeq++)
    lane.bytes += line.length
    if (lane.parts.length >= this.o.batchSize) this.seal(lane)
  })

  protected push(chunk: Buffer): void {
    this.splitter.push(chunk)
  }

  protected end(): void {
    this.splitter.end()
    for (const lane of this.lanes) this.seal(lane)
  }

  private seal(lane: Lane): void {
    if (lane.parts.length === 0) return
    this.ready.push({ lane, seqs: lane.seqs, parts: lane.parts, bytes: lane.bytes + lane.parts.length - 1 })
    lane.parts = []
    lane.seqs = []
    lane.bytes = 0
    lane.persons.clear()
  }

  /** Oldest sealed batch first, skipping lanes that already have one in flight (a person's order). */
  protected pump(): void {
    if (this.stopped) return
    for (let i = 0; i < this.ready.length && this.inFlight < this.maxInFlight;) {
      const b = this.ready[i] as LaneBatch
      if (b.lane.busy) { i++; continue }
      this.ready.splice(i, 1)
      this.start(b)
    }
  }

  private start(b: LaneBatch): void {
    // the lines are copied into the batch's shared buffer only now: a batch waiting its turn holds only views
    const sab = this.runner.inputs.acquire(b.bytes)
    const view = Buffer.from(sab, 0, b.bytes)
    let at = 0
    for (let i = 0; i < b.parts.length; i++) {
      if (i > 0) view[at++] = 0x0a
      at += (b.parts[i] as Buffer).copy(view, at)
    }
    const task = this.runner.task(sab, b.bytes, b.parts.length)
    b.lane.busy = true
    this.dispatch(task, (out) => {
      b.lane.busy = false
      const starts = lineStarts(out.bytes, b.seqs.length)
      if (starts === null || out.lines !== b.seqs.length) throw new Error(`pool: batch ${task.batchNo} did not answer ${b.seqs.length} lines`)
      const answer: LaneAnswer = { out, starts, next: 0 }
      for (const seq of b.seqs) this.answerOf.set(seq, answer)
    })
  }

  protected async flushAnswered(): Promise<void> {
    for (;;) {
      const a = this.answerOf.get(this.nextOut)
      if (a === undefined) return
      const i = a.next++
      this.answerOf.delete(this.nextOut)
      this.nextOut++
      await this.writer.add(a.out, a.starts[i] as number, a.starts[i + 1] as number, 1)
    }
  }

  /** Only the lane holding the oldest unanswered line is sealed early (everything after it waits on it). */
  protected backlogged(): boolean {
    if (this.nextSeq - this.nextOut <= this.o.maxPendingLines) return false
    const holder = this.lanes.find((l) => l.seqs[0] === this.nextOut)
    if (holder !== undefined) { this.seal(holder); this.pump() }
    return true
  }

  protected allAnswered(): boolean {
    return this.nextOut >= this.nextSeq
  }

  protected waiting(): number {
    return this.ready.length
  }
}
