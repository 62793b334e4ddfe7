// The reports commands on a PostgreSQL ledger (SPEC §11: every command on both backends), end to end with the built
// CLI on the demo region: a month of claims settled into a SQLite ledger, `ledger copy` into PostgreSQL, then
// month-end (draft, close), special-case, clearing and credentials on the file and on the URL answer the same; two
// closes of one month on the URL at once (two processes): one closes it, the other is refused. Needs
// DIPSETTLE_TEST_PG (fails in CI without it).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { loadTables } from '../../engine/tables/load.js'
import { NUMERIC_TYPES } from '../ledger/backends.js'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { buildDemoTables, cli, cliAsync, jsonLines } from './helpers.js'

/** The report without what differs between two runs of the same data: when it ran (and so its due date). */
function sameParts(stdout: string): Record<string, unknown> {
  const lines = jsonLines(stdout)
  const { run_at: _r, closed_at: _c, payment_due_date: _p, ...rest } = lines[lines.length - 1]!
  return rest
}

describePg('month-end, special-case, clearing, credentials on PostgreSQL', (server) => {
  let tmp: ReturnType<typeof tempDir>
  let tables: string
  let file: string
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let setlIds: string[]
  beforeAll(async () => {
    tmp = tempDir()
    tables = buildDemoTables(tmp.dir)
    const claims = [...generateDemoClaims(loadTables(tables), { count: 300, seed: 16, month: '2026-10', outpatientShare: 0.1, referralShare: 0.1 })]
    file = tmp.file('ref.sqlite')
    const p = cli(['adjudicate', '--tables', tables, '--ledger', file], claims.map((c) => JSON.stringify(c)).join('\n') + '\n')
    expect(p.status).toBe(0)
    setlIds = jsonLines(p.stdout).filter((r) => r['status'] === 'settled').map((r) => r['setl_id'] as string)
    db = await freshDatabase(server, 'clirep')
    const copy = cli(['ledger', 'copy', '--from', file, '--to', db.url])
    expect(copy.stderr).toBe('')
    expect(copy.status).toBe(0)
  })
  afterAll(async () => {
    await db?.drop()
    tmp.cleanup()
  })

  const both = (args: string[]) => [file, db.url].map((ledger) => cli([...args, '--ledger', ledger, '--tables', tables]))

  it('a month-end on the URL is the same report as on the file, draft and closed; a second close is refused', () => {
    const month = ['month-end', '--month', '2026-10', '--pool', '390', '--budget-yuan', '2500000', '--no-reports']
    const [fileDraft, urlDraft] = both(month)
    expect(fileDraft!.status).toBe(0)
    expect(urlDraft!.status).toBe(0)
    const draft = sameParts(urlDraft!.stdout)
    expect(draft).toEqual(sameParts(fileDraft!.stdout))
    // a real month: hospitals with points, DIP amounts summing to budget ÷ ratio
    expect((draft['hospitals'] as unknown[]).length).toBeGreaterThan(1)
    expect(draft['status']).toBe('draft')
    const [fileClosed, urlClosed] = both([...month, '--close'])
    expect(urlClosed!.status).toBe(0)
    expect(sameParts(urlClosed!.stdout)).toEqual(sameParts(fileClosed!.stdout))
    expect(sameParts(urlClosed!.stdout)['status']).toBe('closed')
    for (const again of both(month)) {
      expect(again.status).toBe(1)
      expect(again.stderr).toMatch(/2026-10 pool 390 was closed/)
    }
  })

  it('annual clearing on the URL answers as on the file (it reads the closed months)', () => {
    const [f, u] = both(['clearing', '--year', '2026', '--pool', '390', '--fund-yuan', '30000000'])
    expect(u!.stderr).toBe('')
    expect(u!.status).toBe(0)
    // the stored run's own time (run_at) is when each ran; everything else is the same clearing
    const untimed = (out: string) => jsonLines(out).map(({ run_at: _r, ...rest }: Record<string, unknown>) => rest)
    expect(untimed(u!.stdout)).toEqual(untimed(f!.stdout))
    expect(jsonLines(u!.stdout)[0]).toMatchObject({ closed_months: ['2026-10'] })
  })

  it('turnover issue and clearing-report on the URL answer as on the file (周转金 once; the stored clearing)', () => {
    // 2027's advance from 2026's closed payouts (October, pool 390): issued once, a second run changes nothing
    const [f, u] = both(['turnover', 'issue', '--year', '2027', '--pool', '390'])
    expect(u!.stderr).toBe('')
    expect(u!.status).toBe(0)
    expect(jsonLines(u!.stdout)).toEqual(jsonLines(f!.stdout))
    expect(jsonLines(u!.stdout)[0]).toMatchObject({ status: 'issued' })
    expect((jsonLines(u!.stdout)[0]!['issued'] as number)).toBeGreaterThan(0)
    const [, again] = both(['turnover', 'issue', '--year', '2027', '--pool', '390'])
    expect(jsonLines(again!.stdout)[0]).toMatchObject({ status: 'already_issued', issued: 0 })
    // the draft clearing of 2026 stored by the test above: one hospital's report, the same on both
    const stored = jsonLines(both(['clearing', '--year', '2026', '--pool', '390', '--fund-yuan', '30000000'])[1]!.stdout)[0]!
    const code = (stored['hospitals'] as { fixmedins_code: string }[])[0]!.fixmedins_code
    const [fr, ur] = [file, db.url].map((ledger) => cli(['clearing-report', '--year', '2026', '--pool', '390', '--hospital', code, '--ledger', ledger]))
    expect(ur!.status, ur!.stderr).toBe(0)
    const untimed = (out: string) => jsonLines(out).map(({ run_at: _r, ...rest }: Record<string, unknown>) => rest)
    expect(untimed(ur!.stdout)).toEqual(untimed(fr!.stdout))
    expect(jsonLines(ur!.stdout)[0]).toMatchObject({ year: 2026, pool: '390', hospital: { fixmedins_code: code } })
  })

  it('special-case apply and decide answer as on the file (a settled plain discharge is no candidate)', () => {
    const plain = setlIds[0]!
    const [f, u] = both(['special-case', 'decide', '--setl-id', plain, '--decision', 'approved'])
    expect(u!.status).toBe(f!.status)
    expect(u!.stderr).toBe(f!.stderr)
    const [fu, uu] = both(['special-case', 'decide', '--setl-id', 'S999999999999', '--decision', 'approved'])
    expect(uu!.status).toBe(2)
    expect(uu!.stderr).toBe(fu!.stderr)
  })

  it('writes the report files of a run on the URL where --report-dir says', () => {
    const dir = join(tmp.dir, 'reports-pg')
    const p = cli(['month-end', '--ledger', db.url, '--tables', tables, '--month', '2026-10', '--pool', '310', '--budget-yuan', '100000', '--report-dir', dir])
    expect(p.status).toBe(0)
    expect(existsSync(join(dir, 'month-end-2026-10-310.json'))).toBe(true)
  })

  it('credentials add stores only the hash in the database', async () => {
    const p = cli(['credentials', 'add', '--ledger', db.url, '--admin', '--label', 'pg-test'])
    expect(p.status).toBe(0)
    const token = p.stdout.trim()
    const c = new pg.Client({ connectionString: db.url, types: NUMERIC_TYPES })
    await c.connect()
    try {
      const rows = (await c.query(`SELECT role, hospital, label FROM credentials WHERE label = 'pg-test'`)).rows
      expect(rows).toEqual([{ role: 'admin', hospital: null, label: 'pg-test' }])
      const all = JSON.stringify((await c.query('SELECT * FROM credentials')).rows)
      expect(all).not.toContain(token)
    } finally {
      await c.end()
    }
  })

  it('two month-end closes of one month on the URL at once (two processes): one closes it, the other is refused', async () => {
    const args = (budget: string) => ['month-end', '--ledger', db.url, '--tables', tables, '--month', '2026-10', '--pool', '310', '--budget-yuan', budget, '--close', '--no-reports']
    const runs = await Promise.all([cliAsync(args('1000')), cliAsync(args('2000'))])
    expect(runs.map((r) => r.status).sort()).toEqual([0, 1])
    const refused = runs.find((r) => r.status === 1)!
    expect(refused.stderr).toMatch(/2026-10 pool 310 was closed/)
  })

  it('a database that is not a dipsettle ledger is refused, naming it, and left unchanged', async () => {
    const other = await freshDatabase(server, 'foreign')
    try {
      const c = new pg.Client({ connectionString: other.url })
      await c.connect()
      await c.query('CREATE TABLE patients (id int)')
      const p = cli(['month-end', '--ledger', other.url, '--tables', tables, '--month', '2026-10', '--pool', '390', '--budget-yuan', '1', '--no-reports'])
      expect(p.status).toBe(1)
      expect(p.stderr).toMatch(/not a dipsettle ledger/)
      expect((await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows).toEqual([{ tablename: 'patients' }])
      await c.end()
    } finally {
      await other.drop()
    }
  })
})
