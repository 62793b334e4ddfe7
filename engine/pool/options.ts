// Pool options, validated up front with a message that says what to pass (piscina style): a bad option is caught
// before any worker starts or any input is read.
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { PoolTestHook } from './protocol.js'

export interface PoolOptions {
  /** Worker threads. Default: one less than the cores, at least 1 (SPEC §8). */
  readonly workers?: number
  /** The SQLite lookup tables; each worker loads them once at start. */
  readonly tablesFile: string
  /** A policy file overriding the tables' policy. */
  readonly policyFile?: string | null
  /** Adjudicate against this ledger and record (unless dryRun). Without it: empty history, nothing recorded. */
  readonly ledgerFile?: string | null
  readonly dryRun?: boolean
  /**
   * Claims per batch (one worker task; recording, one ledger transaction). Default, chosen by bench/pool.ts: 100 for a
   * run that records nothing, 50 for one that records.
   */
  readonly batchSize?: number
  /** Lanes per worker: a person's claims always go through one lane; more lanes keep workers busy. Default 4. */
  readonly lanesPerWorker?: number
  /**
   * Lines read but not yet written, about at most (backpressure on stdin; cut in order, counted in whole batches).
   * Default: 4 × lanes × batchSize, ≥ 2048.
   */
  readonly maxPendingLines?: number
  /** Answers without their per-line detail (lines.ts compactAnswer). Default false. */
  readonly compact?: boolean
  /** The compiled worker (default: dist/engine/pool/worker.js beside this file, or the built one from source). */
  readonly workerFile?: string
  readonly execArgv?: readonly string[]
  /** Test-only: the workers' fault hook (default: from DIPSETTLE_POOL_TEST_HOOK). */
  readonly testHook?: PoolTestHook | null
}

export interface FilledPoolOptions {
  readonly workers: number
  readonly tablesFile: string
  readonly policyFile: string | null
  readonly ledgerFile: string | null
  readonly dryRun: boolean
  /** A ledger and not a dry run: claims are recorded (lanes; one transaction per batch). */
  readonly recording: boolean
  readonly batchSize: number
  readonly lanes: number
  readonly maxPendingLines: number
  readonly compact: boolean
  readonly workerFile: string
  readonly execArgv: readonly string[]
  readonly testHook: PoolTestHook | null
}

/** The default batch size of a run that records nothing (the best in bench/pool.ts's sweep in every run of 2026-11-25). */
const DEFAULT_BATCH_SIZE = 100
/** ... and of a recording run: each batch is one transaction holding the write lock (kept at 50; not re-measured). */
const DEFAULT_RECORDING_BATCH_SIZE = 50
export const DEFAULT_LANES_PER_WORKER = 4
export const MAX_WORKERS = 256

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1)
}

function positiveInt(name: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new TypeError(`options.${name} must be an integer from 1 to ${max}; got ${JSON.stringify(v)}`)
  }
  return v
}

function existingFile(name: string, v: unknown, hint: string): string {
  if (typeof v !== 'string' || v === '') throw new TypeError(`options.${name} must be a file path; ${hint}`)
  if (!existsSync(v)) throw new TypeError(`options.${name}: ${v} does not exist; ${hint}`)
  return v
}

export function fillOptions(o: PoolOptions, defaults: { workerFile: string; execArgv: readonly string[]; testHook: PoolTestHook | null }): FilledPoolOptions {
  if (o === null || typeof o !== 'object') throw new TypeError('options must be an object with at least { tablesFile }')
  const workers = o.workers === undefined ? defaultWorkers() : positiveInt('workers', o.workers, MAX_WORKERS)
  const tablesFile = existingFile('tablesFile', o.tablesFile, 'pass the lookup tables built by `dipsettle data build`')
  const policyFile = o.policyFile == null ? null : existingFile('policyFile', o.policyFile, 'pass a policy JSON file or omit it')
  // the ledger file may not exist yet: the ledger creates it
  if (o.ledgerFile != null && (typeof o.ledgerFile !== 'string' || o.ledgerFile === '')) {
    throw new TypeError('options.ledgerFile must be a file path (the SQLite ledger) or null')
  }
  const ledgerFile = o.ledgerFile ?? null
  if (o.dryRun !== undefined && typeof o.dryRun !== 'boolean') throw new TypeError('options.dryRun must be a boolean')
  const dryRun = o.dryRun ?? false
  if (dryRun && ledgerFile === null) throw new TypeError('options.dryRun needs options.ledgerFile (a dry run computes against a ledger)')
  const recording = ledgerFile !== null && !dryRun
  const batchSize = o.batchSize === undefined
    ? (recording ? DEFAULT_RECORDING_BATCH_SIZE : DEFAULT_BATCH_SIZE)
    : positiveInt('batchSize', o.batchSize, 100_000)
  const lanesPer = o.lanesPerWorker === undefined ? DEFAULT_LANES_PER_WORKER : positiveInt('lanesPerWorker', o.lanesPerWorker, 1024)
  const lanes = workers * lanesPer
  const maxPendingLines = o.maxPendingLines === undefined
    ? Math.max(2048, 4 * lanes * batchSize)
    : positiveInt('maxPendingLines', o.maxPendingLines, 100_000_000)
  if (maxPendingLines < batchSize) throw new TypeError(`options.maxPendingLines (${maxPendingLines}) must be at least options.batchSize (${batchSize})`)
  if (o.compact !== undefined && typeof o.compact !== 'boolean') throw new TypeError('options.compact must be a boolean')
  const compact = o.compact ?? false
  const workerFile = o.workerFile === undefined ? defaults.workerFile : existingFile('workerFile', o.workerFile, 'build with `npx tsc -p .` or omit it')
  if (!existsSync(workerFile)) throw new TypeError(`the pool worker ${workerFile} does not exist: build with \`npx tsc -p .\` (or pass options.workerFile)`)
  if (o.execArgv !== undefined && (!Array.isArray(o.execArgv) || !o.execArgv.every((a) => typeof a === 'string'))) {
    throw new TypeError("options.execArgv must be an array of strings, e.g. ['--import', 'tsx']")
  }
  const execArgv = o.execArgv ?? defaults.execArgv
  const testHook = o.testHook === undefined ? defaults.testHook : o.testHook
  return { workers, tablesFile, policyFile, ledgerFile, dryRun, recording, batchSize, lanes, maxPendingLines, compact, workerFile, execArgv, testHook }
}
