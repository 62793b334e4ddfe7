// A pool worker (piscina): loads the lookup tables ONCE at start from the SQLite file and, with a ledger, opens its
// own connection; then answers batches of raw JSON-line bytes. Every claim gets an answer line, rejections included
// (errors thrown here would reach the main thread without their class): a bad line is E_BAD_JSON in place.
import { Buffer } from 'node:buffer'
import { existsSync } from 'node:fs'
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina'
import { Packr } from 'msgpackr'
import { loadTables } from '../tables/load.js'
import { loadPolicyFile } from '../policy/validate.js'
import { openLedger, type SqliteLedger } from '../ledger/sqlite.js'
import { isFault, processBatch, type SettleEnv } from '../ledger/settle.js'
import { reason } from '../reasons.js'
import { rejectionToResult, type AdjudicationResult } from '../result.js'
import { maybeCrash } from './fault.js'
import { routedPsnNo } from './lines.js'
import { settleBatchSplit } from './settle-split.js'
import type { BatchAnswer, BatchTask, WorkerConfig } from './protocol.js'

const config = workerData as WorkerConfig
const tables = loadTables(config.tablesFile)
const policy = config.policyFile !== null ? loadPolicyFile(config.policyFile) : tables.policy
let ledger: SqliteLedger | undefined
if (config.ledgerFile !== null) {
  // as the single-threaded CLI: a dry run never creates the ledger and reads an existing one read-only
  if (!config.dryRun) ledger = openLedger(config.ledgerFile)
  else if (existsSync(config.ledgerFile)) ledger = openLedger(config.ledgerFile, { readonly: true })
}
const fault = config.fault
const env: SettleEnv = { tables, policy, dryRun: config.dryRun, ...(ledger ? { ledger } : {}) }
/** Recording runs adjudicate outside the write lock (settle-split.ts); the others are processBatch's pure path. */
const recording = ledger !== undefined && !config.dryRun
// test-only: die on one claim inside the batch's open write transaction (earlier claims recorded, not committed)
const beforeRecord = fault?.when === 'during'
  ? (msgid: string): void => { if (msgid === fault.exitOnMsgid) maybeCrash(fault, 'during', msgid) }
  : undefined

function answerBodies(bodies: readonly unknown[]): AdjudicationResult[] {
  if (bodies.length === 0) return []
  if (recording && ledger !== undefined) return settleBatchSplit(bodies, { ...env, ledger }, beforeRecord)
  return processBatch(bodies, env)
}
const packr = config.resultFormat === 'msgpack' ? new Packr() : null
const encoder = new TextEncoder()

/** The same answer the single-threaded CLI gives a line that is not JSON (engine/cli/commands/adjudicate.ts). */
const BAD_JSON = rejectionToResult('', [reason('E_BAD_JSON', '', 'the line is not valid JSON')])

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

export function answerBatch(task: BatchTask): BatchAnswer {
  const view = Buffer.from(task.bytes, 0, task.byteLength)
  maybeCrash(fault, 'before', view)
  // slot i: the body to process, or the answer already decided for line i
  const bodies: unknown[] = []
  const fixed: (AdjudicationResult | null)[] = []
  let s = 0
  for (let i = 0; i < task.count; i++) {
    let e = view.indexOf(0x0a, s)
    if (e < 0) e = view.length
    const body = parseLine(view.toString('utf8', s, e))
    if (body === undefined) {
      fixed.push(BAD_JSON)
    } else if (isObject(body) && typeof body['psn_no'] === 'string' && body['psn_no'] !== routedPsnNo(view.subarray(s, e))) {
      // the router saw another person than JSON.parse does (a repeated or nested "psn_no" key): running it could
      // break the per-person order, so it is refused — identically whatever the number of workers
      fixed.push(rejectionToResult(typeof body['msgid'] === 'string' ? body['msgid'] : '',
        [reason('E_FIELD_FORMAT', 'psn_no', 'psn_no must appear once, as a top-level string')]))
    } else {
      fixed.push(null)
      bodies.push(body)
    }
    s = e + 1
  }
  const answers = answerBodies(bodies)
  const results: AdjudicationResult[] = []
  let k = 0
  let settled = 0, computed = 0, rejected = 0, faults = 0
  for (const f of fixed) {
    const r = f ?? answers[k++]
    if (r === undefined) throw new Error('processBatch returned fewer answers than bodies')
    if (r.status === 'settled') settled++
    else if (r.status === 'computed') computed++
    else { rejected++; if (isFault(r)) faults++ }
    results.push(r)
  }
  maybeCrash(fault, 'after', view)
  let bytes: Uint8Array
  if (packr !== null) {
    // a fresh buffer (not msgpackr's reused one), moved to the main thread
    bytes = new Uint8Array(packr.pack(results))
  } else {
    let text = ''
    for (const r of results) text += JSON.stringify(r) + '\n'
    // TextEncoder gives a buffer of its own (Buffer.from may hand out a slice of a shared pool: not movable)
    bytes = encoder.encode(text)
  }
  return movable({ bytes, settled, computed, rejected, faults })
}

/** Piscina moves (does not copy) the answer bytes when the result names them as transferable. */
function movable(a: BatchAnswer): BatchAnswer {
  const transfer = [a.bytes.buffer]
  // move() marks an object that names its transferables (piscina's protocol) as one to move, not clone
  return move({ [transferableSymbol]: transfer, [valueSymbol]: a } as never) as unknown as BatchAnswer
}

export default answerBatch
