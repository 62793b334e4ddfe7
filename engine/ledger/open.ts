// Which ledger a command opens (SPEC §11): `--ledger` (or DIPSETTLE_LEDGER when the option is not given) is a file
// path — the embedded SQLite ledger, the default — or a postgres:// URL.
//
// MERGE NOTE: the lead composes this with issue 14's port: the 'sqlite' arm becomes the SQLite implementation of
// LedgerPort (engine/ledger/sqlite/), and callers take `ledger` as the port, whichever the kind.
import { isPostgresUrl, PgLedger } from './postgres/ledger.js'
import type { PgLedgerOptions } from './postgres/ledger.js'
import { SqliteLedger } from './sqlite.js'
import type { OpenLedgerOptions } from './sqlite.js'

export type OpenedLedger =
  | { readonly kind: 'sqlite'; readonly ledger: SqliteLedger }
  | { readonly kind: 'postgres'; readonly ledger: PgLedger }

/** The ledger named by the command line, else by DIPSETTLE_LEDGER, else undefined (the command's default). */
export function ledgerTarget(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return option ?? (env['DIPSETTLE_LEDGER'] || undefined)
}

export async function openLedger(urlOrFile: string, opts: OpenLedgerOptions & PgLedgerOptions = {}): Promise<OpenedLedger> {
  if (isPostgresUrl(urlOrFile)) return { kind: 'postgres', ledger: await PgLedger.open(urlOrFile, opts) }
  return { kind: 'sqlite', ledger: new SqliteLedger(urlOrFile, opts) }
}

/** The URL with its password (if any) hidden, for logs and messages. */
export function redactUrl(urlOrFile: string): string {
  if (!isPostgresUrl(urlOrFile)) return urlOrFile
  try {
    const u = new URL(urlOrFile)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://…'
  }
}
