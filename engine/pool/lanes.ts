// A recording run (a ledger, not --dry-run): each line goes to its person's lane (fnv1a(psn_no) mod lanes), a lane has
// one batch in flight, and a batch holds at most one claim per person — so a person's claims are recorded in input
// order and each sees the ones before it (README "Per-person order: lanes").
import { Buffer } from 'node:buffer'
import type { BatchOut } from './batch-runner.js'
import { LineSplitter, personHash, routedPsnNo } from './lines.js'
import { PoolRun } from './run.js'

/** A lane batch's answer, with each line's offsets (line i at out.bytes[starts[i], starts[i + 1])). */
interface LaneAnswer { readonly out: BatchOut; readonly starts: Int32Array }

interface LaneBatch { readonly lane: number; readonly seqs: number[]; readonly parts: Buffer[]; readonly bytes: number }

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
  // lane state: the batch being filled (line views held until sealed), its persons, whether one is in flight
  private readonly building: Buffer[][] = Array.from({ length: this.o.lanes }, () => [])
  private readonly buildingSeqs: number[][] = Array.from({ length: this.o.lanes }, () => [])
  private readonly buildingBytes = new Array<number>(this.o.lanes).fill(0)
  private readonly buildingPersons: Set<string>[] = Array.from({ length: this.o.lanes }, () => new Set())
  private readonly laneBusy = new Array<boolean>(this.o.lanes).fill(false)
  private readonly ready: LaneBatch[] = []
  // the answer of each input line: its batch's answer, and its line's offsets there
  private readonly answerOf = new Map<number, LaneAnswer>()
  private readonly answerAt = new Map<number, number>()
  private nextSeq = 0
  private nextOut = 0
  private readonly splitter = new LineSplitter((line) => {
    const psn = routedPsnNo(line)
    const lane = personHash(psn) % this.o.lanes
    const persons = this.buildingPersons[lane] as Set<string>
    // one claim per person in a recording batch (settle-split.ts adjudicates it outside the write lock)
    if (persons.has(psn)) this.seal(lane)
    persons.add(psn)
    ;(this.building[lane] as Buffer[]).push(line)
    ;(this.buildingSeqs[lane] as number[]).push(this.nextSeq++)
    this.buildingBytes[lane] = (this.buildingBytes[lane] as number) + line.length
    if ((this.building[lane] as Buffer[]).length >= this.o.batchSize) this.seal(lane)
  })

  protected push(chunk: Buffer): void {
    this.splitter.push(chunk)
  }

  protected end(): void {
    this.splitter.end()
    for (let l = 0; l < this.o.lanes; l++) this.seal(l)
  }

  private seal(lane: number): void {
    const parts = this.building[lane] as Buffer[]
    if (parts.length === 0) return
    this.ready.push({ lane, seqs: this.buildingSeqs[lane] as number[], parts, bytes: (this.buildingBytes[lane] as number) + parts.length - 1 })
    this.building[lane] = []
    this.buildingSeqs[lane] = []
    this.buildingBytes[lane] = 0
    ;(this.buildingPersons[lane] as Set<string>).clear()
  }

  /** Oldest sealed batch first, skipping lanes that already have one in flight (a person's order). */
  protected pump(): void {
    if (this.stopped) return
    for (let i = 0; i < this.ready.length && this.inFlight < this.maxInFlight;) {
      const b = this.ready[i] as LaneBatch
      if (this.laneBusy[b.lane]) { i++; continue }
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
    this.laneBusy[b.lane] = true
    this.dispatch(task, (out) => {
      this.laneBusy[b.lane] = false
      const starts = lineStarts(out.bytes, b.seqs.length)
      if (starts === null || out.lines !== b.seqs.length) throw new Error(`pool: batch ${task.batchNo} did not answer ${b.seqs.length} lines`)
      const answer: LaneAnswer = { out, starts }
      for (let i = 0; i < b.seqs.length; i++) {
        this.answerOf.set(b.seqs[i] as number, answer)
        this.answerAt.set(b.seqs[i] as number, i)
      }
    })
  }

  protected async flushAnswered(): Promise<void> {
    for (;;) {
      const a = this.answerOf.get(this.nextOut)
      if (a === undefined) return
      const i = this.answerAt.get(this.nextOut) as number
      this.answerOf.delete(this.nextOut)
      this.answerAt.delete(this.nextOut)
      this.nextOut++
      await this.writer.add(a.out, a.starts[i] as number, a.starts[i + 1] as number, 1)
    }
  }

  /** Only the lane holding the oldest unanswered line is sealed early (everything after it waits on it). */
  protected backlogged(): boolean {
    if (this.nextSeq - this.nextOut <= this.o.maxPendingLines) return false
    for (let l = 0; l < this.o.lanes; l++) {
      if ((this.buildingSeqs[l] as number[])[0] === this.nextOut) { this.seal(l); this.pump(); break }
    }
    return true
  }

  protected allAnswered(): boolean {
    return this.nextOut >= this.nextSeq
  }

  protected waiting(): number {
    return this.ready.length
  }
}
