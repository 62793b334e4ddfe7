// `dipsettle serve [--tables FILE --ledger FILE] [--policy FILE] [--port N] [--host ADDR] [--workers N]` — the real-time
// HTTP service (SPEC §8, §9). With neither --tables nor --ledger it serves the embedded demo region on port 8080,
// building what is missing and printing a demo hospital token, an admin token and a curl example once.
import type { Command } from 'commander'
import { prepareDemo, demoBanner } from '../../../server/demo.js'
import { serve, workerConfig, type ServeConfig } from '../../../server/serve.js'
import type { GroupCommitMode } from '../../../server/group-commit.js'
import { usageError } from '../usage.js'

interface ServeOpts {
  tables?: string; ledger?: string; policy?: string; port: string; host: string; workers: string; batchWorkers: string; groupCommit: string; adjudicators: string
}

function intOption(name: string, v: string, min: number, max: number): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) usageError(`serve: --${name} must be an integer from ${min} to ${max}, got "${v}"`)
  return n
}

function groupCommitOption(v: string): GroupCommitMode {
  if (v === 'thread') return 'thread'
  if (v === 'immediate') return 'immediate'
  if (v === 'off') return false
  return intOption('group-commit', v, 1, 50)
}

export function register(program: Command): void {
  program.command('serve')
    .description('serve the HTTP API (no flags: the demo region on port 8080)')
    .option('--tables <file>', 'lookup tables (dipsettle data build)')
    .option('--ledger <file>', 'ledger file (created when missing)')
    .option('--policy <file>', 'policy file (default: the one stored in the tables)')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <addr>', 'address to listen on (loopback by default; expose deliberately)', '127.0.0.1')
    .option('--workers <n>', 'processes sharing the port and the ledger file. Default 1: every write serialises on '
      + 'the one SQLite ledger, and one process group-commits concurrent claims into one fsync; more processes add '
      + 'CPU for adjudication but contend for the write lock', '1')
    .option('--batch-workers <n>', 'worker threads adjudicating POST /v1/batches off the event loop (engine/pool); '
      + '0 runs batches inline', '1')
    .option('--group-commit <mode>', '"thread" (a ledger writer thread commits whatever claims are queued in one '
      + 'transaction while the event loop goes on adjudicating), "immediate" (claims arriving in one event-loop turn '
      + 'share a transaction, committed on the event loop), a window in ms (1–50), or "off"', 'thread')
    .option('--adjudicators <n>', 'threads that parse, validate and adjudicate POST /v1/settlements while the event loop '
      + 'only speaks HTTP (needs --group-commit thread). Default 0: adjudicated on the event loop, which measured as fast '
      + 'on the 2-core dev machine with the load generator on the other core (bench/README.md); use them on more cores', '0')
    .action(async (opts: ServeOpts) => {
      const inWorker = workerConfig()
      if (inWorker) return serve(inWorker)
      const port = intOption('port', opts.port, 0, 65535)
      const workers = intOption('workers', opts.workers, 1, 64)
      const batchWorkers = intOption('batch-workers', opts.batchWorkers, 0, 64)
      const groupCommit = groupCommitOption(opts.groupCommit)
      const adjudicators = intOption('adjudicators', opts.adjudicators, 0, 64)
      if (adjudicators > 0 && groupCommit !== 'thread') usageError('serve: --adjudicators needs --group-commit thread')
      let cfg: ServeConfig
      if (opts.tables === undefined && opts.ledger === undefined) {
        const demo = await prepareDemo()
        cfg = { tablesFile: demo.tablesFile, ledgerFile: demo.ledgerFile, policyFile: opts.policy, port, host: opts.host,
          workers, batchWorkers, groupCommit, adjudicators, banner: (url) => demoBanner(demo, url) }
      } else {
        if (opts.tables === undefined || opts.ledger === undefined) usageError('serve: pass both --tables FILE and --ledger FILE (or neither, for the demo)')
        cfg = { tablesFile: opts.tables, ledgerFile: opts.ledger, policyFile: opts.policy, port, host: opts.host, workers,
          batchWorkers, groupCommit, adjudicators }
      }
      await serve(cfg)
    })
}
