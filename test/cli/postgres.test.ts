// `dipsettle adjudicate | ledger verify` on a PostgreSQL ledger (SPEC §11), end to end on the demo region with the
// built CLI: the same answers as the SQLite ledger (but setl_id: PostgreSQL commits persons in parallel, so the seq
// order differs), the same accumulators, several processes on one database settling each msgid once, a resend
// replaying every answer. Needs DIPSETTLE_TEST_PG (fails in CI without it).
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { loadTables } from '../../engine/tables/load.js'
import { tempDir } from '../ledger/fixtures.js'
import { NUMERIC_TYPES } from '../ledger/backends.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { buildDemoTables, cli, cliAsync, jsonLines } from './helpers.js'

describePg('dipsettle adjudicate on PostgreSQL', (server) => {
  let tmp: ReturnType<typeof tempDir>
  let tables: string
  let input: string
  let sqliteOut: Record<string, unknown>[]
  let sqliteAccum: unknown[]
  beforeAll(() => {
    tmp = tempDir()
    tables = buildDemoTables(tmp.dir)
    const claims = [...generateDemoClaims(loadTables(tables), { count: 600, seed: 15, month: '2026-10', outpatientShare: 0.2, referralShare: 0.1 })]
    input = claims.map((c) => JSON.stringify(c)).join('\n') + '\n'
    const file = tmp.file('ref.sqlite')
    const p = cli(['adjudicate', '--tables', tables, '--ledger', file], input)
    expect(p.status).toBe(0)
    sqliteOut = jsonLines(p.stdout)
    const db = new Database(file, { readonly: true })
    sqliteAccum = db.prepare('SELECT * FROM accumulators ORDER BY psn_no, year').all()
    db.close()
  })
  afterAll(() => tmp.cleanup())

  const withoutSetlId = (rows: Record<string, unknown>[]): Record<string, unknown>[] => rows.map(({ setl_id: _s, ...r }) => r)

  async function accumulators(url: string): Promise<unknown[]> {
    const c = new pg.Client({ connectionString: url, types: NUMERIC_TYPES })
    await c.connect()
    try {
      return (await c.query('SELECT * FROM accumulators ORDER BY psn_no, year')).rows
    } finally {
      await c.end()
    }
  }

  it('answers as the SQLite ledger does, verifies, replays every answer on a resend, and reverses', async () => {
    const db = await freshDatabase(server, 'cli')
    try {
      const p = cli(['adjudicate', '--tables', tables, '--ledger', db.url], input)
      expect(p.stderr).toBe('')
      expect(p.status).toBe(0)
      const out = jsonLines(p.stdout)
      expect(out.filter((o) => o['status'] === 'settled').length).toBeGreaterThan(500)
      expect(withoutSetlId(out)).toEqual(withoutSetlId(sqliteOut))
      expect(await accumulators(db.url)).toEqual(sqliteAccum)
      expect(cli(['ledger', 'verify', '--ledger', db.url]).stdout).toMatch(/^ok: \d+ settlement rows/m)
      const resent = cli(['adjudicate', '--tables', tables, '--ledger', db.url], input)
      expect(jsonLines(resent.stdout)).toEqual(out)
      // reverse: the negated settlement, once; the accumulators roll back and still verify
      const first = out.find((o) => o['status'] === 'settled')!
      const rev = `${JSON.stringify({ setl_id: first['setl_id'], msgid: 'REV-1' })}\n`
      const r1 = jsonLines(cli(['reverse', '--ledger', db.url], rev).stdout)
      expect(r1[0]).toMatchObject({ msgid: 'REV-1', status: 'settled', reverses: first['setl_id'] })
      const r2 = jsonLines(cli(['reverse', '--ledger', db.url], `${JSON.stringify({ setl_id: first['setl_id'], msgid: 'REV-2' })}\n{"msgid":"REV-3"}\n`).stdout)
      expect(r2.map((o) => (o['reasons'] as { code: string }[])[0]?.code)).toEqual(['E_ALREADY_REVERSED', 'E_FIELD_MISSING'])
      expect(cli(['ledger', 'verify', '--ledger', db.url]).stdout).toMatch(/^ok: \d+ settlement rows/m)
    } finally {
      await db.drop()
    }
  })

  it('two processes sending the same claims at once settle each msgid once, with one answer each', async () => {
    const db = await freshDatabase(server, 'cli2')
    try {
      const [a, b] = await Promise.all([1, 2].map(() => cliAsync(['adjudicate', '--tables', tables, '--ledger', db.url], input)))
      expect([a!.status, b!.status]).toEqual([0, 0])
      const outA = jsonLines(a!.stdout)
      expect(jsonLines(b!.stdout)).toEqual(outA)
      expect(withoutSetlId(outA)).toEqual(withoutSetlId(sqliteOut))
      expect(await accumulators(db.url)).toEqual(sqliteAccum)
      expect(cli(['ledger', 'verify', '--ledger', db.url]).status).toBe(0)
    } finally {
      await db.drop()
    }
  })

  it('--workers 2: each worker thread commits its persons itself; the same answers, totals and verify as one process', async () => {
    const db = await freshDatabase(server, 'cliw')
    try {
      const p = cli(['adjudicate', '--tables', tables, '--ledger', db.url, '--workers', '2'], input)
      expect(p.stderr).toBe('')
      expect(p.status).toBe(0)
      const out = jsonLines(p.stdout)
      expect(withoutSetlId(out)).toEqual(withoutSetlId(sqliteOut))
      expect(await accumulators(db.url)).toEqual(sqliteAccum)
      expect(cli(['ledger', 'verify', '--ledger', db.url]).status).toBe(0)
      // resent through the workers: every answer replayed
      expect(jsonLines(cli(['adjudicate', '--tables', tables, '--ledger', db.url, '--workers', '2'], input).stdout)).toEqual(out)
    } finally {
      await db.drop()
    }
  })
})
