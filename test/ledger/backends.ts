// Both ledger backends behind the Promise-returning port (engine/ledger/port.ts), so that one suite runs on each
// (issue 15), plus raw SQL for the tests that tamper with the tables.
import type { PersonYear } from '../../engine/history.js'
import { prepareRecord } from '../../engine/ledger/codec.js'
import type { CommitOutcome } from '../../engine/ledger/outcome.js'
import type { LedgerPort } from '../../engine/ledger/port.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import type { Settlement } from '../../engine/result.js'
import pg from 'pg'
import { freshDatabase } from './pg-server.js'
import { tempDir } from './fixtures.js'

export interface Backend {
  readonly name: 'sqlite' | 'postgres'
  readonly port: LedgerPort
  /** Raw SQL the tests use to tamper with the tables (standard SQL both backends accept). */
  exec(sql: string): Promise<void>
  /** Raw SQL read (rows as objects, integers as numbers). */
  rows(sql: string): Promise<Record<string, unknown>[]>
  close(): Promise<void>
}

/** Settle a settlement computed beforehand, alone, against the person's current version. */
export async function record(b: Backend, s: Settlement, hash: string): Promise<CommitOutcome> {
  const { history } = await b.port.readHistory(s.claim.psnNo)
  const [o] = await b.port.commit([prepareRecord(s, hash, { version: history.version, absorbed: 0 }).record])
  return o!
}

export async function personYear(b: Backend, psnNo: string, year = 2026): Promise<PersonYear> {
  return (await b.port.readHistory(psnNo)).history.personYear(psnNo, year)
}

/** integer columns (int8, numeric sums) as numbers, as the ledger reads them */
export const NUMERIC_TYPES = {
  getTypeParser: ((oid: number, f?: 'text' | 'binary') => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, f))) as typeof pg.types.getTypeParser,
}

export function sqliteBackend(now: () => Date): Backend {
  const tmp = tempDir()
  const l = new SqliteLedger(tmp.file('ledger.sqlite'), { now })
  return {
    name: 'sqlite',
    port: l.port(),
    exec: async (sql) => { l.db.exec(sql) },
    rows: async (sql) => l.db.prepare(sql).all() as Record<string, unknown>[],
    close: async () => { l.close(); tmp.cleanup() },
  }
}

export async function postgresBackend(serverUrl: string, now: () => Date): Promise<Backend> {
  const db = await freshDatabase(serverUrl, 'ledger')
  const l = await PgLedger.open(db.url, { now })
  const raw = new pg.Client({ connectionString: db.url, types: NUMERIC_TYPES })
  await raw.connect()
  return {
    name: 'postgres',
    port: l,
    exec: async (sql) => { await raw.query(sql) },
    rows: async (sql) => (await raw.query(sql)).rows as Record<string, unknown>[],
    close: async () => { await raw.end(); await l.close(); await db.drop() },
  }
}
