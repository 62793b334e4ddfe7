// The owner's handle on the ledger writer thread (writer-thread.ts): submit a prepared settlement, get its outcome
// once the transaction holding it has committed. Requests are posted as they come; the thread gathers whatever is
// queued into one transaction, so the commits group themselves under load and a lone request waits for nobody.
// If the thread dies, the requests it held are answered 'failed' (nothing of an uncommitted transaction is in the
// file) and the next request starts a new thread.
import { Worker } from 'node:worker_threads'
import { workerFile } from '../worker-file.js'
import type { PreparedRecord } from './codec.js'
import type { CommitOutcome } from './outcome.js'
import { CLOSE, type WriteBatchAnswer, type WriteRequest, type WriterConfig } from './writer-protocol.js'

export interface LedgerWriterOptions extends WriterConfig {
  /** Called once per committed transaction with its size and duration (metrics). */
  readonly onCommit?: (claims: number, seconds: number) => void
}

export class LedgerWriter {
  private worker: Worker | null = null
  private nextId = 1
  private readonly waiting = new Map<number, (o: CommitOutcome) => void>()
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
   * Commit `record` (port.ts commit: msgid, person version, append); resolves after the commit. Never rejects. With
   * `bodyText` (the claim's JSON as received), the record's body hash is left '' and the thread computes it.
   */
  submit(record: PreparedRecord, bodyText?: string): Promise<CommitOutcome> {
    if (this.closed) return Promise.resolve({ status: 'failed', message: 'the ledger writer is closed' })
    const worker = this.worker ?? this.spawnNow()
    const id = this.nextId++
    const req: WriteRequest = bodyText === undefined ? { id, record } : { id, record, bodyText }
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
      ...(this.options.testHookModule !== undefined ? { testHookModule: this.options.testHookModule } : {}),
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
