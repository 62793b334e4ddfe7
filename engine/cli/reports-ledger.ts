// The ledger of the month-end, special-case, clearing and credentials commands, on either backend (SPEC §11): `--ledger`
// a file or a postgres:// URL (engine/ledger/open-reports.ts). A missing file is a usage error (exit 2); a database
// that is not a dipsettle ledger is refused in one line naming it (exit 1), nothing written.
import { openReportsLedger, type ReportsLedger } from '../ledger/open-reports.js'
import { ledgerTarget, redactUrl } from '../ledger/open.js'
import { LedgerRefused } from '../ledger/postgres/migrate.js'
import { usageError } from './usage.js'

/** The option's help: a file or a URL, from the command line or DIPSETTLE_LEDGER. */
export const LEDGER_FLAGS = '--ledger <file|url>'

/** --ledger, else DIPSETTLE_LEDGER; neither is a usage error. */
export function requireLedger(option: string | undefined): string {
  const target = ledgerTarget(option)
  if (target === undefined) usageError(`${LEDGER_FLAGS} (or DIPSETTLE_LEDGER) is required`)
  return target
}

/** fn on the opened ledger, closed after it. `create`: a missing file becomes a new ledger (credentials add). */
export async function withReportsLedger(target: string, fn: (l: ReportsLedger) => Promise<void>, opts: { readonly create?: boolean } = {}): Promise<void> {
  let l: ReportsLedger | undefined
  try {
    l = await openReportsLedger(target, opts)
  } catch (e) {
    if (!(e instanceof LedgerRefused)) throw e
    process.stderr.write(`dipsettle: ${e.message}\n`)
    process.exitCode = 1
    return
  }
  if (l === undefined) usageError(`ledger ${redactUrl(target)} does not exist`)
  try {
    await fn(l)
  } finally {
    await l.close()
  }
}
