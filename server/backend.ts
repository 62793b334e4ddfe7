// What the HTTP service takes from its ledger, per backend (SPEC §11): the port every /v1 settlement route uses, where
// the real-time path commits, the credentials, the month-end side and the national gateway's stays.
//
//   SQLite      the port over the file; commits in the ledger writer thread (group commit, one fsync); the reports,
//               credentials and stays of the same file
//   PostgreSQL  the PgLedger itself is the port; each claim commits on its own pooled connection under its person's
//               row lock (any number of processes, no single writer); credentials, month-end and special cases
//               in its database (postgres/ports.ts). The national gateway still runs on SQLite only: on PostgreSQL
//               its path answers E_NOT_ON_BACKEND (501), never a 500.
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
import { LedgerWriter } from '../engine/ledger/writer.js'
import type { Policy } from '../engine/policy/types.js'
import type { Tables } from '../engine/tables/types.js'
import { CredentialStore, type CredentialVerifier } from './auth/credentials.js'
import type { MonthEndPort } from './engine-port.js'
import { HttpError } from './errors.js'
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
  /** The SQLite ledger and the national gateway's stays; undefined on PostgreSQL (national routes not registered). */
  /** Personal account credits and statements (SPEC §15). */
  readonly accounts: AccountsPort
  /** 异地就医 clearing's reads (SPEC §13) and the ledger seq that bounds them. */
  readonly crossRegion: CrossRegionReportsPort & { ledgerSeq(): Promise<number> }
  readonly sqlite: { readonly ledger: SqliteLedger; readonly stays: StaysPort } | undefined
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
    return {
      port: ledger,
      commit: portCommit(ledger, COMMITS_IN_FLIGHT),
      credentials: o.credentials ?? new CredentialStore(ledger.credentials),
      monthEnd: o.monthEnd ?? monthEndPort(pgLedgerPorts(ledger).reports, o.tables, o.policy),
      accounts: ledger.accounts,
      crossRegion: pgLedgerPorts(ledger).reports,
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
  return {
    port: ledger.port(),
    commit: writerCommit(writer),
    credentials: o.credentials ?? new CredentialStore(ledger.db),
    monthEnd: o.monthEnd ?? monthEndPort(sqliteReports(ledger.db), o.tables, o.policy),
    accounts: sqliteAccounts(ledger.db),
    crossRegion: sqliteReports(ledger.db),
    sqlite: { ledger, stays: o.stays ?? new SqliteStays(ledger.db) },
    close: async () => { ledger.close() },
  }
}

export function notOnBackend(what: string): HttpError {
  return new HttpError('E_NOT_ON_BACKEND', '', `${what} do not run on a PostgreSQL ledger in this version`)
}
