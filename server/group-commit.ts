// Group commit: real-time settlements that arrive together share one ledger transaction (one WAL commit) before any
// of them is answered. Claims parsed in the same event-loop turn (or within `windowMs`) are queued and settled by
// processBatch at setImmediate / after the window; a lone claim waits for nothing but the current turn to end.
// Order is arrival order, so two concurrent requests with one msgid settle once: the second replays the first.
import type { AdjudicationResult } from '../engine/result.js'

/**
 * 'thread' (default where it applies): the ledger writer thread commits (writer-commit.ts); 'immediate': claims parsed
 * in one event-loop turn share a transaction on the event loop; a number: the same within that many ms; false: one
 * transaction per claim.
 */
export type GroupCommitMode = 'thread' | 'immediate' | number | false

/** How the settlement route hands a claim over to be settled and recorded. */
export interface ClaimCommitter {
  /**
   * The claim's answer once it is recorded (or rejected); a storage fault rejects the promise. `text`: the body's JSON
   * as received, for a committer that can use it (the ledger writer thread hashes it off the event loop).
   */
  submit(body: unknown, text?: string): Promise<AdjudicationResult>
  /** Claims submitted and not yet answered. */
  readonly pending: number
  /** Resolves once every submitted claim is answered (shutdown). */
  drain(): Promise<void>
  /** Releases what the committer holds (a writer thread, a pool), after drain; the app calls it on close. */
  close?(): Promise<void>
}

interface Pending {
  readonly body: unknown
  readonly resolve: (r: AdjudicationResult) => void
  readonly reject: (e: unknown) => void
}

export class GroupCommitter implements ClaimCommitter {
  private queue: Pending[] = []
  private scheduled = false

  constructor(
    private readonly settleOne: (body: unknown) => AdjudicationResult,
    private readonly settleMany: (bodies: readonly unknown[]) => AdjudicationResult[],
    private readonly mode: Exclude<GroupCommitMode, 'thread'>,
    private readonly onCommit: (claims: number, seconds: number) => void = () => {},
  ) {}

  submit(body: unknown): Promise<AdjudicationResult> {
    if (this.mode === false) {
      const t0 = process.hrtime.bigint()
      try {
        return Promise.resolve(this.settleOne(body))
      } finally {
        this.onCommit(1, Number(process.hrtime.bigint() - t0) / 1e9)
      }
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ body, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        const mode = this.mode
        const windowMs = mode === 'immediate' || mode === false ? 0 : mode
        if (windowMs <= 0) setImmediate(() => this.flush())
        else setTimeout(() => this.flush(), windowMs)
      }
    })
  }

  /** Claims queued and not yet answered (flush settles and answers a batch synchronously). */
  get pending(): number {
    return this.queue.length
  }

  drain(): Promise<void> {
    this.flush()
    return Promise.resolve()
  }

  /** Settle everything queued now (also called before the ledger closes). */
  flush(): void {
    this.scheduled = false
    const batch = this.queue
    if (batch.length === 0) return
    this.queue = []
    const t0 = process.hrtime.bigint()
    let results: AdjudicationResult[] | undefined
    try {
      results = batch.length === 1 ? [this.settleOne(batch[0]!.body)] : this.settleMany(batch.map((p) => p.body))
    } catch {
      // the shared transaction rolled back: settle one by one, so one faulty claim fails alone
      results = undefined
    }
    this.onCommit(batch.length, Number(process.hrtime.bigint() - t0) / 1e9)
    if (results !== undefined && results.length === batch.length) {
      batch.forEach((p, i) => p.resolve(results[i] as AdjudicationResult))
      return
    }
    for (const p of batch) {
      try {
        p.resolve(this.settleOne(p.body))
      } catch (e) {
        p.reject(e)
      }
    }
  }
}
