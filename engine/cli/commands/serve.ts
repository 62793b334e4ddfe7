// `dipsettle serve [--tables FILE --ledger FILE|URL] [--policy FILE] [--port N] [--host ADDR] [--workers N]` — the
// real-time HTTP service (SPEC §8, §9, §11: --ledger, or DIPSETTLE_LEDGER, may be a postgres:// URL). With neither
// --tables nor a ledger it serves the embedded demo region on port 8080, building what is missing and printing a demo
// hospital token, an admin token and a curl example once.
import type { Command } from 'commander'
import { prepareDemo, demoBanner } from '../../../server/demo.js'
import { serve, workerConfig, type ServeConfig } from '../../../server/serve.js'
import { usageError } from '../usage.js'
import { ledgerTarget } from '../../ledger/open.js'

interface ServeOpts {
  tables?: string; ledger?: string; policy?: string; port: string; host: string; workers: string; batchWorkers: string
}

function intOption(name: string, v: string, min: number, max: number): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) usageError(`serve: --${name} must be an integer from ${min} to ${max}, got "${v}"`)
  return n
}

export function register(program: Command): void {
  program.command('serve')
    .description('serve the HTTP API (no flags: the demo region on port 8080)')
    .option('--tables <file>', 'lookup tables (dipsettle data build)')
    .option('--ledger <file|url>', 'ledger file (created when missing) or postgres:// URL (default: $DIPSETTLE_LEDGER)')
    .option('--policy <file>', 'policy file (default: the one stored in the tables)')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <addr>', 'address to listen on (loopback by default; expose deliberately)', '127.0.0.1')
    .option('--workers <n>', 'processes sharing the port and the ledger. Default 1. A SQLite file: every write '
      + 'serialises on it, and one process group-commits concurrent claims into one fsync; more processes add CPU for '
      + 'adjudication but contend for the write lock. A PostgreSQL URL: each process commits on its own connections '
      + '(row locks per person), so processes add up', '1')
    .option('--batch-workers <n>', 'worker threads adjudicating POST /v1/batches off the event loop (engine/pool); '
      + '0 runs batches inline', '1')
    .action(async (opts: ServeOpts) => {
      const inWorker = workerConfig()
      if (inWorker) return serve(inWorker)
      const port = intOption('port', opts.port, 0, 65535)
      const workers = intOption('workers', opts.workers, 1, 64)
      const batchWorkers = intOption('batch-workers', opts.batchWorkers, 0, 64)
      let cfg: ServeConfig
      const ledger = ledgerTarget(opts.ledger)
      if (opts.tables === undefined && ledger === undefined) {
        const demo = await prepareDemo()
        cfg = { tablesFile: demo.tablesFile, ledgerFile: demo.ledgerFile, policyFile: opts.policy, port, host: opts.host,
          workers, batchWorkers, banner: (url) => demoBanner(demo, url) }
      } else {
        if (opts.tables === undefined || ledger === undefined) usageError('serve: pass both --tables FILE and --ledger FILE|URL (or neither, for the demo)')
        cfg = { tablesFile: opts.tables, ledgerFile: ledger, policyFile: opts.policy, port, host: opts.host, workers,
          batchWorkers }
      }
      await serve(cfg)
    })
}
