// The `ledger` commands on a PostgreSQL ledger (SPEC §11): `ledger verify --ledger postgres://…` and
// `ledger copy --from FILE --to URL` (an embedded ledger moved into PostgreSQL, then verified there).
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { redactUrl } from '../../ledger/open.js'
import { copyLedger } from '../../ledger/postgres/copy.js'
import { isPostgresUrl, PgLedger } from '../../ledger/postgres/ledger.js'
import { LedgerRefused } from '../../ledger/postgres/migrate.js'
import { formatDifference } from '../../ledger/sqlite.js'
import { usageError } from '../usage.js'

/** `ledger verify` on a PostgreSQL ledger: each difference (exit 1), or ok (exit 0). */
export async function verifyPostgres(url: string): Promise<void> {
  await refusedAsError(async () => {
    const l = await PgLedger.open(url, { readonly: true, maxConnections: 1 })
    try {
      await report(l)
    } finally {
      await l.close()
    }
  })
}

export function registerLedgerCopy(ledger: Command): void {
  ledger.command('copy')
    .description('copy an embedded (SQLite) ledger into an empty PostgreSQL ledger, then verify the copy')
    .requiredOption('--from <file>', 'the SQLite ledger file to copy')
    .requiredOption('--to <url>', 'the PostgreSQL ledger (postgres://user@host:port/db)')
    .action(async (opts: { from: string; to: string }) => {
      if (!existsSync(opts.from)) usageError(`ledger ${opts.from} does not exist`)
      if (!isPostgresUrl(opts.to)) usageError(`--to must be a postgres:// URL, got ${redactUrl(opts.to)}`)
      await refusedAsError(async () => {
        const { rows } = await copyLedger(opts.from, opts.to)
        process.stdout.write(`copied ${Object.entries(rows).map(([t, n]) => `${n} ${t}`).join(', ')} to ${redactUrl(opts.to)}\n`)
        const l = await PgLedger.open(opts.to, { readonly: true, maxConnections: 1 })
        try {
          await report(l)
        } finally {
          await l.close()
        }
      })
    })
}

async function report(l: PgLedger): Promise<void> {
  const diffs = await l.verify()
  for (const d of diffs) process.stdout.write(formatDifference(d) + '\n')
  if (diffs.length > 0) {
    process.stdout.write(`${diffs.length} difference(s)\n`)
    process.exitCode = 1
    return
  }
  const n = await l.counts()
  process.stdout.write(`ok: ${n.settlements} settlement rows, ${n.personYears} person-years agree\n`)
}

/** A database that is not a dipsettle ledger (or not empty for a copy): one line naming it, exit 1. */
async function refusedAsError(fn: () => Promise<void>): Promise<void> {
  try {
    await fn()
  } catch (e) {
    if (!(e instanceof LedgerRefused)) throw e
    process.stderr.write(`dipsettle: ${e.message}\n`)
    process.exitCode = 1
  }
}
