// `dipsettle adjudicate --workers [N]`: the pool behind the CLI, with a progress bar on stderr for long runs
// (claims done, claims/s, ETA when stdin is a file of known size) that stays quiet when stderr is not a TTY.
import { createReadStream, createWriteStream, existsSync, fstatSync } from 'node:fs'
import { finished } from 'node:stream/promises'
import type { Readable, Writable } from 'node:stream'
import cliProgress from 'cli-progress'
import { AdjudicationPool } from './pool.js'
import type { PoolProgress, RunSummary } from './pool.js'
import { defaultWorkers, MAX_WORKERS } from './options.js'
import { DEMO_TABLES_FILE } from '../paths.js'
import { usageError } from '../cli/usage.js'

export interface PoolCliOptions {
  readonly workers: number
  /** Default: the demo region's tables. */
  readonly tablesFile?: string
  readonly policyFile?: string
  readonly ledgerFile?: string
  readonly dryRun: boolean
  readonly batchSize?: number
  /** Answers without their per-line detail (`--compact`). */
  readonly compact?: boolean
}

/** `--workers` alone means the default (cores − 1, at least 1); `--workers N` that many. Null: not a count. */
export function parseWorkers(v: string | true): number | null {
  if (v === true) return defaultWorkers()
  const n = Number(v)
  return Number.isInteger(n) && n >= 1 && n <= MAX_WORKERS ? n : null
}

/** Runs stdin → stdout through the pool; resolves with the summary (faults > 0 → the caller exits 1). */
export async function runPoolCli(o: PoolCliOptions): Promise<RunSummary> {
  // the main thread never loads the tables (each worker does); it checks what a worker would fail on, up front
  const tablesFile = o.tablesFile ?? DEMO_TABLES_FILE
  if (!existsSync(tablesFile)) {
    usageError(`tables file ${tablesFile} does not exist: run \`dipsettle data build\` (or pass --tables FILE)`)
  }
  // the policy module (its schema, typebox and ajv) is imported only when there is a policy file to check
  if (o.policyFile !== undefined) (await import('../policy/validate.js')).loadPolicyFile(o.policyFile)
  const pool = new AdjudicationPool({
    workers: o.workers, tablesFile, policyFile: o.policyFile ?? null, ledgerFile: o.ledgerFile ?? null,
    dryRun: o.dryRun, compact: o.compact === true, ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
  })
  const progress = progressReporter()
  // SIGINT/SIGTERM: stop reading, let the batches in flight commit, print the answers in order, then exit (drain)
  const stop = new AbortController()
  const onSignal = (): void => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    // a worker that cannot start (tables unreadable) fails the command here, before any line is answered
    await pool.ready()
    const io = stdio()
    // stdout (a pipe, a file or a terminal) is done with a Buffer by its write callback
    const summary = await pool.run(io.input, io.output, { onProgress: progress.update, signal: stop.signal, writeInPlace: true })
    await io.end()
    if (summary.interrupted) {
      progress.stop()
      process.stderr.write(`dipsettle: interrupted after ${summary.lines} answered line(s); ` +
        'claims recorded but not printed replay their answer when the same input is run again\n')
    }
    return summary
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    progress.stop()
    await pool.close()
  }
}

function isFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile()
  } catch {
    return false
  }
}

/**
 * stdin and stdout, read and written as a user runs `adjudicate < in.jsonl > out.jsonl`. A file on stdin is read in
 * 1 MB chunks instead of process.stdin's 64 KB (16× fewer chunks for the main thread to allocate, cut and collect);
 * a file on stdout is written asynchronously (process.stdout writes a file synchronously, the main thread blocked
 * while each batch's answer is copied to the kernel and the workers waiting for their next batch). Pipes and
 * terminals keep process.stdin / process.stdout.
 */
function stdio(): { input: Readable; output: Writable; end: () => Promise<void> } {
  const input = isFile(0) ? createReadStream('', { fd: 0, highWaterMark: 1 << 20, autoClose: false }) : process.stdin
  if (!isFile(1)) return { input, output: process.stdout, end: async () => {} }
  const output = createWriteStream('', { fd: 1, autoClose: false })
  return { input, output, end: async () => { output.end(); await finished(output) } }
}

interface Reporter {
  readonly update: (p: PoolProgress) => void
  readonly stop: () => void
}

const QUIET: Reporter = { update: () => {}, stop: () => {} }
/** A run shorter than this shows no bar at all. */
const SHOW_AFTER_MS = 1000

function progressReporter(): Reporter {
  if (!process.stderr.isTTY) return QUIET
  let totalBytes = 0
  try {
    const st = fstatSync(0)
    if (st.isFile()) totalBytes = st.size
  } catch {
    // no stdin to stat: no ETA
  }
  const started = Date.now()
  let bar: cliProgress.SingleBar | null = null
  const format = totalBytes > 0
    ? 'adjudicate [{bar}] {percentage}% | {claims} claims | {rate} claims/s | ETA {eta_formatted}'
    : 'adjudicate {claims} claims | {rate} claims/s'
  return {
    update: (p) => {
      const ms = Date.now() - started
      if (bar === null) {
        if (ms < SHOW_AFTER_MS) return
        bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true, etaBuffer: 50, fps: 5 },
          cliProgress.Presets.shades_classic)
        bar.start(totalBytes > 0 ? totalBytes : 1, 0, { claims: 0, rate: 0 })
      }
      const rate = Math.round(p.lines / (ms / 1000))
      bar.update(totalBytes > 0 ? Math.min(p.bytesRead, totalBytes) : 0, { claims: p.lines, rate })
    },
    stop: () => { bar?.stop() },
  }
}
