// The ledger writer thread: the HTTP process's one writer. It takes prepared settlements (writer-protocol.ts) and
// appends every request waiting in its queue in ONE transaction (group commit: one fsync for all of them), then
// answers them together. The event loop that parses and adjudicates claims never waits for a commit.
//
// Per request, inside the transaction (a savepoint each, so one failure does not undo the others):
//   msgid seen?      → the first answer (same body) or E_MSGID_CONFLICT — as processClaim's settleOnce
//   person moved?    → 'stale' (another writer settled this person since the owner read the history)
//   else             → append (row, line set, accumulators) → 'appended' with its setl_id
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { bodyHash, msgidConflict } from './settle.js'
import { openLedger, withBodyHash } from './sqlite.js'
import { CLOSE, type WriteBatchAnswer, type WriteOutcome, type WriteRequest, type WriterConfig } from './writer-protocol.js'

const config = workerData as WriterConfig
if (parentPort === null) throw new Error('ledger writer: run me as a worker thread (engine/ledger/writer.ts)')
const port = parentPort
// SQLite's own busy handler sleeps 1, 2, 5, 10 … ms between tries for another process's write lock: this thread asks
// without waiting and retries every BUSY_RETRY_MS itself, up to busyTimeoutMs (one process per core on one file)
const busyTimeoutMs = config.busyTimeoutMs ?? 10_000
const ledger = openLedger(config.ledgerFile, { busyTimeoutMs })
ledger.db.pragma('busy_timeout = 0')
const BUSY_RETRY_MS = 0.1

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
      return ledger.transaction(fn)
    } catch (e) {
      if (!isBusy(e) || performance.now() >= deadline) throw e
      Atomics.wait(sleeper, 0, 0, BUSY_RETRY_MS)
      whileWaiting()
    }
  }
}

/** The request with its record's body hash filled in, when the owner left it to this thread (bodyText). */
function hashed(r: WriteRequest): WriteRequest {
  if (r.bodyText === undefined) return r
  // the owner parsed this text already (secure-json-parse: no __proto__ or constructor keys; a byte-order mark it
  // skipped is not in the text it sent), so it parses here
  return { id: r.id, version: r.version, record: withBodyHash(r.record, bodyHash(JSON.parse(r.bodyText))) }
}

/** Inside the batch's transaction; append() is this request's savepoint (the reads before it write nothing). */
function writeOne(request: WriteRequest): WriteOutcome {
  const r = hashed(request) // a no-op, unless hashing failed before (then it throws again: this request 'failed')
  const { msgid, psnNo, bodyHash } = r.record
  const prior = ledger.lookupMsgid(msgid)
  // a msgid seen before: its first answer (same body) or E_MSGID_CONFLICT, as processClaim answers; nothing written
  if (prior !== undefined) return prior.bodyHash === bodyHash ? { status: 'replayed', result: prior.result } : { status: 'conflict', reasons: msgidConflict(msgid).reasons }
  if (ledger.personVersion(psnNo) !== r.version) return { status: 'stale' }
  return ledger.append(r.record, { checkedMsgid: msgid })
}

/** One request in its own savepoint: a bug is that request's failure; a storage fault aborts the transaction. */
function isolated(r: WriteRequest): WriteOutcome & { id: number } {
  try {
    return { id: r.id, ...writeOne(r) }
  } catch (e) {
    if (e instanceof Database.SqliteError) throw e
    return { id: r.id, status: 'failed', message: (e as Error).message }
  }
}

/** The requests queued on the port now, into `batch`; true when the owner asked to close. */
function takeQueued(batch: WriteRequest[]): boolean {
  let closing = false
  for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
    const m = next.message as WriteRequest | typeof CLOSE
    if (m === CLOSE) closing = true
    else batch.push(m)
  }
  return closing
}

/** Writes the batch in one transaction; while another process holds the write lock, later requests join it. */
function writeBatch(batch: WriteRequest[]): { answer: WriteBatchAnswer; closing: boolean } {
  const t0 = process.hrtime.bigint()
  let closing = false
  // body hashes are computed outside the transaction (the write lock stays short): the batch's now, and those of
  // requests joining while another process holds the lock as they join (between two tries, outside any transaction)
  const hashFrom = (from: number): void => {
    for (let i = from; i < batch.length; i++) {
      try {
        batch[i] = hashed(batch[i] as WriteRequest)
      } catch {
        // left for isolated(), which answers this request 'failed' (a bug: its owner parsed the same text)
      }
    }
  }
  const join = (): void => {
    const from = batch.length
    if (takeQueued(batch)) closing = true
    hashFrom(from)
  }
  hashFrom(0)
  let answers: (WriteOutcome & { id: number })[]
  try {
    answers = transactionWhenFree(() => batch.map(isolated), join)
  } catch {
    // the shared transaction failed (disk full, I/O, lock timeout): each alone, so that one cannot fail the rest
    answers = batch.map((r) => {
      try {
        return transactionWhenFree(() => isolated(r))
      } catch (e) {
        return { id: r.id, status: 'failed', message: (e as Error).message }
      }
    })
  }
  return { answer: { answers, commitSeconds: Number(process.hrtime.bigint() - t0) / 1e9 }, closing }
}

port.on('message', (first: WriteRequest | typeof CLOSE) => {
  // everything queued behind the first message joins its transaction
  const batch: WriteRequest[] = first === CLOSE ? [] : [first]
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
