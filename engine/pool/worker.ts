// A pool worker (piscina): loads the lookup tables ONCE at start from the SQLite file and, with a ledger, opens its
// own connection; then answers batches of raw JSON-line bytes. Every claim gets an answer line, rejections included
// (errors thrown here would reach the main thread without their class): a bad line is E_BAD_JSON in place.
import { Buffer } from 'node:buffer'
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina'
import { loadTables } from '../tables/load.js'
import { refreshPersons, withLedgerPersons } from '../persons/attach.js'
import { openBulkLedger } from '../ledger/sqlite.js'
import { computeClaim, isFault, settleBodies, type SettleEnv } from '../ledger/settle.js'
import { bodyHash } from '../ledger/hash.js'
import { isObject } from '../claim.js'
import type { AdjudicationResult } from '../result.js'
import { compactAnswer, forEachLine, inLineOrder, parseJsonLine, preAnswer, preAnswerLines } from './lines.js'
import type { BatchAnswer, BatchTask, PoolHooks, WorkerConfig } from './protocol.js'

const config = workerData as WorkerConfig
// as the single-threaded CLI opens it (a dry run never creates it)
const ledger = config.ledgerFile !== null ? openBulkLedger(config.ledgerFile, { dryRun: config.dryRun }) : undefined
// persons are read on demand from the ledger (on this worker's connection) and the tables file, never loaded (SPEC §11)
const tables = withLedgerPersons(loadTables(config.tablesFile), config.ledgerFile, ledger?.db)
// the policy validator (ajv and the schema's compile) is imported only when a --policy file is to be checked
const policy = config.policyFile !== null ? (await import('../policy/validate.js')).loadPolicyFile(config.policyFile) : tables.policy
const env: SettleEnv = { tables, policy, dryRun: config.dryRun, ...(ledger ? { ledger } : {}) }
/** Recording runs decide outside the write lock and commit each batch in one transaction (ledger/settle.ts). */
const recording = ledger !== undefined && !config.dryRun
// test-only: the hooks a test installed (fault injection: test/pool/fault-hook.mjs); none in production
const hooks: PoolHooks = config.testHook === null ? {}
  : ((await import(config.testHook.module)) as { default: (data: unknown) => PoolHooks }).default(config.testHook.data)
if (hooks.during !== undefined && ledger !== undefined) {
  // the hook runs inside the batch's open transaction, after its records are appended and before COMMIT
  const commit = ledger.commit.bind(ledger)
  const during = hooks.during
  ledger.commit = (records) => ledger!.transaction(() => {
    const out = commit(records)
    during(records.map((r) => r.msgid))
    return out
  })
}

const encoder = new TextEncoder()


/**
 * Answers are UTF-8-encoded as they come straight into the batch's `out` buffer (shared with the main thread, which
 * writes them from there: no copy on either side). A batch whose answers outgrow `out` continues in this scratch
 * buffer, kept from batch to batch (it grows, never shrinks), and its bytes are copied out at their exact size and
 * moved to the main thread. Moving the scratch itself (up to twice the bytes used) doubled the external memory the
 * main thread receives, and with it the main thread's full GCs (V8 collects when external memory grows): measured
 * 18 % of its time against 7 %.
 */
let scratch = new Uint8Array(1024 * 1024)

/** Collects a batch's answers in order, as JSON-line bytes, and counts them by status. */
class AnswerSink {
  private used = 0
  /** Where the next answer goes: the batch's `out` buffer until an answer does not fit it, then `scratch`. */
  private into: Uint8Array
  private inOut: boolean
  settled = 0
  computed = 0
  rejected = 0
  faults = 0

  constructor(out: SharedArrayBuffer | null) {
    this.inOut = out !== null
    this.into = out !== null ? new Uint8Array(out) : scratch
  }

  add(r: AdjudicationResult): void {
    if (r.status === 'settled') this.settled++
    else if (r.status === 'computed') this.computed++
    else { this.rejected++; if (isFault(r)) this.faults++ }
    this.write(JSON.stringify(config.compact ? compactAnswer(r) : r))
  }

  private write(line: string): void {
    if (this.inOut) {
      // the line and its newline, if they fit what is left of `out`; else everything so far moves to scratch
      const room = this.into.length - this.used - 1
      if (room > 0) {
        const r = encoder.encodeInto(line, this.into.subarray(this.used, this.used + room))
        if (r.read === line.length) {
          this.used += r.written
          this.into[this.used++] = 0x0a
          return
        }
      }
      this.spill()
    }
    // at most 3 UTF-8 bytes per UTF-16 unit, plus the newline
    const need = this.used + line.length * 3 + 1
    if (need > scratch.length) {
      const grown = new Uint8Array(Math.max(need, scratch.length * 2))
      grown.set(scratch.subarray(0, this.used))
      scratch = grown
    }
    this.used += encoder.encodeInto(line, scratch.subarray(this.used)).written
    scratch[this.used++] = 0x0a
  }

  /** The answers so far, from `out` to scratch: the batch is answered in a buffer of its own. */
  private spill(): void {
    if (this.used > scratch.length) scratch = new Uint8Array(Math.max(this.used, scratch.length * 2))
    scratch.set(this.into.subarray(0, this.used))
    this.into = scratch
    this.inOut = false
  }

  answer(): BatchAnswer {
    const counts = { settled: this.settled, computed: this.computed, rejected: this.rejected, faults: this.faults }
    if (this.inOut) return { bytes: EMPTY, outBytes: this.used, ...counts }
    // too big for `out`: the exact bytes, copied out
    const bytes = scratch.slice(0, this.used)
    return movable({ bytes, outBytes: -1, ...counts })
  }
}

const EMPTY = new Uint8Array(0)

export function answerBatch(task: BatchTask): BatchAnswer {
  const view = Buffer.from(task.bytes, 0, task.byteLength)
  hooks.before?.(view)
  refreshPersons(tables)
  const sink = new AnswerSink(task.out)
  if (!recording) {
    // nothing recorded: each line is parsed, adjudicated and serialised before the next is read, so a claim's objects
    // die young (in the scavenger) instead of living as long as the batch. Measured: with the batch's objects alive,
    // V8's concurrent marking took the second core's spare time and 2 threads gave ~1.65x one; streamed, ~1.9x.
    forEachLine(view, (s, e) => {
      const line = view.subarray(s, e)
      const body = parseJsonLine(line)
      sink.add(preAnswer(body, line) ?? computeClaim(body, env))
    })
  } else if (ledger !== undefined) {
    // recording: decided against per-person snapshots outside the write lock, committed in one transaction
    const lines: Buffer[] = []
    forEachLine(view, (s, e) => { lines.push(view.subarray(s, e)) })
    const { fixed, bodies } = preAnswerLines(lines)
    const claims = bodies.map((b) => ({ body: b, hash: isObject(b) ? bodyHash(b) : null }))
    const answers = claims.length > 0 ? settleBodies(claims, ledger, env) : []
    for (const r of inLineOrder(fixed, answers)) sink.add(r)
  }
  hooks.after?.(view)
  return sink.answer()
}

/** Piscina moves (does not copy) the answer bytes when the result names them as transferable. */
function movable(a: BatchAnswer): BatchAnswer {
  const transfer = [a.bytes.buffer]
  // move() marks an object that names its transferables (piscina's protocol) as one to move, not clone
  return move({ [transferableSymbol]: transfer, [valueSymbol]: a } as never) as unknown as BatchAnswer
}

export default answerBatch
