// The stays port (engine/ledger/stays-port.ts) on both backends (SQLite: sqlite/stays.ts; PostgreSQL: postgres/stays.ts),
// one suite: gap-free ids, the envelope answer stored with each change and found again, refusals that write nothing
// — and two handles on one ledger (two server processes): a stay opened through one is finished through the other,
// one msgid sent to both at once changes the stay once, uploads to one stay from both keep every line.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { prepareRecord } from '../../engine/ledger/codec.js'
import type { LedgerPort } from '../../engine/ledger/port.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { pgLedgerPorts } from '../../engine/ledger/postgres/ports.js'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { SqliteStays } from '../../engine/ledger/sqlite/stays.js'
import type { EnvelopeRecord, NewStay, Stay, StayChange, StayFee, StaysPort } from '../../engine/ledger/stays-port.js'
import { mini, settlementOf, tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { NUMERIC_TYPES } from '../ledger/backends.js'
import pg from 'pg'

/** One handle on the ledger: its settlement side and its stays. */
interface Handle { readonly ledger: LedgerPort; readonly stays: StaysPort; close(): Promise<void> }

/** A new ledger on one backend: handles on it (each another process's view) and a row count of its tables. */
interface Side {
  open(): Promise<Handle>
  count(table: string): Promise<number>
  close(): Promise<void>
}

async function sqliteSide(): Promise<Side> {
  const tmp = tempDir()
  const file = tmp.file('l.sqlite')
  const first = openLedger(file)
  const handle = (l: SqliteLedger): Handle => ({ ledger: l.port(), stays: new SqliteStays(l.db, NOW), close: async () => l.close() })
  return {
    open: async () => handle(openLedger(file, { now: NOW })),
    count: async (t) => first.db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number,
    close: async () => { first.close(); tmp.cleanup() },
  }
}

async function postgresSide(server: string): Promise<Side> {
  const db = await freshDatabase(server, 'stays')
  const raw = new pg.Client({ connectionString: db.url, types: NUMERIC_TYPES })
  await raw.connect()
  return {
    open: async () => {
      const l = await PgLedger.open(db.url, { maxConnections: 2, now: NOW })
      return { ledger: l, stays: pgLedgerPorts(l, { now: NOW }).stays, close: () => l.close() }
    },
    count: async (t) => Number((await raw.query(`SELECT COUNT(*) AS n FROM ${t}`)).rows[0].n),
    close: async () => { await raw.end(); await db.drop() },
  }
}

/** 2026-10-10 01:00 in China (UTC+8): the recording day of 3201 is the 10th, not the UTC 9th. */
let clock = new Date('2026-10-09T17:00:00.000Z')
const NOW = (): Date => clock

const H = 'H15020300001'
const NEW: NewStay = {
  fixmedins_code: H, psn_no: 'P0001', insutype: '390', inpatient: true,
  visit: { med_type: '21', begndate: '2026-10-01', diagnoses: [{ code: 'I63.900', main: true }], discharge: null },
}
let n = 0
function env<T>(answer: (v: T) => unknown = () => ({}), msgid = `${H}20261101100000${String(++n).padStart(4, '0')}`, hash = 'h'): EnvelopeRecord<T> {
  return { msgid, fixmedins_code: H, infno: 'x', bodyHash: hash, answer: (v) => JSON.stringify(answer(v)) }
}
const fee = (sn: string, extra: Record<string, unknown> = {}): StayFee => ({ feedetl_sn: sn, med_list_codg: 'C', cnt: 1, pric: 1, det_item_fee_sumamt: 1, extra })
const done = <T>(c: StayChange<T>): T => {
  if (c.status !== 'done') throw new Error(JSON.stringify(c))
  return c.value
}

function staysSuite(make: () => Promise<Side>): void {
  let side: Side
  let a: Handle
  beforeEach(async () => {
    side = await make()
    a = await side.open()
  })
  afterEach(async () => {
    await a.close()
    await side.close()
  })

  it('assigns gap-free mdtrt_ids and stores each change\'s answer with it', async () => {
    const x = await a.stays.openStay(NEW, env((s) => s.mdtrt_id))
    const y = await a.stays.openStay(NEW, env((s) => s.mdtrt_id))
    expect(x).toMatchObject({ status: 'done', answerJson: '"N000000000001"' })
    expect(y).toMatchObject({ status: 'done', answerJson: '"N000000000002"' })
    expect(await side.count('national_envelopes')).toBe(2)
    expect(await a.stays.stay('H99999999999', 'N000000000001')).toBeUndefined()
  })

  it('a msgid answered before is found instead of changing again', async () => {
    const e = env<unknown>(() => 'first')
    await a.stays.openStay(NEW, e)
    const again = await a.stays.openStay(NEW, { ...e, bodyHash: 'other', answer: () => '"second"' })
    expect(again).toEqual({ status: 'seen', bodyHash: 'h', answerJson: '"first"' })
    expect(await a.stays.envelopeAnswer(e.msgid)).toEqual({ bodyHash: 'h', answerJson: '"first"' })
    expect(await side.count('national_stays')).toBe(1)
  })

  it('a refused change writes nothing, not even its answer', async () => {
    const id = done(await a.stays.openStay(NEW, env())).mdtrt_id
    await a.stays.addFees(H, id, [fee('1'), fee('2')], env())
    const before = await side.count('national_envelopes')
    expect(await a.stays.addFees(H, id, [fee('3'), fee('2')], env())).toMatchObject({ status: 'refused', code: 'E_FEEDETL_SN_TAKEN', detail: '2' })
    expect(await a.stays.removeFees(H, id, ['1', '9'], env())).toMatchObject({ status: 'refused', code: 'E_FEEDETL_SN_UNKNOWN', detail: '9' })
    expect(await a.stays.transition(H, id, { from: ['discharged'], to: 'settled' }, env())).toMatchObject({ status: 'refused', code: 'E_STAY_STATE', detail: 'open' })
    expect(await a.stays.addFees(H, 'N000000000099', [fee('1')], env())).toMatchObject({ status: 'refused', code: 'E_STAY_UNKNOWN' })
    expect(await side.count('national_envelopes')).toBe(before)
    expect((await a.stays.stay(H, id))!.fees.map((f) => f.feedetl_sn)).toEqual(['1', '2'])
  })

  it('keeps fee lines as sent, in upload order, withdraws some or all, and records a 4101A list', async () => {
    const id = done(await a.stays.openStay(NEW, env())).mdtrt_id
    const sent = fee('7', { fee_ocur_time: '2026-10-02 08:00:00', medins_list_codg: 'X1', z: 1, a: [2, 1.5] })
    await a.stays.addFees(H, id, [fee('9'), sent], env())
    await a.stays.addFees(H, id, [fee('1')], env())
    expect((await a.stays.stay(H, id))!.fees).toEqual([fee('9'), sent, fee('1')])
    // the line as sent, key order too (a national answer echoes it)
    expect(JSON.stringify((await a.stays.stay(H, id))!.fees[1])).toBe(JSON.stringify(sent))
    done(await a.stays.removeFees(H, id, ['9'], env()))
    expect((await a.stays.stay(H, id))!.fees.map((f) => f.feedetl_sn)).toEqual(['7', '1'])
    done(await a.stays.removeFees(H, id, null, env()))
    expect((await a.stays.stay(H, id))!.fees).toEqual([])
    const list = { setl_id: 'S000000000001', mdtrt_id: id, fixmedins_code: H, list: { diseinfo: [{ diag_code: 'I63.900' }] }, dip: { group: 'I63.9', points: 1.5 } }
    done(await a.stays.recordSetlList(list, env()))
    done(await a.stays.recordSetlList({ ...list, dip: { group: 'I63.9', points: 2 } }, env()))
    expect(await a.stays.setlList('S000000000001')).toEqual({ ...list, dip: { group: 'I63.9', points: 2 } })
    expect(await a.stays.setlList('S000000000002')).toBeUndefined()
  })

  it('a stay opened through one handle is finished through another (two server processes)', async () => {
    const b = await side.open()
    try {
      // 2401 on A; 2301 on B; 2402 on A; 2304 on B: discharged → settling, the settlement, settling → settled
      const id = done(await a.stays.openStay(NEW, env())).mdtrt_id
      done(await b.stays.addFees(H, id, [fee('1'), fee('2')], env()))
      const discharge = { enddate: '2026-10-09', dscg_way: '1', diagnoses: [{ code: 'I63.900', main: true }] }
      done(await a.stays.transition(H, id, { from: ['open'], to: 'discharged', visit: { ...NEW.visit, discharge } }, env()))
      expect((await b.stays.stay(H, id))!.status).toBe('discharged')
      done(await b.stays.transition(H, id, { from: ['discharged'], to: 'settling' }))
      // the stay is frozen while settling: a late upload through A is refused
      expect(await a.stays.addFees(H, id, [fee('3')], env())).toMatchObject({ status: 'refused', code: 'E_STAY_STATE', detail: 'settling' })
      const s = settlementOf(mini(1, { mdtrt_id: id }))
      const { history } = await b.ledger.readHistory('P0001')
      const [o] = await b.ledger.commit([prepareRecord(s, 'h1', { version: history.version, absorbed: 0 }).record])
      expect(o).toEqual({ status: 'settled', setlId: 'S000000000001' })
      // a crash here (settled, not marked) is found again through either handle
      expect(await a.stays.liveSettlement('P0001', id)).toBe('S000000000001')
      const settled = done(await a.stays.transition(H, id, { from: ['settling'], to: 'settled', setl_id: 'S000000000001' }, env()))
      expect(settled).toMatchObject({ status: 'settled', setl_id: 'S000000000001', visit: { discharge } })
      expect(await b.stays.stay(H, id)).toEqual(settled)
      expect(settled.fees.map((f) => f.feedetl_sn)).toEqual(['1', '2'])
      // reversed (2305): no live settlement any more
      await a.ledger.reverse({ setlId: 'S000000000001', msgid: 'R1', bodyHash: 'r' })
      expect(await b.stays.liveSettlement('P0001', id)).toBeUndefined()
    } finally {
      await b.close()
    }
  })

  it('one msgid sent to two handles at once changes the stay once; both answer the first answer', async () => {
    const b = await side.open()
    try {
      const e = env<Stay>((s) => s.mdtrt_id)
      const [x, y] = await Promise.all([a.stays.openStay(NEW, e), b.stays.openStay(NEW, e)])
      expect([x.status, y.status].sort()).toEqual(['done', 'seen'])
      expect(x.status === 'done' ? x.answerJson : y.status === 'done' ? y.answerJson : '').toBe('"N000000000001"')
      expect(await side.count('national_stays')).toBe(1)
      expect(await side.count('national_envelopes')).toBe(1)
    } finally {
      await b.close()
    }
  })

  it('stays opened and lines uploaded through two handles at once: ids gap-free, every line kept once', async () => {
    const b = await side.open()
    try {
      const opened = await Promise.all([a, b, a, b].map((h) => h.stays.openStay(NEW, env())))
      expect(opened.map((o) => done(o).mdtrt_id).sort()).toEqual(['N000000000001', 'N000000000002', 'N000000000003', 'N000000000004'])
      const id = 'N000000000001'
      const ups = await Promise.all([1, 2, 3, 4, 5, 6].map((k) => (k % 2 === 0 ? a : b).stays.addFees(H, id, [fee(`${k}a`), fee(`${k}b`)], env())))
      expect(ups.every((u) => u.status === 'done')).toBe(true)
      const fees = (await a.stays.stay(H, id))!.fees.map((f) => f.feedetl_sn)
      expect([...fees].sort()).toEqual([1, 2, 3, 4, 5, 6].flatMap((k) => [`${k}a`, `${k}b`]).sort())
      // each upload's lines stay together, in their order
      for (let k = 1; k <= 6; k++) expect(fees.indexOf(`${k}b`)).toBe(fees.indexOf(`${k}a`) + 1)
    } finally {
      await b.close()
    }
  })

  it('3201 totals a hospital\'s settlements by recording day in China time, reversals netted', async () => {
    clock = new Date('2026-10-09T17:00:00.000Z')
    const record = async (k: number) => {
      const { history } = await a.ledger.readHistory('P0001')
      return a.ledger.commit([prepareRecord(settlementOf(mini(k), history), `h${k}`, { version: history.version, absorbed: 0 }).record])
    }
    await record(1)
    await record(2)
    // the reversal is recorded the next China day (2026-10-11 00:30 +08): it nets out of that day's totals only
    clock = new Date('2026-10-10T16:30:00.000Z')
    await a.ledger.reverse({ setlId: 'S000000000002', msgid: 'R2', bodyHash: 'r2' })
    const [one, two] = [(await a.ledger.settlement('S000000000001'))!, (await a.ledger.settlement('S000000000002'))!]
    const fen = (r: typeof one, k: 'medfee_sumamt' | 'fund_pay_sumamt') => Math.round(Number(r.setlinfo[k]) * 100)
    const hosp = 'H15020300003'
    expect(await a.stays.reconcileTotals(hosp, '2026-10-09', '2026-10-09')).toEqual([])
    expect(await a.stays.reconcileTotals(hosp, '2026-10-10', '2026-10-10')).toEqual([{
      insutype: '390', clr_type: '21', medfee_sumamt_fen: fen(one, 'medfee_sumamt') + fen(two, 'medfee_sumamt'),
      fund_pay_sumamt_fen: fen(one, 'fund_pay_sumamt') + fen(two, 'fund_pay_sumamt'), acct_pay_fen: 0, count: 2,
    }])
    expect(await a.stays.reconcileTotals(hosp, '2026-10-10', '2026-10-11')).toEqual([{
      insutype: '390', clr_type: '21', medfee_sumamt_fen: fen(one, 'medfee_sumamt'), fund_pay_sumamt_fen: fen(one, 'fund_pay_sumamt'), acct_pay_fen: 0, count: 1,
    }])
    expect(await a.stays.reconcileTotals('H99999999999', '2026-10-01', '2026-10-31')).toEqual([])
  })
}

describe('stays on SQLite', () => staysSuite(sqliteSide))
describePg('stays on PostgreSQL', (server) => staysSuite(() => postgresSide(server)))

describe('SqliteStays on a ledger made before the national tables', () => {
  it('creates its tables, changing nothing else', async () => {
    const tmp = tempDir()
    const ledger = openLedger(tmp.file('l.sqlite'))
    try {
      ledger.db.exec('DROP TABLE national_stays; DROP TABLE national_stay_fees; DROP TABLE national_envelopes; DROP TABLE national_setl_lists')
      const version = ledger.db.pragma('user_version', { simple: true })
      const again = new SqliteStays(ledger.db)
      expect((await again.openStay(NEW, env())).status).toBe('done')
      expect(ledger.db.pragma('user_version', { simple: true })).toBe(version)
    } finally {
      ledger.close()
      tmp.cleanup()
    }
  })
})
