// `dipsettle ledger verify --ledger FILE` (SPEC §8): recompute every accumulator from the settlements and name each
// difference (exit 1), or print ok (exit 0).
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { openLedger } from '../../ledger/sqlite.js'
import { formatDifference } from '../../ledger/sqlite.js'
import { usageError } from '../usage.js'
import { isPostgresUrl } from '../../ledger/postgres/ledger.js'
import { registerLedgerCopy, verifyPostgres } from './ledger-postgres.js'

export function register(program: Command): void {
  const ledger = program.command('ledger').description('inspect the append-only ledger')
  ledger.command('verify')
    .description('recompute every accumulator from the settlements; exit 1 naming each difference')
    .requiredOption('--ledger <file>', 'the ledger to check')
    .option('--tables <file>', 'accepted for symmetry; the check needs only the ledger')
    .action(async (opts: { ledger: string }) => {
      if (isPostgresUrl(opts.ledger)) return verifyPostgres(opts.ledger)
      if (!existsSync(opts.ledger)) usageError(`ledger ${opts.ledger} does not exist`)
      const l = openLedger(opts.ledger, { readonly: true })
      try {
        const diffs = l.verify()
        for (const d of diffs) process.stdout.write(formatDifference(d) + '\n')
        if (diffs.length > 0) {
          process.stdout.write(`${diffs.length} difference(s)\n`)
          process.exitCode = 1
          return
        }
        const { rows, personYears } = l.stats()
        process.stdout.write(`ok: ${rows} settlement rows, ${personYears} person-years agree\n`)
      } finally {
        l.close()
      }
    })
  registerLedgerCopy(ledger)
}
