// `dipsettle adjudicate [--ledger FILE [--dry-run]] [--tables FILE] [--policy FILE]` (SPEC §8): one claim per input
// line → one answer per line, in order. With --ledger, lines are group-committed in chunks (one transaction and one
// fsync per chunk); a chunk's answers are written only after its transaction committed.
import type { Readable, Writable } from 'node:stream'
import type { Command } from 'commander'
import type { SettleEnv } from '../../ledger/settle.js'
import { isFault, type AdjudicationResult } from '../../result.js'
import { JsonLineWriter, readLineChunks } from '../jsonl.js'
import { usageError } from '../usage.js'
import { compactAnswer, inLineOrder, preAnswerLines } from '../../pool/lines.js'
import { parseWorkers, runPoolCli } from '../../pool/cli.js'
import { ledgerTarget } from '../../ledger/open.js'
import { isPostgresUrl } from '../../ledger/postgres/ledger.js'

// The engine, the SQLite ledger, the tables loader and the PostgreSQL path are imported when a path needs them, not
// with this module: `--workers` keeps the main thread to reading and writing, and loading them there was ~0.2 s of
// CPU of every run (bench/README.md, issue 17).
const settleModule = (): Promise<typeof import('../../ledger/settle.js')> => import('../../ledger/settle.js')

/**
 * Turns one chunk of parsed bodies into their answers, in order, committed before it returns. The in-process one
 * runs processBatch; the worker pool (`--workers N`) swaps in its own.
 */
export type ChunkProcessor = (bodies: readonly unknown[]) => readonly AdjudicationResult[] | Promise<readonly AdjudicationResult[]>

export function inProcessChunks(env: SettleEnv): ChunkProcessor {
  return async (bodies) => (await settleModule()).processBatch(bodies, env)
}

export const DEFAULT_CHUNK_LINES = 100

/**
 * Read JSON lines, answer each through `processChunk`, write one line per input line in order. A line that is not
 * JSON is answered E_BAD_JSON (field '') without reaching the processor, and so is a line whose psn_no is ambiguous
 * (E_FIELD_FORMAT, as the pool answers it). Returns the number of faults (E_FAILED).
 */
export async function runJsonLines(
  processChunk: ChunkProcessor,
  opts: { input?: Readable; output?: Writable; chunkLines?: number; compact?: boolean } = {},
): Promise<number> {
  const out = new JsonLineWriter(opts.output ?? process.stdout)
  let faults = 0
  for await (const lines of readLineChunks(opts.input ?? process.stdin, opts.chunkLines ?? DEFAULT_CHUNK_LINES)) {
    // the answer decided before processing (not JSON, an ambiguous psn_no), as the pool's workers decide it
    const { fixed, bodies } = preAnswerLines(lines)
    const answers = bodies.length > 0 ? await processChunk(bodies) : []
    for (const r of inLineOrder(fixed, answers)) {
      if (isFault(r)) faults++
      await out.write(opts.compact === true ? compactAnswer(r) : r)
    }
    await out.flush()
  }
  await out.flush()
  return faults
}

export function parseChunkLines(v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > 100_000) usageError(`--chunk must be an integer from 1 to 100000, got ${v}`)
  return n
}

export function register(program: Command): void {
  program.command('adjudicate')
    .description('one claim per JSON line on stdin → its settlement or rejection per line on stdout')
    .option('--ledger <file>', 'record against this ledger (created when missing)')
    .option('--dry-run', 'with --ledger: compute against its history, record nothing (2303 pre-settlement)')
    .option('--tables <file>', 'lookup tables (default: the demo region)')
    .option('--policy <file>', 'policy file (default: the one in the tables)')
    .option('--chunk <lines>', 'lines per transaction (group commit)', parseChunkLines, DEFAULT_CHUNK_LINES)
    .option('--workers [n]', 'adjudicate on N worker threads (alone: cores − 1); absent: in this thread')
    .option('--compact', 'answers without their per-line detail (lines); totals, splits, DIP and reasons kept')
    .action(async (opts: { ledger?: string; dryRun?: boolean; tables?: string; policy?: string; chunk: number; workers?: string | true; compact?: boolean }, cmd: Command) => {
      const pgUrl = ledgerTarget(opts.ledger)
      if (pgUrl !== undefined && isPostgresUrl(pgUrl)) {
        const workers = opts.workers === undefined ? undefined : parseWorkers(opts.workers)
        if (workers === null) usageError(`--workers must be an integer from 1 to 256, got ${String(opts.workers)}`)
        const { workers: _w, ...rest } = opts
        const { adjudicatePostgres } = await import('./postgres-lines.js')
        return adjudicatePostgres(pgUrl, { ...rest, ...(workers !== undefined ? { workers } : {}) })
      }
      if (opts.dryRun === true && opts.ledger === undefined) usageError('--dry-run needs --ledger FILE')
      if (opts.workers !== undefined) {
        // the worker pool (engine/pool/): same answers, a person's claims in input order, people in parallel
        const workers = parseWorkers(opts.workers)
        if (workers === null) usageError(`--workers must be an integer from 1 to 256, got ${String(opts.workers)}`)
        const summary = await runPoolCli({
          workers, dryRun: opts.dryRun === true, compact: opts.compact === true,
          ...(opts.tables !== undefined ? { tablesFile: opts.tables } : {}),
          ...(opts.policy !== undefined ? { policyFile: opts.policy } : {}),
          ...(opts.ledger !== undefined ? { ledgerFile: opts.ledger } : {}),
          ...(cmd.getOptionValueSource('chunk') === 'cli' ? { batchSize: opts.chunk } : {}),
        })
        if (summary.faults > 0) process.stderr.write(`dipsettle: ${summary.faults} line(s) could not be processed (E_FAILED)\n`)
        if (summary.faults > 0 || summary.interrupted) process.exitCode = 1
        return
      }
      const [{ openContext }, { openBulkLedger }, { withLedgerPersons }] = await Promise.all([
        import('../context.js'), import('../../ledger/sqlite.js'), import('../../persons/attach.js')])
      const ctx = openContext(opts)
      // a dry run records nothing: it never creates the file, and reads an existing one read-only
      const ledger = opts.ledger !== undefined ? openBulkLedger(opts.ledger, { dryRun: opts.dryRun === true }) : undefined
      try {
        const env: SettleEnv = { tables: withLedgerPersons(ctx.tables, opts.ledger, ledger?.db), policy: ctx.policy, dryRun: opts.dryRun === true, ...(ledger ? { ledger } : {}) }
        const faults = await runJsonLines(inProcessChunks(env), { chunkLines: opts.chunk, compact: opts.compact === true })
        if (faults > 0) {
          process.stderr.write(`dipsettle: ${faults} line(s) could not be processed (E_FAILED)\n`)
          process.exitCode = 1
        }
      } finally {
        ledger?.close()
      }
    })
}
