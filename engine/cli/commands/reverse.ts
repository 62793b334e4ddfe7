// `dipsettle reverse --ledger FILE` (SPEC §8): one `{ "setl_id", "msgid" }` per line (msgid: the reversal's own) →
// the reversal (the negated settlement under a new setl_id, `reverses` naming the original) or a rejection.
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { openLedger } from '../../ledger/sqlite.js'
import { processReversals } from '../../ledger/settle.js'
import { usageError } from '../usage.js'
import { DEFAULT_CHUNK_LINES, parseChunkLines, runJsonLines } from './adjudicate.js'
import { isPostgresUrl } from '../../ledger/postgres/ledger.js'
import { reversePostgres } from './postgres-lines.js'

export function register(program: Command): void {
  program.command('reverse')
    .description('one {"setl_id","msgid"} per JSON line → the reversal (撤销/冲正) or a rejection')
    .requiredOption('--ledger <file>', 'the ledger holding the settlements')
    .option('--tables <file>', 'accepted for symmetry with adjudicate; a reversal needs only the ledger')
    .option('--chunk <lines>', 'lines per transaction (group commit)', parseChunkLines, DEFAULT_CHUNK_LINES)
    .action(async (opts: { ledger: string; chunk: number }) => {
      if (isPostgresUrl(opts.ledger)) return reversePostgres(opts.ledger, opts)
      if (!existsSync(opts.ledger)) usageError(`ledger ${opts.ledger} does not exist`)
      const ledger = openLedger(opts.ledger)
      try {
        const faults = await runJsonLines((bodies) => processReversals(bodies, { ledger }), { chunkLines: opts.chunk })
        if (faults > 0) process.exitCode = 1
      } finally {
        ledger.close()
      }
    })
}
