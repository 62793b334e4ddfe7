// The reports side of whichever ledger a command names (SPEC §11: every command on both backends): `--ledger` a file
// (the SQLite ledger: sqlite/reports.ts, sqlite/credentials.ts) or a postgres:// URL (postgres/ports.ts). For the
// CLI's month-end, special-case, clearing and credentials commands; the settlement side is open.ts.
import { existsSync } from 'node:fs'
import type { CredentialsPort, ReportsPort } from './reports-port.js'
import type { ClearingPort } from './clearing-port.js'
import { sqliteClearing } from './sqlite/clearing.js'
import { isPostgresUrl, PgLedger } from './postgres/ledger.js'
import { pgLedgerPorts } from './postgres/ports.js'
import { sqliteCredentials } from './sqlite/credentials.js'
import { sqliteReports } from './sqlite/reports.js'
import { SqliteLedger } from './sqlite.js'

export interface ReportsLedger {
  readonly kind: 'sqlite' | 'postgres'
  readonly reports: ReportsPort
  /** Made on first use (the SQLite side creates its table then). */
  credentials(): CredentialsPort
  /** 周转金 advances and stored annual clearing runs (SPEC §6, §15). */
  clearing(): ClearingPort
  close(): Promise<void>
}

/**
 * Open the ledger's reports side; undefined when `target` is a file that does not exist and `create` is not set (the
 * caller's usage error). A PostgreSQL database that is not a dipsettle ledger rejects with LedgerRefused
 * (postgres/migrate.ts); an empty one becomes a ledger, as a new file does.
 */
export async function openReportsLedger(target: string, opts: { readonly create?: boolean } = {}): Promise<ReportsLedger | undefined> {
  if (isPostgresUrl(target)) {
    const l = await PgLedger.open(target)
    const ports = pgLedgerPorts(l)
    return { kind: 'postgres', reports: ports.reports, credentials: () => ports.credentials, clearing: () => l.clearing, close: () => l.close() }
  }
  if (opts.create !== true && !existsSync(target)) return undefined
  const l = new SqliteLedger(target)
  return { kind: 'sqlite', reports: sqliteReports(l.db), credentials: () => sqliteCredentials(l.db), clearing: () => sqliteClearing(l.db),
    close: async () => l.close(),
  }
}
