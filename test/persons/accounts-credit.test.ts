// `accounts credit` credits the persons in force on the month's last day — the ledger's imported versions over the
// tables file's (SPEC §11, §15; issue 21) — and `persons import` checks insuplc_admdvs against the region's admdvs
// and the insuring regions its tables hold policies of (SPEC §13), on a SQLite file and on PostgreSQL.
//
// Imported (demo policy: personal_account.in_service_rate 0.02, retired_monthly_yuan 60):
//   Q400000001  310 in service, base 10,000.00, from 2026-10-10   September: not yet insured; October: 2 % = 200.00
//   P000000004  the demo's in-service person (base 14,394.70 → 287.89 a month, opening 7,014.06), retired from
//               2026-10-15                                          September: 287.89; October: 60.00 (retired)
// Statement of P000000004 for 2026: 7,014.06 + 287.89 + 60.00 = 7,361.95.
// The demo's persons.csv has 34,731 accounts (24,342 in service with a base, 10,389 retired): September credits
// them all; October them + Q400000001 = 34,732.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { buildDemoTables, cli, jsonLines } from '../cli/helpers.js'

const IMPORT = [
  'psn_no,insutype,psn_kind,poverty,assistance,city,acct_balance_yuan,contribution_base_yuan,effective_from',
  'Q400000001,310,in_service,0,0,包头,,10000.00,2026-10-10',
  'P000000004,310,retired,0,0,包头,7014.06,,2026-10-15',
].join('\n') + '\n'

let tmp: ReturnType<typeof tempDir>
let tables: string
beforeAll(() => {
  tmp = tempDir()
  tables = buildDemoTables(tmp.dir)
}, 120_000)
afterAll(() => tmp.cleanup())

function creditsOfTheMonth(ledger: () => string): void {
  it("credits the persons in force on the month's last day, imported ones included", () => {
    expect(cli(['persons', 'import', '--ledger', ledger(), '--tables', tables], IMPORT).status).toBe(0)
    const sep = cli(['accounts', 'credit', '--ledger', ledger(), '--month', '2026-09', '--tables', tables])
    expect(sep.status).toBe(0)
    expect(jsonLines(sep.stdout).at(-1)).toMatchObject({ status: 'credited', credited: 34_731, without_base: 0 })
    const oct = cli(['accounts', 'credit', '--ledger', ledger(), '--month', '2026-10', '--tables', tables])
    expect(oct.status).toBe(0)
    expect(jsonLines(oct.stdout).at(-1)).toMatchObject({ status: 'credited', credited: 34_732, without_base: 0 })
    // the September total minus P000000004's 287.89, plus its 60.00 and Q400000001's 200.00
    const [s, o] = [sep, oct].map((r) => jsonLines(r.stdout).at(-1)!['credited_yuan'] as number)
    expect(Math.round((o! - s!) * 100)).toBe(-28_789 + 6_000 + 20_000)

    const p4 = cli(['accounts', 'statement', '--ledger', ledger(), '--psn-no', 'P000000004', '--year', '2026', '--tables', tables])
    expect(p4.status).toBe(0)
    expect(jsonLines(p4.stdout).at(-1)).toMatchObject({
      opening_balance_yuan: 7014.06, credits_yuan: 347.89, closing_balance_yuan: 7361.95, entries: [
        { date: '2026-09-01', kind: 'credit', amount_yuan: 287.89, month: '2026-09' },
        { date: '2026-10-01', kind: 'credit', amount_yuan: 60, month: '2026-10' },
      ],
    })
    const q = cli(['accounts', 'statement', '--ledger', ledger(), '--psn-no', 'Q400000001', '--year', '2026', '--tables', tables])
    expect(q.status).toBe(0)
    expect(jsonLines(q.stdout).at(-1)).toMatchObject({ opening_balance_yuan: 0, credits_yuan: 200, entries: [{ amount_yuan: 200, month: '2026-10' }] })
  }, 180_000)

  it("persons import: insuplc_admdvs empty, the region's own (150000) or 640000 (other-regions/) pass; 999999 is named file:row", () => {
    const header = 'psn_no,insutype,psn_kind,poverty,assistance,city,insuplc_admdvs\n'
    const good = cli(['persons', 'import', '--ledger', ledger(), '--tables', tables, '--effective', '2026-01-01'],
      header + 'Q400000002,390,resident,0,0,包头,\nQ400000003,390,resident,0,0,包头,150000\nQ400000004,390,resident,0,0,包头,640000\n')
    expect(good.status).toBe(0)
    expect(JSON.parse(good.stdout)).toMatchObject({ rows: 3, changed: 3, problems: 0 })
    const bad = cli(['persons', 'import', '--ledger', ledger(), '--tables', tables, '--effective', '2026-01-01'],
      header + 'Q400000005,390,resident,0,0,包头,640000\nQ400000006,390,resident,0,0,包头,999999\n')
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('<stdin>:3:insuplc_admdvs: unknown insuring region "999999": no other-regions/999999.json in the sources')
    expect(JSON.parse(bad.stdout)).toMatchObject({ rows: 0, changed: 0 })
  })
}

describe('accounts credit and persons import on a SQLite ledger', () => {
  creditsOfTheMonth(() => tmp.file('ledger.sqlite'))
})

describePg('accounts credit and persons import on PostgreSQL', (server) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>
  beforeAll(async () => { db = await freshDatabase(server, 'credit') })
  afterAll(async () => { await db?.drop() })
  creditsOfTheMonth(() => db.url)
})
