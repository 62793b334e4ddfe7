// A run that records nothing (no ledger, or --dry-run): every claim is adjudicated against the same committed history
// and changes none, so claims are independent and need no lanes. The main thread cuts the input into runs of
// `batchSize` consecutive lines at newline boundaries — it neither looks into a line nor copies lines one by one —
// and writes each batch's answer bytes whole, in batch order. The worker splits, skips blank lines and checks `psn_no`
// as it does for a lane batch, so the answers are the same bytes either way (README "Two ways to cut batches").
import { Buffer } from 'node:buffer'
import type { BatchOut } from './batch-runner.js'
import { PoolRun } from './run.js'

interface RangeBatch { readonly index: number; readonly parts: Buffer[]; readonly bytes: number; readonly lines: number }

export class InOrderRun extends PoolRun {
  // the batch being cut: views of the chunks it spans, and the newlines seen in it
  private parts: Buffer[] = []
  private partBytes = 0
  private lines = 0
  private readonly ready: RangeBatch[] = []
  /** Answers by batch index (batches are numbered in input order). */
  private readonly answers = new Map<number, BatchOut>()
  private cut = 0
  private nextOut = 0
  /** Batches cut but not yet written, at most (then reading waits): maxPendingLines' worth, and room for those in flight. */
  private readonly maxBatchesAhead = Math.max(2 * this.maxInFlight, Math.ceil(this.o.maxPendingLines / this.o.batchSize))

  protected push(chunk: Buffer): void {
    let start = 0
    let pos = 0
    for (;;) {
      const nl = chunk.indexOf(0x0a, pos)
      if (nl < 0) break
      pos = nl + 1
      if (++this.lines >= this.o.batchSize) {
        this.take(chunk, start, pos)
        this.seal()
        start = pos
      }
    }
    if (start < chunk.length) this.take(chunk, start, chunk.length)
  }

  private take(chunk: Buffer, start: number, end: number): void {
    this.parts.push(chunk.subarray(start, end))
    this.partBytes += end - start
  }

  /** The last line may lack its newline: the worker's splitter takes it as it is. */
  protected end(): void {
    this.seal()
  }

  private seal(): void {
    if (this.partBytes > 0) this.ready.push({ index: this.cut++, parts: this.parts, bytes: this.partBytes, lines: this.lines })
    this.parts = []
    this.partBytes = 0
    this.lines = 0
  }

  protected pump(): void {
    if (this.stopped) return
    while (this.ready.length > 0 && this.inFlight < this.maxInFlight) this.start(this.ready.shift() as RangeBatch)
  }

  private start(b: RangeBatch): void {
    const sab = this.runner.inputs.acquire(b.bytes)
    const view = Buffer.from(sab, 0, b.bytes)
    let at = 0
    for (const p of b.parts) at += p.copy(view, at)
    // lines counts newlines, blank lines included: the worker answers only the others
    this.dispatch(this.runner.task(sab, b.bytes, b.lines), (out) => { this.answers.set(b.index, out) })
  }

  protected async flushAnswered(): Promise<void> {
    for (;;) {
      const out = this.answers.get(this.nextOut)
      if (out === undefined) return
      this.answers.delete(this.nextOut)
      this.nextOut++
      if (out.lines > 0) await this.writer.add(out, 0, out.bytes.length, out.lines)
      else if (out.slot !== null) this.runner.releaseOut(out.slot)
    }
  }

  /**
   * Reading stops while more batches wait to be dispatched than run, or while more are cut and not yet written than
   * maxPendingLines allows (answers held behind a slow earlier batch): memory stays bounded on any input size.
   */
  protected backlogged(): boolean {
    return this.ready.length > this.maxInFlight || this.cut - this.nextOut > this.maxBatchesAhead
  }

  protected allAnswered(): boolean {
    return this.nextOut >= this.cut && this.partBytes === 0
  }

  protected waiting(): number {
    return this.ready.length
  }
}
