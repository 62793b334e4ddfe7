// Both ledger backends behind the Promise-returning port (engine/ledger/port.ts), so that one suite runs on each
// (issue 15), plus raw SQL for the tests that tamper with the tables.
//
// MERGE NOTE: the SQLite arm adapts this branch's SqliteLedger to the port by hand (SqlitePortForTests); once
// core-settle's SQLite implementation is merged it is `new SqliteLedger(file).port()` and this adapter goes.
import { HistorySnapshot } from '../../engine/history.js'
import type { LiveStay, PersonYear, StayRecord } from '../../engine/history.js'
import { prepareRecord } from '../../engine/ledger/codec.js'
import type { PreparedRecord } from '../../engine/ledger/codec.js'
import { priorOutcome } from '../../engine/ledger/outcome.js'
import type { CommitOutcome, PriorAnswer } from '../../engine/ledger/outcome.js'
import type { ClaimHistory, LedgerDifference, LedgerPort, ReversalRequest } from '../../engine/ledger/port.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import type { AdjudicationResult, Settlement } from '../../engine/result.js'
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
    port: new SqlitePortForTests(l),
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

type StayRow = StayRecord & { readonly act_pay_dedc_fen: number; readonly seq: number }

/** This branch's SqliteLedger as a LedgerPort (the semantics of core-settle's sqlite/append.ts commitOne). */
class SqlitePortForTests implements LedgerPort {
  constructor(private readonly l: SqliteLedger) {}

  async readHistory(psnNo: string, msgid?: string): Promise<ClaimHistory> {
    const l = this.l
    return l.snapshot(() => {
      const years = new Map<number, PersonYear>()
      for (const { year, ...y } of l.db.prepare('SELECT * FROM accumulators WHERE psn_no = ?').all(psnNo) as (PersonYear & { year: number; psn_no: string })[]) {
        const { psn_no: _p, ...rest } = y as PersonYear & { psn_no: string }
        years.set(year, rest)
      }
      const stays: LiveStay[] = (l.db.prepare(`SELECT s.seq, s.mdtrt_id, s.setl_id, s.psn_no, s.fixmedins_code, s.alliance_id, s.level,
          s.begn_day, s.end_day, s.episode_id, s.episode_n, s.episode_dedc_fen, s.dx_category, s.year, s.act_pay_dedc_fen
          FROM settlements s WHERE s.psn_no = ? AND s.episode_id IS NOT NULL AND s.kind = 'settlement'
          AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id)`).all(psnNo) as StayRow[])
        .map(({ act_pay_dedc_fen, seq, ...stay }) => ({ stay, dedcFen: act_pay_dedc_fen, seq }))
      const prior = msgid === undefined || msgid === '' ? undefined : l.lookupMsgid(msgid)
      return { history: new HistorySnapshot({ psnNo, version: l.personVersion(psnNo), years, stays }), prior }
    })
  }

  async commit(records: readonly PreparedRecord[]): Promise<CommitOutcome[]> {
    const l = this.l
    return l.transaction(() => {
      const chains = new Map<string, { version: number; appended: number; lastSeq: number }>()
      return records.map((p): CommitOutcome => {
        const prior = l.lookupMsgid(p.msgid)
        if (prior !== undefined) return priorOutcome(prior, p.msgid, p.bodyHash)
        if (p.msgidOnly) return { status: 'stale' }
        const version = l.personVersion(p.psnNo)
        const chain = chains.get(p.psnNo)
        const current = p.absorbed === 0
          ? version === p.version
          : chain !== undefined && chain.version === p.version && chain.appended === p.absorbed && chain.lastSeq === version
        if (!current) return { status: 'stale' }
        const o = l.append(p)
        if (o.status !== 'appended') return o
        const seq = l.personVersion(p.psnNo)
        if (chain === undefined) chains.set(p.psnNo, { version: p.version, appended: 1, lastSeq: seq })
        else { chain.appended++; chain.lastSeq = seq }
        return { status: 'settled', setlId: o.setlId }
      })
    })
  }

  async reverse(req: ReversalRequest): Promise<CommitOutcome> {
    const o = this.l.reverse(req.setlId, req.msgid, req.bodyHash)
    return o.status === 'settled' ? { status: 'settled', setlId: o.result.setl_id ?? '', result: o.result } : o
  }

  async settlement(setlId: string): Promise<AdjudicationResult | undefined> { return this.l.getSettlement(setlId) }
  async answerOfMsgid(msgid: string): Promise<PriorAnswer | undefined> { return this.l.lookupMsgid(msgid) }
  async accumulators(psnNo: string, year: number): Promise<PersonYear> { return this.l.personYear(psnNo, year) }
  async verify(): Promise<LedgerDifference[]> { return this.l.verify() }
  async close(): Promise<void> { this.l.close() }
}
