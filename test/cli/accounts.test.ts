// SPEC §15 through the built CLI: `per-capita` stores its run and writes its reports; `accounts credit` credits a month once (a second run changes nothing and says so),
// `accounts statement` lists the entries with the balance derived from the ledger — on a SQLite file and on a
// PostgreSQL URL (DIPSETTLE_TEST_PG; fails in CI without it).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { buildDemoTables, cli, jsonLines } from './helpers.js'

let tmp: ReturnType<typeof tempDir>
let tables: string

beforeAll(() => {
  tmp = tempDir()
  tables = buildDemoTables(tmp.dir)
}, 120_000)
afterAll(() => tmp.cleanup())

// The demo region's persons.csv: 24,342 in service with a contribution base, 10,389 retired (34,731 accounts).
// P000000004 (in service): opening 7,014.06 yuan, base 14,394.70 → 2 % = 287.894 → 287.89 a month.
function creditsAndStatement(ledger: () => string): void {
  it('credits a month once; the second run changes nothing and says so; the statement shows the balance', () => {
    const first = cli(['accounts', 'credit', '--ledger', ledger(), '--month', '2026-10', '--tables', tables])
    expect(first.status).toBe(0)
    expect(jsonLines(first.stdout).at(-1)).toMatchObject({ month: '2026-10', status: 'credited', credited: 34_731, already_credited: 0, without_base: 0 })
    const again = cli(['accounts', 'credit', '--ledger', ledger(), '--month', '2026-10', '--tables', tables])
    expect(again.status).toBe(0)
    expect(jsonLines(again.stdout).at(-1)).toMatchObject({ status: 'already_credited', credited: 0, credited_yuan: 0, already_credited: 34_731 })
    expect(again.stderr).toContain('nothing changed')
    expect(cli(['accounts', 'credit', '--ledger', ledger(), '--month', '2026-11', '--tables', tables]).status).toBe(0)
    const st = cli(['accounts', 'statement', '--ledger', ledger(), '--psn-no', 'P000000004', '--year', '2026', '--tables', tables])
    expect(st.status).toBe(0)
    // 7,014.06 + 287.89 + 287.89 = 7,589.84
    expect(jsonLines(st.stdout).at(-1)).toEqual({
      psn_no: 'P000000004', year: 2026, opening_balance_yuan: 7014.06, credits_yuan: 575.78, payments_yuan: 0,
      closing_balance_yuan: 7589.84, entries: [
        { date: '2026-10-01', kind: 'credit', amount_yuan: 287.89, balance_yuan: 7301.95, month: '2026-10' },
        { date: '2026-11-01', kind: 'credit', amount_yuan: 287.89, balance_yuan: 7589.84, month: '2026-11' },
      ],
    })
  }, 120_000)
}

describe('dipsettle accounts on a SQLite ledger', () => {
  creditsAndStatement(() => tmp.file('ledger.sqlite'))

  it('refuses a bad month, an unknown person, and a policy without personal_account', () => {
    expect(cli(['accounts', 'credit', '--ledger', tmp.file('x.sqlite'), '--month', '2026-13', '--tables', tables]).status).toBe(2)
    const unknown = cli(['accounts', 'statement', '--ledger', tmp.file('x.sqlite'), '--psn-no', 'NOPE', '--tables', tables])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('NOPE')
  })
})

describe('dipsettle per-capita through the CLI', () => {
  it('writes a JSON + HTML report per institution, stores the run, and refuses a closed month (exit 1)', () => {
    const ledger = tmp.file('pc.sqlite')
    const dir = tmp.file('pc-reports')
    const first = cli(['per-capita', '--ledger', ledger, '--month', '2026-10', '--tables', tables, '--report-dir', dir])
    expect(first.status).toBe(0)
    const r = jsonLines(first.stdout).at(-1) as { status: string; institutions: { fixmedins_code: string; spending_yuan: number; surplus_yuan: number; budget_yuan: number }[] }
    expect(r.status).toBe('draft')
    expect(r.institutions.length).toBeGreaterThan(0)
    // no outpatient settlements yet: every budget is surplus
    for (const i of r.institutions) expect([i.spending_yuan, i.surplus_yuan]).toEqual([0, i.budget_yuan])
    const code = r.institutions[0]!.fixmedins_code
    expect(readFileSync(join(dir, `${code}.html`), 'utf8')).toContain('charged to this institution')
    expect(cli(['per-capita', '--ledger', ledger, '--month', '2026-10', '--tables', tables, '--report-dir', dir, '--close']).status).toBe(0)
    const again = cli(['per-capita', '--ledger', ledger, '--month', '2026-10', '--tables', tables, '--report-dir', dir])
    expect(again.status).toBe(1)
    expect(again.stderr).toContain('closed')
  }, 120_000)
})

describePg('dipsettle accounts on a PostgreSQL ledger', (url) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>
  beforeAll(async () => { db = await freshDatabase(url, 'acctcli') })
  afterAll(async () => { await db.drop() })
  creditsAndStatement(() => db.url)
})
