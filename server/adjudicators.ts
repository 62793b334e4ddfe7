// Real-time settlement with adjudicator threads (`dipsettle serve --adjudicators N`): the event loop only speaks HTTP.
// A claim's way:
//   1. the route hands over the raw body text, the caller's hospital and the psn_no found in the text;
//   2. the claim waits for its person's previous claim to be answered (one claim per person at a time);
//   3. it joins the batch of the least busy adjudicator thread, sent at the end of this event-loop turn (everything
//      that arrived in one turn travels in one message per thread);
//   4. the thread parses, validates, checks the hospital, adjudicates against the committed ledger and answers: an
//      error, a final answer, or a prepared row;
//   5. a prepared row goes to the ledger writer thread (writer.ts), which appends it if the person's history is still
//      the one adjudicated against ('stale' → back to 4) and commits with whatever else is queued;
//   6. the answer (already serialised by the thread, its setl_id filled in) leaves after the commit.
import { isUtf8 } from 'node:buffer'
import { Worker } from 'node:worker_threads'
import { parseStrictJson } from '../engine/strict-json.js'
import { refusal } from './plugins/body-parsers.js'
import { routedPsnNo } from '../engine/pool/lines.js'
import { MAX_STALE_RETRIES, writtenAnswer, type LedgerWriter } from '../engine/ledger/writer.js'
import { withSetlId } from '../engine/ledger/sqlite.js'
import { workerFile } from '../engine/worker-file.js'
import type { AdjudicationBatch, AdjudicationBatchReply, AdjudicationReply, AdjudicationRequest, AdjudicatorConfig, ClaimReply } from './adjudicator-protocol.js'
import { errorReply, replyOf } from './claim-checks.js'
import { HttpError } from './errors.js'
import { PersonQueue } from './person-queue.js'

interface Thread {
  readonly worker: Worker
  /** Ids sent to the thread and not answered yet. */
  readonly sent: Set<number>
  queued: AdjudicationRequest[]
}

const internal = (): ClaimReply => errorReply(new HttpError('E_INTERNAL'))

export class Adjudicators {
  private readonly threads: Thread[] = []
  private readonly waiting = new Map<number, (r: AdjudicationReply) => void>()
  private readonly queue = new PersonQueue()
  private nextId = 1
  private scheduled = false

  private closing = false

  private constructor(private readonly writer: LedgerWriter, private readonly config: AdjudicatorConfig) {}

  /** Starts `threads` adjudicator threads (each loads the tables) and resolves when all are ready. */
  static async start(o: AdjudicatorConfig & { readonly threads: number; readonly writer: LedgerWriter }): Promise<Adjudicators> {
    if (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > 64) {
      throw new TypeError(`adjudicators: threads must be an integer from 1 to 64, got ${String(o.threads)}`)
    }
    const a = new Adjudicators(o.writer, { tablesFile: o.tablesFile, policyFile: o.policyFile, ledgerFile: o.ledgerFile })
    await Promise.all(Array.from({ length: o.threads }, () => a.spawn()))
    return a
  }

  /** A new thread in the rotation; resolves once it runs. */
  private spawn(): Promise<void> {
    const { workerFile: file, execArgv } = workerFile(import.meta.url, 'adjudicator-thread')
    const worker = new Worker(file, { workerData: this.config, execArgv: [...execArgv] })
    const t: Thread = { worker, sent: new Set(), queued: [] }
    worker.on('message', (m: AdjudicationBatchReply) => {
      for (const r of m.replies) {
        t.sent.delete(r.id)
        const w = this.waiting.get(r.id)
        this.waiting.delete(r.id)
        w?.(r)
      }
    })
    worker.on('error', () => {})
    worker.on('exit', () => this.lost(t))
    this.threads.push(t)
    return new Promise((resolve, reject) => {
      worker.once('online', () => resolve())
      worker.once('error', reject)
    })
  }

  /** Claims handed over and not yet answered. */
  get pending(): number {
    return this.queue.pending
  }

  /** POST /v1/settlements: the whole answer for a raw body from `hospital` (null: an admin credential). */
  settle(raw: Buffer, hospital: string | null): Promise<ClaimReply> {
    // the person as the pool's router finds it in the raw bytes; the thread checks the parsed one agrees
    const psnNo = routedPsnNo(raw)
    // bytes that are not UTF-8 are refused here, naming the byte: the text sent to the thread would hold U+FFFD
    if (!isUtf8(raw)) {
      const r = parseStrictJson(raw)
      return Promise.resolve(errorReply(r.ok ? new HttpError('E_FIELD_FORMAT', '', 'the body is not UTF-8') : refusal(r)))
    }
    const body = raw.toString('utf8')
    return this.queue.run(psnNo, () => this.settleInOrder(body, hospital, psnNo))
  }

  /** Resolves when no claim is in flight. */
  drain(): Promise<void> {
    return this.queue.drain()
  }

  async close(): Promise<void> {
    await this.drain()
    this.closing = true
    await Promise.all(this.threads.map((t) => t.worker.terminate()))
  }

  private async settleInOrder(body: string, hospital: string | null, psnNo: string): Promise<ClaimReply> {
    for (let attempt = 0; attempt <= MAX_STALE_RETRIES; attempt++) {
      const r = await this.adjudicate({ id: this.nextId++, hospital, body, psnNo })
      if (r.kind !== 'record') return r
      const w = await this.writer.submit(r.record, r.version)
      if (w.status === 'appended') return { kind: 'answer', json: withSetlId(r.json, w.setlId), status: 'settled', codes: [] }
      if (w.status !== 'stale') return replyOf(writtenAnswer(w, r.record.msgid))
    }
    return internal()
  }

  /** One request to the least busy thread, in this turn's batch. */
  private adjudicate(q: AdjudicationRequest): Promise<AdjudicationReply> {
    let t = this.threads[0]
    if (t === undefined) return Promise.resolve({ id: q.id, ...internal() })
    for (const c of this.threads) if (c.sent.size + c.queued.length < t.sent.size + t.queued.length) t = c
    const thread = t
    return new Promise((resolve) => {
      this.waiting.set(q.id, resolve)
      thread.queued.push(q)
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.send())
      }
    })
  }

  private send(): void {
    this.scheduled = false
    for (const t of this.threads) {
      if (t.queued.length === 0) continue
      const batch: AdjudicationBatch = { requests: t.queued }
      for (const q of t.queued) t.sent.add(q.id)
      t.queued = []
      t.worker.postMessage(batch)
    }
  }

  /**
   * A thread that died: what it held is answered 500 (nothing of it was written: the thread writes nothing) and a new
   * thread takes its place.
   */
  private lost(t: Thread): void {
    const i = this.threads.indexOf(t)
    if (i >= 0) this.threads.splice(i, 1)
    for (const id of [...t.sent, ...t.queued.map((q) => q.id)]) {
      const w = this.waiting.get(id)
      this.waiting.delete(id)
      w?.({ id, ...internal() })
    }
    if (!this.closing) void this.spawn().catch(() => {})
  }
}
