// What the HTTP service takes from its ledger, per backend (SPEC §11): the port every /v1 settlement route uses, where
// the real-time path commits, the credentials, the month-end side and the national gateway's stays.
//
//   SQLite      the port over the file; commits in the ledger writer thread (group commit, one fsync); the reports,
//               credentials and stays of the same file
//   PostgreSQL  the PgLedger itself is the port; each claim commits on its own pooled connection under its person's
//               row lock (any number of processes, no single writer); credentials, month-end and special cases
//               in its database (postgres/ports.ts)
//
// The national gateway (server/national/) runs on both alike: the port, the reports port (4101A's month) and the stays
// port of the backend, so a stay one process began is finished by another on the same ledger (SPEC §12).
import type { LedgerPort } from '../engine/ledger/port.js'
import { PgLedger } from '../engine/ledger/postgres/ledger.js'
import { pgLedgerPorts } from '../engine/ledger/postgres/ports.js'
import { sqliteReports } from '../engine/ledger/sqlite/reports.js'
import { sqliteAccounts } from '../engine/ledger/sqlite/accounts.js'
import type { AccountsPort } from '../engine/ledger/accounts-port.js'
import type { CrossRegionReportsPort } from '../engine/ledger/cross-region-port.js'
import { SqliteStays } from '../engine/ledger/sqlite/stays.js'
import type { SqliteLedger } from '../engine/ledger/sqlite.js'
import type { StaysPort } from '../engine/ledger/stays-port.js'
import type { ReportsPort } from '../engine/ledger/reports-port.js'
import { LedgerWriter } from '../engine/ledger/writer.js'
import type { Policy } from '../engine/policy/types.js'
import type { LedgerVersions } from '../engine/persons/as-of.js'
import type { Tables } from '../engine/tables/types.js'
import { CredentialStore, type CredentialVerifier } from './auth/credentials.js'
import type { MonthEndPort } from './engine-port.js'
import { monthEndPort } from './month-end-port.js'
import { portCommit, writerCommit, type RecordCommit } from './writer-commit.js'

export type ServedLedger = SqliteLedger | PgLedger

/**
 * Real-time group commits one process has in flight on PostgreSQL: fewer than its connections (serve.ts keeps 8), so
 * reads and lookups always find one, and claims arriving meanwhile group into the next commit.
 */
const COMMITS_IN_FLIGHT = 4

export interface Backend {
  readonly port: LedgerPort
  readonly commit: RecordCommit
  readonly credentials: CredentialVerifier
  readonly monthEnd: MonthEndPort
  /** Personal account credits and statements (SPEC §15). */
  readonly accounts: AccountsPort
  /**
   * Month-end runs and settlement facts (the national gateway's 4101A reads which month a settlement counts in), and
   * the visitors' rows cross-region clearing sums (SPEC §13).
   */
  readonly reports: ReportsPort & CrossRegionReportsPort
  /** The national gateway's stays between calls (SPEC §12). */
  readonly stays: StaysPort
  /** The ledger's persons by psn_no on PostgreSQL (SPEC §11); undefined on SQLite (the tables' lookup reads them). */
  readonly personVersions: LedgerVersions | undefined
  /** The SQLite ledger; undefined on PostgreSQL. */
  readonly sqlite: { readonly ledger: SqliteLedger } | undefined
  readonly close: () => Promise<void>
}

export interface BackendOptions {
  readonly tables: Tables
  readonly policy: Policy
  readonly credentials?: CredentialVerifier
  readonly monthEnd?: MonthEndPort
  readonly stays?: StaysPort
  readonly writerTestHook?: string
  readonly onCommit: (claims: number, seconds: number) => void
}

export async function openBackend(ledger: ServedLedger, o: BackendOptions): Promise<Backend> {
  if (ledger instanceof PgLedger) {
    const ports = pgLedgerPorts(ledger)
    return {
      port: ledger,
      commit: portCommit(ledger, COMMITS_IN_FLIGHT),
      credentials: o.credentials ?? new CredentialStore(ledger.credentials),
      monthEnd: o.monthEnd ?? monthEndPort(ports.reports, o.tables, o.policy),
      accounts: ledger.accounts,
      reports: ports.reports,
      stays: o.stays ?? ports.stays,
      personVersions: (psnNo) => ledger.persons.personVersions(psnNo),
      sqlite: undefined,
      close: () => ledger.close(),
    }
  }
  if (ledger.file === ':memory:' || ledger.file === '') {
    throw new TypeError("buildApp: the ledger must be a file (the ledger writer thread opens its own connection), not ':memory:'")
  }
  const writer = await LedgerWriter.start({
    ledgerFile: ledger.file, onCommit: o.onCommit,
    ...(o.writerTestHook !== undefined ? { testHookModule: o.writerTestHook } : {}),
  })
  const reports = sqliteReports(ledger.db)
  return {
    port: ledger.port(),
    commit: writerCommit(writer),
    credentials: o.credentials ?? new CredentialStore(ledger.db),
    monthEnd: o.monthEnd ?? monthEndPort(reports, o.tables, o.policy),
    accounts: sqliteAccounts(ledger.db),
    reports,
    stays: o.stays ?? new SqliteStays(ledger.db),
    personVersions: undefined,
    sqlite: { ledger },
    close: async () => { ledger.close() },
  }
}
