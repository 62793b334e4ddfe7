// The clearing port (engine/ledger/clearing-port.ts) on both backends: 周转金 issued once per (year, pool, unit),
// even by two issues at once; the 集采 items' line amounts netted; a stored clearing run replaces a draft with its hospitals, never a closed run. The
// PostgreSQL run needs DIPSETTLE_TEST_PG (fails in CI without it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ClearingPort, ClearingRunRow } from '../../engine/ledger/clearing-port.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { sqliteClearing } from '../../engine/ledger/sqlite/clearing.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { prepareRecord } from '../../engine/ledger/codec.js'
import type { LedgerPort } from '../../engine/ledger/port.js'
import { mini, settlementOf, tempDir } from './fixtures.js'
import { describePg, freshDatabase } from './pg-server.js'

const AT = new Date('2026-01-02T08:00:00Z')
interface Backend { readonly port: ClearingPort; readonly ledger: LedgerPort; close(): Promise<void> }
const run = (o: Partial<ClearingRunRow> = {}): ClearingRunRow => ({
  year: 2026, pool: '390', status: 'draft', fundFen: 100, runAt: 't1', closedAt: null, reportJson: '{}', ...o,
})

function suite(open: () => Promise<Backend>): void {
  let b: Backend
  beforeEach(async () => { b = await open() })
  afterEach(async () => { await b.close() })

  it('issues each unit\'s advance once; a later issue leaves it as it was', async () => {
    const list = [{ code: 'H1', amountFen: 47_500, priorPayoutsFen: 570_000 }, { code: 'H2', amountFen: 55_417, priorPayoutsFen: 665_000 }]
    expect(await b.port.issueAdvances(2026, '390', list, AT)).toEqual({ issued: 2, issuedFen: 102_917, already: 0 })
    expect(await b.port.issueAdvances(2026, '390', [{ ...list[0]!, amountFen: 1 }], AT)).toEqual({ issued: 0, issuedFen: 0, already: 1 })
    expect(await b.port.advances(2026, '390')).toEqual(new Map([
      ['H1', { code: 'H1', amountFen: 47_500, priorPayoutsFen: 570_000, issuedAt: '2026-01-02T08:00:00.000Z' }],
      ['H2', { code: 'H2', amountFen: 55_417, priorPayoutsFen: 665_000, issuedAt: '2026-01-02T08:00:00.000Z' }],
    ]))
    expect((await b.port.advances(2026, '310')).size).toBe(0)
  })

  it('two issues at once issue each unit once', async () => {
    const list = Array.from({ length: 40 }, (_, i) => ({ code: `H${i}`, amountFen: i, priorPayoutsFen: 12 * i }))
    const [x, y] = await Promise.all([b.port.issueAdvances(2027, '310', list, AT), b.port.issueAdvances(2027, '310', list, AT)])
    expect(x!.issued + y!.issued).toBe(40)
    expect((await b.port.advances(2027, '310')).size).toBe(40)
  })

  it('sums the year\'s inpatient line amounts of the asked items per hospital, reversals netted', async () => {
    // each mini claim bills SD001 for its in-scope 1,000.00 and SD003 for the rest (120,000 + n fen in all)
    for (const n of [1, 2, 3]) {
      const s = settlementOf(mini(n, { psn_no: `P${n}` }))
      const { history } = await b.ledger.readHistory(`P${n}`)
      const [o] = await b.ledger.commit([prepareRecord(s, `h${n}`, { version: history.version, absorbed: 0 }).record])
      expect(o?.status).toBe('settled')
    }
    await b.ledger.reverse({ setlId: 'S000000000002', msgid: 'R2', bodyHash: 'r2' })
    // SD001: 3 × 100,000 − 100,000 reversed = 200,000; SD003: (20,001 + 20,002 + 20,003) − 20,002 = 40,004
    expect(await b.port.vbpLineAmounts(2026, '390', ['SD001', 'SD003'])).toEqual([
      { code: 'H15020300003', item: 'SD001', amountFen: 200_000 }, { code: 'H15020300003', item: 'SD003', amountFen: 40_004 },
    ])
    expect(await b.port.vbpLineAmounts(2026, '310', ['SD001'])).toEqual([])
    expect(await b.port.vbpLineAmounts(2026, '390', [])).toEqual([])
  })

  it('replaces a draft run and its hospitals; a closed run is final', async () => {
    expect(await b.port.saveClearing(run(), new Map([['H1', '{"a":1}'], ['H2', '{"b":2}']]))).toBe('saved')
    expect(await b.port.saveClearing(run({ fundFen: 200, runAt: 't2' }), new Map([['H1', '{"a":3}']]))).toBe('saved')
    expect(await b.port.getClearing(2026, '390')).toEqual(run({ fundFen: 200, runAt: 't2' }))
    expect(await b.port.clearingHospital(2026, '390', 'H1')).toBe('{"a":3}')
    expect(await b.port.clearingHospital(2026, '390', 'H2')).toBeUndefined()
    expect(await b.port.saveClearing(run({ status: 'closed', runAt: 't3', closedAt: 't3' }), new Map([['H1', '{"c":4}']]))).toBe('saved')
    expect(await b.port.saveClearing(run({ fundFen: 1, runAt: 't4' }), new Map([['H9', '{}']]))).toBe('closed')
    expect(await b.port.getClearing(2026, '390')).toEqual(run({ status: 'closed', runAt: 't3', closedAt: 't3' }))
    expect(await b.port.clearingHospital(2026, '390', 'H1')).toBe('{"c":4}')
    expect(await b.port.clearingHospital(2026, '390', 'H9')).toBeUndefined()
  })
}

describe('clearing port on SQLite', () => suite(async () => {
  const tmp = tempDir()
  const l = new SqliteLedger(tmp.file('ledger.sqlite'))
  return { port: sqliteClearing(l.db), ledger: l.port(), close: async () => { l.close(); tmp.cleanup() } }
}))

describePg('clearing port on PostgreSQL', (url) => suite(async () => {
  const db = await freshDatabase(url, 'clr')
  const l = await PgLedger.open(db.url)
  return { port: l.clearing, ledger: l, close: async () => { await l.close(); await db.drop() } }
}))
