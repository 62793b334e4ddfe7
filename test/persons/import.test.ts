// `dipsettle persons import` into both ledger backends (SPEC §11): batches, idempotent, file:row problems, versions
// by effective date; and a settlement on the SQLite ledger uses the person in force on its enddate.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import type { PersonsPort } from '../../engine/ledger/persons-port.js'
import { computeClaim } from '../../engine/ledger/settle.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { SqlitePersons } from '../../engine/ledger/sqlite/persons.js'
import { withLedgerPersons } from '../../engine/persons/attach.js'
import { importPersons, type ImportOptions } from '../../engine/persons/import.js'
import { loadTables } from '../../engine/tables/load.js'
import { demoTablesFile } from '../fixtures/tables.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'

const dir = mkdtempSync(join(tmpdir(), 'dipsettle-persons-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const HEADER = 'psn_no,insutype,psn_kind,poverty,assistance,city,acct_balance_yuan,effective_from\n'
const CSV = HEADER +
  'Q000000001,390,resident,0,0,赤峰,,\n' +
  'Q000000002,310,in_service,0,0,包头,1234.56,\n' +
  // the same person again from a later date: a second version, not a duplicate
  'Q000000002,310,retired,0,1,包头,99.00,2026-07-01\n'

function opts(o: Partial<ImportOptions> = {}): ImportOptions {
  return { file: 'persons.csv', effectiveFrom: '2026-01-01', format: 'csv', ...o }
}

function run(port: PersonsPort, text: string, o: Partial<ImportOptions> = {}) {
  return importPersons(Readable.from([Buffer.from(text)]), port, opts(o))
}

/** The same behaviour on each backend. */
function importSuite(open: () => Promise<{ port: PersonsPort; close: () => Promise<void> }>): void {
  let port: PersonsPort
  let close: () => Promise<void>
  beforeEach(async () => { ({ port, close } = await open()) })
  afterEach(async () => { await close() })

  it('stores each row with its effective date; a re-import changes nothing', async () => {
    expect(await run(port, CSV, { batchRows: 2 })).toEqual({ rows: 3, changed: 3, unchanged: 0, batches: 2, problems: [], more: 0 })
    expect(await run(port, CSV, { batchRows: 2 })).toEqual({ rows: 3, changed: 0, unchanged: 3, batches: 2, problems: [], more: 0 })
    expect(await port.personsCount()).toBe(2)
    const vs = await port.personVersions('Q000000002')
    expect(vs.map((v) => [v.effectiveFrom, v.person.psnKind, v.person.acctBalanceFen])).toEqual([
      ['2026-01-01', 'in_service', 123_456], ['2026-07-01', 'retired', 9_900]])
  })

  it('an update of one day replaces that version only', async () => {
    await run(port, CSV)
    const r = await run(port, HEADER + 'Q000000001,390,resident,1,1,赤峰,,\n')
    expect(r.changed).toBe(1)
    const vs = await port.personVersions('Q000000001')
    expect(vs.map((v) => [v.effectiveFrom, v.person.poverty, v.person.assistance])).toEqual([['2026-01-01', true, true]])
  })

  it('JSON lines, checked by the same reader', async () => {
    const text = '{"psn_no":"Q000000003","insutype":"390","psn_kind":"resident","poverty":true,"assistance":false,"city":"赤峰","brdy":"1950-02-03"}\n'
    expect((await run(port, text, { format: 'jsonl' })).changed).toBe(1)
    expect((await port.personVersions('Q000000003'))[0]?.person).toMatchObject({ poverty: true, brdy: '1950-02-03' })
  })

  it('a bad row is reported as file:row:column and its batch — and everything after it — is not stored', async () => {
    const bad = HEADER + 'Q000000001,390,resident,0,0,赤峰,,\n' + 'Q000000004,311,resident,0,0,赤峰,,\n' +
      'Q000000005,390,resident,0,0,赤峰,,2026-02-30\n' + 'Q000000006,390,resident,0,0,赤峰,,\n'
    const r = await run(port, bad, { batchRows: 3 })
    // a batch's dates are checked before its rows
    expect(r.problems).toEqual(['persons.csv:4:effective_from: not a date YYYY-MM-DD "2026-02-30"', 'persons.csv:3:insutype: "311" is not one of 310, 390'])
    expect(r.rows).toBe(0)
    expect(await port.personsCount()).toBe(0)
    // a repeated psn_no of one date, and a missing column
    const dup = await run(port, HEADER + 'Q000000001,390,resident,0,0,赤峰,,\nQ000000001,390,resident,0,0,赤峰,,\n')
    expect(dup.problems).toEqual(['persons.csv:3:psn_no: duplicate code "Q000000001" (first at row 2)'])
    const missing = await run(port, 'psn_no,insutype\nQ000000001,390\n')
    expect(missing.problems[0]).toBe('persons.csv:1:psn_kind: missing column')
    expect(await port.personsCount()).toBe(0)
  })
}

describe('persons import: SQLite ledger', () => {
  importSuite(async () => {
    const l = openLedger(join(dir, `l-${Math.random().toString(36).slice(2)}.sqlite`))
    return { port: new SqlitePersons(l.db), close: async () => l.close() }
  })
})

describePg('persons import: PostgreSQL ledger', (server) => {
  importSuite(async () => {
    const db = await freshDatabase(server, 'psn')
    const l = await PgLedger.open(db.url)
    return { port: l.persons, close: async () => { await l.close(); await db.drop() } }
  })
})

describe('a settlement uses the person in force on its enddate (SQLite ledger over the demo tables)', () => {
  it('the tables file\'s person before an imported version, the imported one from its date', async () => {
    const file = join(dir, 'asof.sqlite')
    const tables = loadTables(demoTablesFile())
    const claim = [...generateDemoClaims(tables, { count: 20, seed: 7, month: '2026-10', outpatientShare: 1 })][0]!
    const person = tables.persons.get(claim.psn_no)!
    expect(person.insutype).toBe(claim.insutype)
    const l = openLedger(file)
    // from the day after the claim's enddate, the person is insured under the other scheme
    const other = person.insutype === '310' ? '390,resident' : '310,in_service'
    const next = new Date(Date.parse(claim.enddate) + 86_400_000).toISOString().slice(0, 10)
    await run(new SqlitePersons(l.db), `${HEADER}${claim.psn_no},${other},0,0,${person.city},,${next}\n`)
    l.close()
    const env = { tables: withLedgerPersons(tables, file), policy: tables.policy }
    expect(computeClaim(claim, env).status).toBe('computed')
    const later = { ...claim, begndate: next, enddate: next }
    const r = computeClaim(later, env)
    expect(r.status).toBe('rejected')
    expect(r.status === 'rejected' ? r.reasons.map((x) => x.code) : []).toContain('E_INSUTYPE_MISMATCH')
    // a person only the ledger knows is unknown before their effective date
    const l2 = openLedger(file)
    await run(new SqlitePersons(l2.db), `${HEADER}Q000000009,${person.insutype},${person.psnKind},0,0,${person.city},,${next}\n`)
    l2.close()
    const fresh = withLedgerPersons(tables, file).persons
    expect(fresh.get('Q000000009', claim.enddate)).toBeUndefined()
    expect(fresh.get('Q000000009', next)?.city).toBe(person.city)
  })
})
