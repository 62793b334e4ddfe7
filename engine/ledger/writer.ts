// The owner's handle on the ledger writer thread (writer-thread.ts): submit a prepared settlement, get its outcome
// once the transaction holding it has committed. Requests are posted as they come; the thread gathers whatever is
// queued into one transaction, so the commits group themselves under load and a lone request waits for nobody.
// If the thread dies, the requests it held are answered 'failed' (nothing of an uncommitted transaction is in the
// file) and the next request starts a new thread.
import { Worker } from 'node:worker_threads'
import { adjudicate as realAdjudicate } from '../adjudicate/index.js'
import type { AdjudicationContext, Outcome } from '../adjudicate/types.js'
import type { Policy } from '../policy/types.js'
import { rejectionToResult, type AdjudicationResult } from '../result.js'
import type { Tables } from '../tables/types.js'
import { workerFile } from '../worker-file.js'
import { bodyHash, faultAnswer, priorAnswer } from './settle.js'
import { prepareRecord, type PreparedRecord, type SqliteLedger } from './sqlite.js'
import { CLOSE, type WriteBatchAnswer, type WriteOutcome, type WriteRequest, type WriterConfig } from './writer-protocol.js'


/** Re-adjudications of a claim answered 'stale' before giving up with E_FAILED (its person keeps changing). */
export const MAX_STALE_RETRIES = 8

/** What a claim to be appended by the writer thread comes to before the writer sees it. */
type AppendRead =
  | { readonly kind: 'answer'; readonly result: AdjudicationResult }
  | { readonly kind: 'record'; readonly version: number; readonly record: PreparedRecord; readonly result: AdjudicationResult }

/**
 * The writer owner's half of settling a claim (the HTTP paths: server/writer-commit.ts, server/adjudicator-thread.ts),
 * against the committed ledger: the msgid's first answer (or E_MSGID_CONFLICT); else the person's history version,
 * the adjudication, and — for a settlement — the record to append and its answer (setl_id ''). `ids.hash` null: the
 * body is hashed only to compare with a msgid seen before, and the record is left for the writer thread to hash
 * (LedgerWriter.submit with the body text). No read transaction:
 * the version is read before the history, so a write to this person after it moves the version and the writer
 * answers 'stale'.
 */
export function readForAppend(
  body: unknown, ids: { readonly msgid: string; readonly psnNo: string; readonly hash: string | null },
  env: { readonly tables: Tables; readonly policy: Policy; readonly ledger: SqliteLedger; readonly adjudicate?: (input: unknown, ctx: AdjudicationContext) => Outcome },
): AppendRead {
  const { ledger } = env
  const prior = ids.msgid === '' ? undefined : ledger.lookupMsgid(ids.msgid)
  if (prior !== undefined) return { kind: 'answer', result: priorAnswer(prior, ids.msgid, ids.hash ?? bodyHash(body)) }
  const version = ledger.personVersion(ids.psnNo)
  let outcome: Outcome
  try {
    outcome = (env.adjudicate ?? realAdjudicate)(body, { tables: env.tables, policy: env.policy, history: ledger })
  } catch (e) {
    return { kind: 'answer', result: faultAnswer(ids.msgid, e) } // a storage fault is re-thrown: HTTP 500
  }
  if (outcome.status === 'rejected') return { kind: 'answer', result: rejectionToResult(outcome.msgid, outcome.reasons) }
  // hash null: the writer thread hashes the body text (the record's hash stays '' until then)
  return { kind: 'record', version, ...prepareRecord(outcome.settlement, ids.hash ?? '') }
}

/** The claim's answer for what the writer said, but 'appended' (the caller sets setl_id) and 'stale' (read again). */
export function writtenAnswer(w: Exclude<WriteOutcome, { readonly status: 'appended' | 'stale' }>, msgid: string): AdjudicationResult {
  switch (w.status) {
    case 'replayed': return w.result
    case 'conflict':
    case 'rejected': return rejectionToResult(msgid, w.reasons)
    case 'failed': return faultAnswer(msgid, new Error(w.message))
  }
}

export interface LedgerWriterOptions extends WriterConfig {
  /** Called once per committed transaction with its size and duration (metrics). */
  readonly onCommit?: (claims: number, seconds: number) => void
}

export class LedgerWriter {
  private worker: Worker | null = null
  private nextId = 1
  private readonly waiting = new Map<number, (o: WriteOutcome) => void>()
  private closed = false

  private constructor(private readonly options: LedgerWriterOptions) {}

  /** Starts the thread and resolves once it has opened the ledger. */
  static async start(options: LedgerWriterOptions): Promise<LedgerWriter> {
    if (typeof options.ledgerFile !== 'string' || options.ledgerFile === '' || options.ledgerFile === ':memory:') {
      throw new TypeError('LedgerWriter: options.ledgerFile must be the path of a ledger file (an in-memory ledger has no second connection)')
    }
    const w = new LedgerWriter(options)
    await w.spawn()
    return w
  }

  /**
   * Append `record` if its person's history is still at `version`; resolves after the commit. Never rejects. With
   * `bodyText` (the claim's JSON as received), the record's body hash is left '' and the thread computes it.
   */
  submit(record: PreparedRecord, version: number, bodyText?: string): Promise<WriteOutcome> {
    if (this.closed) return Promise.resolve({ status: 'failed', message: 'the ledger writer is closed' })
    const worker = this.worker ?? this.spawnNow()
    const id = this.nextId++
    const req: WriteRequest = bodyText === undefined ? { id, record, version } : { id, record, version, bodyText }
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      worker.postMessage(req)
    })
  }

  /** Waits for every submitted request, then closes the thread (and its connection). */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const w = this.worker
    if (w === null) return
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
    w.postMessage(CLOSE)
    await exited
  }

  private spawn(): Promise<void> {
    const w = this.spawnNow()
    return new Promise((resolve, reject) => {
      w.once('online', () => resolve())
      w.once('error', reject)
    })
  }

  private spawnNow(): Worker {
    const { workerFile: file, execArgv } = workerFile(import.meta.url, 'writer-thread')
    const config: WriterConfig = {
      ledgerFile: this.options.ledgerFile,
      ...(this.options.busyTimeoutMs !== undefined ? { busyTimeoutMs: this.options.busyTimeoutMs } : {}),
    }
    const w = new Worker(file, { workerData: config, execArgv: [...execArgv] })
    w.on('message', (m: WriteBatchAnswer) => {
      this.options.onCommit?.(m.answers.length, m.commitSeconds)
      for (const a of m.answers) {
        const resolve = this.waiting.get(a.id)
        this.waiting.delete(a.id)
        resolve?.(a)
      }
    })
    // an error event is followed by exit: answer what the dead thread held (its open transaction rolled back)
    w.on('error', () => {})
    w.on('exit', () => {
      if (this.worker === w) this.worker = null
      for (const [id, resolve] of this.waiting) {
        this.waiting.delete(id)
        resolve({ status: 'failed', message: 'the ledger writer stopped before committing' })
      }
    })
    this.worker = w
    return w
  }
}
