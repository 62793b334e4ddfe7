// Both ledger backends behind one asynchronous shape, so that one suite runs on each (issue 15): the port's
// settlement side as the PostgreSQL ledger has it (readPerson → decide → commit with the version, reverse, lookups,
// verify), plus raw SQL for the tests that tamper with the tables. SQLite: the SqliteLedger wrapped in promises the
// way its writer uses it (personVersion, then append under the write lock). MERGE NOTE: once issue 14's port.ts
// lands, both arms are its implementations and this file shrinks to opening them.
import { prepareRecord, SqliteLedger } from '../../engine/ledger/sqlite.js'
import type { AppendOutcome, PreparedRecord } from '../../engine/ledger/sqlite.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import type { CommitOutcome } from '../../engine/ledger/postgres/ledger.js'
import type { History, LedgerDifference, PersonYear, RecordOutcome } from '../../engine/ledger/types.js'
import type { AdjudicationResult, Settlement } from '../../engine/result.js'
import pg from 'pg'
import { freshDatabase } from './pg-server.js'
import { tempDir } from './fixtures.js'

export interface Backend {
  readonly name: 'sqlite' | 'postgres'
  readPerson(psnNo: string): Promise<{ version: number; history: History }>
  commit(p: PreparedRecord, version: number): Promise<CommitOutcome>
  reverse(setlId: string, msgid: string, bodyHash: string): Promise<RecordOutcome>
  lookupMsgid(msgid: string): Promise<{ readonly bodyHash: string; readonly result: AdjudicationResult } | undefined>
  getSettlement(setlId: string): Promise<AdjudicationResult | undefined>
  verify(): Promise<LedgerDifference[]>
  /** Raw SQL the tests use to tamper with the tables (standard SQL both backends accept). */
  exec(sql: string): Promise<void>
  /** Raw SQL read (rows as objects, integers as numbers). */
  rows(sql: string): Promise<Record<string, unknown>[]>
  close(): Promise<void>
}

/** Settle a settlement computed beforehand against the person's current state: read the version, commit. */
export async function record(b: Backend, s: Settlement, hash: string): Promise<CommitOutcome> {
  const { version } = await b.readPerson(s.claim.psnNo)
  return b.commit(prepareRecord(s, hash).record, version)
}

export async function personYear(b: Backend, psnNo: string, year = 2026): Promise<PersonYear> {
  return (await b.readPerson(psnNo)).history.personYear(psnNo, year)
}

export function sqliteBackend(now: () => Date): Backend {
  const tmp = tempDir()
  const l = new SqliteLedger(tmp.file('ledger.sqlite'), { now })
  return {
    name: 'sqlite',
    readPerson: async (psnNo) => ({ version: l.personVersion(psnNo), history: l }),
    commit: async (p, version) => l.transaction((): CommitOutcome => {
      const prior: AppendOutcome | undefined = l.lookupMsgid(p.msgid) === undefined ? undefined : l.append(p)
      if (prior !== undefined) return prior
      if (l.personVersion(p.psnNo) !== version) return { status: 'stale' }
      return l.append(p)
    }),
    reverse: async (setlId, msgid, hash) => l.reverse(setlId, msgid, hash),
    lookupMsgid: async (msgid) => l.lookupMsgid(msgid),
    getSettlement: async (setlId) => l.getSettlement(setlId),
    verify: async () => l.verify(),
    exec: async (sql) => { l.db.exec(sql) },
    rows: async (sql) => l.db.prepare(sql).all() as Record<string, unknown>[],
    close: async () => { l.close(); tmp.cleanup() },
  }
}

export async function postgresBackend(serverUrl: string, now: () => Date): Promise<Backend> {
  const db = await freshDatabase(serverUrl, 'ledger')
  const l = await PgLedger.open(db.url, { now })
  const raw = new pg.Client({ connectionString: db.url, types: { getTypeParser: ((oid: number, f?: 'text' | 'binary') => (oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, f))) as typeof pg.types.getTypeParser } })
  await raw.connect()
  return {
    name: 'postgres',
    readPerson: (psnNo) => l.readPerson(psnNo),
    commit: (p, version) => l.commit(p, version),
    reverse: (setlId, msgid, hash) => l.reverse(setlId, msgid, hash),
    lookupMsgid: (msgid) => l.lookupMsgid(msgid),
    getSettlement: (setlId) => l.getSettlement(setlId),
    verify: () => l.verify(),
    exec: async (sql) => { await raw.query(sql) },
    rows: async (sql) => (await raw.query(sql)).rows as Record<string, unknown>[],
    close: async () => { await raw.end(); await l.close(); await db.drop() },
  }
}
