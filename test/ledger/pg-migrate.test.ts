// The PostgreSQL ledger's schema is dipsettle's own (SPEC §11): created on a new database with its version recorded,
// found again on the next open, and a database holding something else — or a newer schema — refused with nothing
// written to it. Several processes opening one new database at once create it exactly once.
import { afterEach, beforeEach, expect, it } from 'vitest'
import pg from 'pg'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { LedgerRefused } from '../../engine/ledger/postgres/migrate.js'
import { PG_SCHEMA_VERSION } from '../../engine/ledger/postgres/schema.js'
import { describePg, freshDatabase } from './pg-server.js'
import { prepareRecord } from '../../engine/ledger/codec.js'
import { mini, settlementOf } from './fixtures.js'

const NOW = (): Date => new Date('2026-02-01T08:00:00Z')

describePg('PostgreSQL ledger schema and migrations', (server) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let c: pg.Client
  beforeEach(async () => {
    db = await freshDatabase(server, 'migrate')
    c = new pg.Client({ connectionString: db.url })
    await c.connect()
  })
  afterEach(async () => {
    await c.end()
    await db.drop()
  })

  /** One row per applied migration, 1 … PG_SCHEMA_VERSION. */
  const ALL_VERSIONS = Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => ({ version: i + 1 }))

  const tables = async (): Promise<string[]> =>
    (await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.t)

  it('creates its schema on an empty database and records the version once, however often opened', async () => {
    await (await PgLedger.open(db.url)).close()
    await (await PgLedger.open(db.url)).close()
    expect(await tables()).toEqual([
      'account_credits', 'accumulators', 'clearing_hospitals', 'clearing_runs', 'credentials',
      'cross_region_accumulators', 'cross_region_settlements', 'dipsettle_schema',
      'ledger_persons', 'month_end_cases', 'month_end_hospitals', 'month_end_runs', 'national_envelopes',
      'national_setl_lists', 'national_stay_fees', 'national_stays', 'per_capita_institutions', 'per_capita_runs',
      'person_imports', 'person_versions', 'settlement_line_sets', 'settlements', 'special_case_applications', 'special_case_reviews', 'turnover_advances',
    ])
    expect((await c.query('SELECT version FROM dipsettle_schema ORDER BY version')).rows).toEqual(ALL_VERSIONS)
  })

  it('refuses a database holding other tables, and writes nothing to it', async () => {
    await c.query('CREATE TABLE patients (id int PRIMARY KEY)')
    await expect(PgLedger.open(db.url)).rejects.toThrow(LedgerRefused)
    await expect(PgLedger.open(db.url)).rejects.toThrow(/not a dipsettle ledger: it holds other relations \(patients\)/)
    expect(await tables()).toEqual(['patients'])
  })

  it('refuses a ledger of a newer schema version', async () => {
    await (await PgLedger.open(db.url)).close()
    await c.query('INSERT INTO dipsettle_schema (version) VALUES ($1)', [PG_SCHEMA_VERSION + 1])
    await expect(PgLedger.open(db.url)).rejects.toThrow(new RegExp(`schema version ${PG_SCHEMA_VERSION + 1}; this dipsettle reads version ${PG_SCHEMA_VERSION}`))
  })

  it('a read-only open (ledger verify) never creates a ledger', async () => {
    await expect(PgLedger.open(db.url, { readonly: true })).rejects.toThrow(/holds no dipsettle ledger/)
    expect(await tables()).toEqual([])
  })

  it('four ledgers (own connections) opening one new database at once create the schema exactly once', async () => {
    const opened = await Promise.all([1, 2, 3, 4].map(() => PgLedger.open(db.url, { maxConnections: 1 })))
    await Promise.all(opened.map((l) => l.close()))
    expect((await c.query('SELECT version FROM dipsettle_schema ORDER BY version')).rows).toEqual(ALL_VERSIONS)
  })

  it('migrates a version-2 ledger to migration 3 (account credits, 周转金, stored clearing), its rows untouched', async () => {
    await (await PgLedger.open(db.url)).close()
    // back to what a version-2 dipsettle made
    await c.query('DROP TABLE account_credits, turnover_advances, clearing_runs, clearing_hospitals, per_capita_runs, per_capita_institutions')
    await c.query('DROP INDEX settlements_merged_stays') // migration 4, re-applied after 3
    await c.query('DROP TABLE person_versions, person_imports') // migration 5
    await c.query('DROP FUNCTION dipsettle_commit') // migration 6
    await c.query('DELETE FROM dipsettle_schema WHERE version >= 3')
    await c.query(`INSERT INTO ledger_persons (psn_no, version) VALUES ('P1', 7)`)
    await (await PgLedger.open(db.url)).close()
    expect(await tables()).toContain('account_credits')
    expect((await c.query('SELECT psn_no, version FROM ledger_persons')).rows).toEqual([{ psn_no: 'P1', version: '7' }])
    expect((await c.query('SELECT version FROM dipsettle_schema ORDER BY version')).rows).toEqual(ALL_VERSIONS)
  })

  it('migrates a version-3 ledger to version 4 (the merged stays index), keeping its rows', async () => {
    await (await PgLedger.open(db.url)).close()
    await c.query('DROP INDEX settlements_merged_stays')
    await c.query('DROP TABLE person_versions, person_imports') // migration 5, re-applied after 4
    await c.query('DROP FUNCTION dipsettle_commit') // migration 6
    await c.query('DELETE FROM dipsettle_schema WHERE version >= 4')
    await c.query(`INSERT INTO credentials (key_id, token_sha256, role, label, created_at) VALUES ('k', '\\x00', 'admin', '', 'now')`)
    await (await PgLedger.open(db.url)).close()
    expect((await c.query('SELECT version FROM dipsettle_schema ORDER BY version')).rows).toEqual(ALL_VERSIONS)
    expect((await c.query(`SELECT indexname FROM pg_indexes WHERE indexname = 'settlements_merged_stays'`)).rows).toHaveLength(1)
    expect((await c.query('SELECT key_id FROM credentials')).rows).toEqual([{ key_id: 'k' }])
  })

  it('migrates a version-5 ledger to version 6 (the commit function): its settlements kept, the next seq after them', async () => {
    const l = await PgLedger.open(db.url, { now: NOW })
    expect(await l.commit([prepareRecord(settlementOf(mini(1)), 'h1').record])).toEqual([{ status: 'settled', setlId: 'S000000000001' }])
    await l.close()
    // back to what a version-5 dipsettle made
    await c.query('DROP FUNCTION dipsettle_commit')
    await c.query('DELETE FROM dipsettle_schema WHERE version >= 6')
    const again = await PgLedger.open(db.url, { now: NOW })
    try {
      expect((await c.query('SELECT version FROM dipsettle_schema ORDER BY version')).rows).toEqual(ALL_VERSIONS)
      expect((await c.query(`SELECT proname FROM pg_proc WHERE proname = 'dipsettle_commit'`)).rows).toEqual([{ proname: 'dipsettle_commit' }])
      const { history } = await again.readHistory('P0001')
      const [o] = await again.commit([prepareRecord(settlementOf(mini(2)), 'h2', { version: history.version, absorbed: 0 }).record])
      expect(o).toEqual({ status: 'settled', setlId: 'S000000000002' })
      expect((await c.query('SELECT setl_id, msgid FROM settlements ORDER BY seq')).rows.map((r) => r.setl_id)).toEqual(['S000000000001', 'S000000000002'])
      expect(await again.verify()).toEqual([])
    } finally {
      await again.close()
    }
  })

  it('refuses TRUNCATE of the settlements', async () => {
    await (await PgLedger.open(db.url)).close()
    await expect(c.query('TRUNCATE settlements CASCADE')).rejects.toThrow(/append-only/)
  })
})
