// The ledger writer thread: the HTTP process's one writer. It takes prepared records (writer-protocol.ts) and commits
// every request waiting in its queue in ONE transaction through the ledger's commit (sqlite/append.ts: msgid check,
// person-version check, append — a savepoint each), then answers them together (group commit: one fsync for all).
// The event loop that parses and decides claims never waits for a commit.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { withBodyHash } from './codec.js'
import { bodyHashOfText } from './hash.js'
import type { CommitOutcome } from './outcome.js'
import { openLedger } from './sqlite/ledger.js'
import { isStorageFull } from './sqlite/errors.js'
import { CLOSE, type WriteBatchAnswer, type WriteRequest, type WriterConfig } from './writer-protocol.js'

const config = workerData as WriterConfig
if (parentPort === null) throw new Error('ledger writer: run me as a worker thread (engine/ledger/writer.ts)')
const port = parentPort
// SQLite's own busy handler sleeps 1, 2, 5, 10 … ms between tries for another process's write lock: this thread asks
// without waiting and retries every BUSY_RETRY_MS itself, up to busyTimeoutMs (one process per core on one file)
const busyTimeoutMs = config.busyTimeoutMs ?? 10_000
const ledger = openLedger(config.ledgerFile, { busyTimeoutMs })
ledger.db.pragma('busy_timeout = 0')
const BUSY_RETRY_MS = 0.1
const testHook = config.testHookModule === undefined ? undefined
  : ((await import(config.testHookModule)) as { default: (db: Database.Database) => void }).default

const sleeper = new Int32Array(new SharedArrayBuffer(4))

function isBusy(e: unknown): boolean {
  return e instanceof Database.SqliteError && (e.code === 'SQLITE_BUSY' || e.code.startsWith('SQLITE_BUSY_'))
}

/**
 * fn in one write transaction, waiting for another process's write lock in short sleeps (a busy fn is re-run whole);
 * `whileWaiting` runs at each sleep (the batch takes in the requests that arrive meanwhile).
 */
function transactionWhenFree<T>(fn: () => T, whileWaiting: () => void = () => {}): T {
  const deadline = performance.now() + busyTimeoutMs
  for (;;) {
    try {
      testHook?.(ledger.db)
      return ledger.transaction(fn)
    } catch (e) {
      if (!isBusy(e) || performance.now() >= deadline) throw e
      Atomics.wait(sleeper, 0, 0, BUSY_RETRY_MS)
      whileWaiting()
    }
  }
}

/** The request with its record's body hash filled in, when the owner left it to this thread (bodyText). */
function hashed(r: WriteRequest): WriteRequest | { readonly id: number; readonly failed: string } {
  if (r.bodyText === undefined) return r
  try {
    return { id: r.id, record: withBodyHash(r.record, bodyHashOfText(r.bodyText)) }
  } catch (e) {
    return { id: r.id, failed: (e as Error).message } // a bug: its owner parsed the same text
  }
}

type Hashed = ReturnType<typeof hashed>

/** The requests queued on the port now, into `batch`; true when the owner asked to close. */
function takeQueued(batch: Hashed[]): boolean {
  let closing = false
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
    const m = next.message as WriteRequest | typeof CLOSE
    if (m === CLOSE) closing = true
    else batch.push(hashed(m))
  }
  return closing
}

/** The batch's outcomes, committed in one transaction (the ledger's commit; failed hashes answered alone). */
function commitAll(batch: readonly Hashed[]): (CommitOutcome & { id: number })[] {
  const requests = batch.filter((r): r is WriteRequest => !('failed' in r))
  const outcomes = requests.length > 0 ? ledger.commit(requests.map((r) => r.record)) : []
  let k = 0
  return batch.map((r) => ('failed' in r ? { id: r.id, status: 'failed', message: r.failed } : { id: r.id, ...(outcomes[k++] as CommitOutcome) }))
}

function failed(id: number, e: unknown): CommitOutcome & { id: number } {
  return { id, status: 'failed', message: (e as Error).message, ...(isStorageFull(e) ? { storageFull: true } : {}) }
}

/** Writes the batch in one transaction; while another process holds the write lock, later requests join it. */
function writeBatch(batch: Hashed[]): { answer: WriteBatchAnswer; closing: boolean } {
  const t0 = process.hrtime.bigint()
  let closing = false
  const join = (): void => { if (takeQueued(batch)) closing = true }
  let answers: (CommitOutcome & { id: number })[]
  try {
    answers = transactionWhenFree(() => commitAll(batch), join)
  } catch {
    // the shared transaction failed (disk full, I/O, lock timeout): each alone, so that one cannot fail the rest
    answers = batch.map((r) => {
      try {
        return transactionWhenFree(() => commitAll([r]))[0] as CommitOutcome & { id: number }
      } catch (e) {
        return failed(r.id, e)
      }
    })
  }
  return { answer: { answers, commitSeconds: Number(process.hrtime.bigint() - t0) / 1e9 }, closing }
}

port.on('message', (first: WriteRequest | typeof CLOSE) => {
  // everything queued behind the first message joins its transaction
  const batch: Hashed[] = first === CLOSE ? [] : [hashed(first)]
  let closing = first === CLOSE || takeQueued(batch)

  if (batch.length > 0) {
    const w = writeBatch(batch)
    port.postMessage(w.answer)
    closing ||= w.closing
  }
  if (closing) {
    ledger.close()
    port.close()
  }
})
