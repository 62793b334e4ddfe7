// Month-end's suites on both ledger backends (SPEC §11: every report works on both; issue 15). A test writes its
// discharges with TestLedger (fixtures.ts: rows into a SQLite ledger's settlements, as the ledger appends them); on
// PostgreSQL, PgTestLedger is that same TestLedger whose reports port (reports-port.ts) is the PostgreSQL one
// (engine/ledger/postgres/reports.ts), over a ledger of its own (a schema of the suite's database), with every row
// the test appended mirrored into it before each call. engine/settlement takes it as the port (types.ts reportsOf),
// so a test written once runs month-end, clearing and the feedback reports on each backend unchanged.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { SETTLEMENT_COLUMNS } from '../../engine/ledger/codec.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { pgLedgerPorts } from '../../engine/ledger/postgres/ports.js'
import type { ReportsPort } from '../../engine/ledger/reports-port.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { sqliteReports } from '../../engine/ledger/sqlite/reports.js'
import { NUMERIC_TYPES } from '../ledger/backends.js'
import { freshDatabase } from '../ledger/pg-server.js'
import { TestLedger } from './fixtures.js'

/** How a suite makes its ledgers, and how many fast-check runs it affords (a PostgreSQL ledger costs a schema). */
export interface LedgerMaker {
  readonly name: 'sqlite' | 'postgres'
  /** `onDisk`: a ledger another handle can open (SQLite: a file, not :memory:). */
  newLedger(opts?: { readonly onDisk?: boolean }): TestLedger
  /** The reports port of a second handle on the same ledger (another process's view), with the rows so far. */
  otherHandle(l: TestLedger): Promise<{ readonly reports: ReportsPort; close(): Promise<void> }>
  runs(n: number): number
}

export const sqliteLedgers: LedgerMaker = {
  name: 'sqlite',
  newLedger: (opts) => (opts?.onDisk === true ? new TestLedger() : new TestLedger(':memory:')),
  otherHandle: async (l) => {
    if (l.file === ':memory:') throw new Error('otherHandle: make the ledger with { onDisk: true }')
    const other = new SqliteLedger(l.file)
    return { reports: sqliteReports(other.db), close: async () => other.close() }
  },
  runs: (n) => n,
}

/** Ledgers on the PostgreSQL server `serverUrl`; call inside a describe (it registers the hooks that drop them). */
export function pgLedgers(serverUrl: string): LedgerMaker {
  let db: Awaited<ReturnType<typeof freshDatabase>> | undefined
  const open: PgTestLedger[] = []
  beforeAll(async () => { db = await freshDatabase(serverUrl, 'rep') })
  afterEach(async () => { await Promise.all(open.splice(0).map((l) => l.release())) })
  afterAll(async () => { await db?.drop() })
  return {
    name: 'postgres',
    newLedger: () => {
      if (db === undefined) throw new Error('pgLedgers: make ledgers inside a test')
      const l = new PgTestLedger(db.url)
      open.push(l)
      return l
    },
    otherHandle: async (l) => {
      if (!(l instanceof PgTestLedger)) throw new Error('otherHandle: not a PostgreSQL test ledger')
      const other = await PgLedger.open(await l.url())
      return { reports: pgLedgerPorts(other).reports, close: () => other.close() }
    },
    runs: (n) => Math.max(3, Math.ceil(n / 10)),
  }
}

/** Every method of the reports port, delegated to the PostgreSQL one after the rows are mirrored. */
const METHODS = [
  'hasSettlements', 'ledgerSeq', 'monthSums', 'episodeRows', 'reviewCandidates', 'carriedRows', 'liveCases', 'settlementFacts', 'setlListGroupings',
  'getRun', 'closedRuns', 'runsOfYear', 'listRuns', 'hospitalRows', 'hospitalYear', 'caseRows', 'exclusiveRun', 'saveRun',
  'closedPayouts', 'decideSpecialCase', 'specialCaseDecisions', 'applySpecialCase', 'specialCaseApplications',
] as const satisfies readonly (keyof ReportsPort)[]

interface Opened { ledger: PgLedger; port: ReportsPort; raw: pg.Client; schema: string; url: string }

/** A TestLedger whose reports port is a PostgreSQL ledger (in a schema of its own) holding the same rows. */
export class PgTestLedger extends TestLedger {
  private readonly opened: Promise<Opened>
  private mirroredSeq = 0
  private mirroring: Promise<void> = Promise.resolve()

  constructor(databaseUrl: string) {
    super(':memory:')
    this.opened = openSchema(databaseUrl)
    this.opened.catch(() => {})
    for (const m of METHODS) {
      Object.defineProperty(this, m, {
        value: async (...args: unknown[]) => {
          const port = await this.reports()
          return (port[m] as (...a: unknown[]) => Promise<unknown>)(...args)
        },
      })
    }
  }

  /** The PostgreSQL reports port, once every row appended so far is in its ledger. */
  async reports(): Promise<ReportsPort> {
    const o = await this.opened
    this.mirroring = this.mirroring.then(() => this.mirror(o.raw))
    await this.mirroring
    return o.port
  }

  /** The URL of its ledger (schema on the search_path), once every row appended so far is in it. */
  async url(): Promise<string> {
    await this.reports()
    return (await this.opened).url
  }

  /** Raw SQL on the PostgreSQL ledger (tests that look at its tables). */
  async pgRows(sql: string): Promise<Record<string, unknown>[]> {
    return (await (await this.opened).raw.query(sql)).rows as Record<string, unknown>[]
  }

  async release(): Promise<void> {
    const o = await this.opened
    await o.ledger.close()
    await o.raw.query(`DROP SCHEMA ${o.schema} CASCADE`)
    await o.raw.end()
  }

  private async mirror(raw: pg.Client): Promise<void> {
    const rows = this.db.prepare(`SELECT ${SETTLEMENT_COLUMNS.join(', ')} FROM settlements WHERE seq > ? ORDER BY seq`).raw(true)
      .all(this.mirroredSeq) as unknown[][]
    // in seq order, 100 rows a statement (a reversal after what it reverses)
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100)
      const values = chunk.flat()
      const n = SETTLEMENT_COLUMNS.length
      const tuples = chunk.map((_, r) => `(${SETTLEMENT_COLUMNS.map((_c, c) => `$${r * n + c + 1}`).join(', ')})`)
      await raw.query(`INSERT INTO settlements (${SETTLEMENT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values)
      this.mirroredSeq = chunk[chunk.length - 1]![SETTLEMENT_COLUMNS.indexOf('seq')] as number
    }
  }
}

/** A new schema in the database and a PgLedger made in it (search_path), plus a raw client on it. */
async function openSchema(databaseUrl: string): Promise<Opened> {
  const schema = `l_${randomBytes(5).toString('hex')}`
  const u = new URL(databaseUrl)
  u.searchParams.set('options', `-c search_path=${schema}`)
  const raw = new pg.Client({ connectionString: u.toString(), types: NUMERIC_TYPES })
  await raw.connect()
  await raw.query(`CREATE SCHEMA ${schema}`)
  const ledger = await PgLedger.open(u.toString())
  return { ledger, port: pgLedgerPorts(ledger).reports, raw, schema, url: u.toString() }
}
