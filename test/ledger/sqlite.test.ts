import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openBulkLedger, openLedger } from '../../engine/ledger/sqlite.js'
import { BULK_CHECKPOINT_PAGES } from '../../engine/ledger/sqlite/connection.js'
import type { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { mini, settlementOf, tempDir } from './fixtures.js'

let tmp: ReturnType<typeof tempDir>
let ledger: SqliteLedger
beforeEach(() => {
  tmp = tempDir()
  ledger = openLedger(tmp.file('ledger.sqlite'), { now: () => new Date('2026-02-01T08:00:00Z') })
})
afterEach(() => {
  ledger.close()
  tmp.cleanup()
})

describe('SqliteLedger', () => {
  it('opens in WAL mode with synchronous=FULL', () => {
    expect(ledger.db.pragma('journal_mode', { simple: true })).toBe('wal')
    // FULL = 2
    expect(ledger.db.pragma('synchronous', { simple: true })).toBe(2)
  })

  it("checkpoints at SQLite's 1,000 WAL pages, or at a bulk run's interval on a connection opened for one", () => {
    expect(ledger.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    const bulk = openBulkLedger(tmp.file('ledger.sqlite'), { dryRun: false })!
    try {
      expect(bulk.db.pragma('wal_autocheckpoint', { simple: true })).toBe(BULK_CHECKPOINT_PAGES)
      expect(BULK_CHECKPOINT_PAGES).toBeGreaterThan(1000)
    } finally {
      bulk.close()
    }
  })

  it('records a settlement with setl_id S + 12-digit seq and adds its delta to the person-year', () => {
    const s = settlementOf(mini(1))
    const out = ledger.record(s, 'h1')
    expect(out.status).toBe('settled')
    if (out.status !== 'settled') return
    expect(out.result.setl_id).toBe('S000000000001')
    expect(out.result.status).toBe('settled')
    // fake: inscope 1000.00 yuan, first admission deductible 10.00 → hifp = 0.8 × 990.00 = 792.00
    expect(ledger.personYear('P0001', 2026)).toEqual({
      admissions: 1, hifp_paid_fen: 79_200, serious_base_fen: 100_000 - 79_200, serious_paid_fen: 2_080,
      maf_paid_fen: 0, acct_paid_fen: 0, op_dedc_fen: 0, op_hifp_paid_fen: 0, chronic_dedc_fen: 0, chronic_hifp_paid_fen: 0,
    })
    expect(ledger.getSettlement('S000000000001')).toEqual(out.result)
    const row = ledger.db.prepare('SELECT * FROM settlements').get() as Record<string, unknown>
    expect(row).toMatchObject({
      seq: 1, kind: 'settlement', reverses: null, month: '2026-01', year: 2026, medfee_sumamt_fen: 120_001,
      hifp_pay_fen: 79_200, dip_points_1e4: 5_000_000, episode_id: 'M1', recorded_at: '2026-02-01T08:00:00.000Z',
    })
    expect(ledger.db.prepare('SELECT COUNT(*) FROM settlement_lines').pluck().get()).toBe(2)
  })

  it('serves the stay and the recent stays of live settlements only', () => {
    ledger.record(settlementOf(mini(1, { day: 10 })), 'h1')
    ledger.record(settlementOf(mini(2, { day: 20 })), 'h2')
    expect(ledger.stay('P0001', 'M1')?.setl_id).toBe('S000000000001')
    expect(ledger.stay('P0002', 'M1')).toBeUndefined()
    expect(ledger.recentStays('P0001', 0).map((s) => s.mdtrt_id)).toEqual(['M2', 'M1'])
    ledger.reverse('S000000000002', 'R1', 'r1')
    expect(ledger.recentStays('P0001', 0).map((s) => s.mdtrt_id)).toEqual(['M1'])
    expect(ledger.stay('P0001', 'M2')).toBeUndefined()
  })

  it('refuses UPDATE and DELETE on settlements and lines (append-only)', () => {
    ledger.record(settlementOf(mini(1)), 'h1')
    expect(() => ledger.db.prepare('UPDATE settlements SET hifp_pay_fen = 0').run()).toThrow(/append-only/)
    expect(() => ledger.db.prepare('DELETE FROM settlements').run()).toThrow(/append-only/)
    expect(() => ledger.db.prepare('UPDATE settlement_lines SET amount_fen = 0').run()).toThrow(/append-only/)
    expect(() => ledger.db.prepare('DELETE FROM settlement_lines').run()).toThrow(/append-only/)
  })

  it('a reversal appends the negated row under a new setl_id and rolls the accumulators back', () => {
    const first = ledger.record(settlementOf(mini(1)), 'h1')
    const out = ledger.reverse('S000000000001', 'R1', 'r1')
    expect(out.status).toBe('settled')
    if (out.status !== 'settled' || first.status !== 'settled') return
    expect(out.result).toMatchObject({ msgid: 'R1', setl_id: 'S000000000002', reverses: 'S000000000001' })
    expect(out.result.setlinfo?.medfee_sumamt).toBe(-1200.01)
    expect(out.result.setldetail?.[0]?.fund_payamt).toBe(-792)
    expect(out.result.lines?.[0]?.inscp_scp_amt).toBe(-1000)
    const rows = ledger.db.prepare('SELECT kind, reverses, hifp_pay_fen, admissions, dip_points_1e4 FROM settlements ORDER BY seq').all()
    expect(rows).toEqual([
      { kind: 'settlement', reverses: null, hifp_pay_fen: 79_200, admissions: 1, dip_points_1e4: 5_000_000 },
      { kind: 'reversal', reverses: 'S000000000001', hifp_pay_fen: -79_200, admissions: -1, dip_points_1e4: -5_000_000 },
    ])
    expect(ledger.db.prepare('SELECT SUM(amount_fen) FROM settlement_lines').pluck().get()).toBe(0)
    expect(ledger.personYear('P0001', 2026)).toEqual({
      admissions: 0, hifp_paid_fen: 0, serious_base_fen: 0, serious_paid_fen: 0, maf_paid_fen: 0, acct_paid_fen: 0,
      op_dedc_fen: 0, op_hifp_paid_fen: 0, chronic_dedc_fen: 0, chronic_hifp_paid_fen: 0,
    })
    expect(ledger.verify()).toEqual([])
  })

  it('rejects reversing twice, reversing a reversal, and an unknown setl_id', () => {
    ledger.record(settlementOf(mini(1)), 'h1')
    ledger.reverse('S000000000001', 'R1', 'r1')
    const codes = (o: ReturnType<SqliteLedger['reverse']>): string[] => ('reasons' in o ? o.reasons.map((r) => r.code) : [])
    expect(codes(ledger.reverse('S000000000001', 'R2', 'r2'))).toEqual(['E_ALREADY_REVERSED'])
    expect(codes(ledger.reverse('S000000000002', 'R3', 'r3'))).toEqual(['E_NOT_REVERSIBLE'])
    expect(codes(ledger.reverse('S999', 'R4', 'r4'))).toEqual(['E_UNKNOWN_SETTLEMENT'])
    expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(2)
  })

  it('a reversal msgid repeated with the same body replays, with another body conflicts', () => {
    ledger.record(settlementOf(mini(1)), 'h1')
    const a = ledger.reverse('S000000000001', 'R1', 'r1')
    expect(ledger.reverse('S000000000001', 'R1', 'r1')).toEqual({ status: 'replayed', result: 'result' in a ? a.result : null })
    expect(ledger.reverse('S000000000001', 'R1', 'other').status).toBe('conflict')
  })

  it('refuses a second live settlement of the same visit until the first is reversed', () => {
    ledger.record(settlementOf(mini(1)), 'h1')
    const again = ledger.record(settlementOf(mini(1, { msgid: 'OTHER-MSGID' })), 'h2')
    expect(again.status).toBe('rejected')
    expect('reasons' in again ? again.reasons[0]?.code : '').toBe('E_MDTRT_SETTLED')
    ledger.reverse('S000000000001', 'R1', 'r1')
    expect(ledger.record(settlementOf(mini(1, { msgid: 'OTHER-MSGID' })), 'h2').status).toBe('settled')
  })

  it('verify names the person, year and field of a tampered accumulator', () => {
    ledger.record(settlementOf(mini(1)), 'h1')
    ledger.record(settlementOf(mini(2, { psn_no: 'P0002', inpatient: false, total_fen: 5_000, inscope_fen: 5_000 })), 'h2')
    expect(ledger.verify()).toEqual([])
    ledger.db.prepare("UPDATE accumulators SET hifp_paid_fen = hifp_paid_fen + 1 WHERE psn_no = 'P0001'").run()
    ledger.db.prepare("INSERT INTO accumulators (psn_no, year, maf_paid_fen) VALUES ('P0009', 2025, 7)").run()
    expect(ledger.verify()).toEqual([
      { psn_no: 'P0001', year: 2026, field: 'hifp_paid_fen', stored: 79_201, recomputed: 79_200 },
      { psn_no: 'P0009', year: 2025, field: 'maf_paid_fen', stored: 7, recomputed: 0 },
    ])
  })

  it('verify reports a missing accumulator row and a settlement whose delta disagrees with its setlinfo', () => {
    ledger.record(settlementOf(mini(1)), 'h1')
    ledger.db.prepare("DELETE FROM accumulators WHERE psn_no = 'P0001'").run()
    // a settlement recorded with a wrong delta (an adjudication bug): its own accum says 1 fen more than hifp_pay
    const s = settlementOf(mini(2, { psn_no: 'P0002' }))
    ledger.record({ ...s, accum: { ...s.accum, hifp_paid_fen: s.accum.hifp_paid_fen + 1 } }, 'h2')
    const fields = ledger.verify().map((d) => `${d.psn_no} ${d.field}`)
    expect(fields).toContain('P0001 admissions')
    expect(fields).toContain('P0001 hifp_paid_fen')
    expect(fields).toContain('P0002 hifp_paid_fen')
    expect(fields).toContain('P0002 hifp_paid_fen of S000000000002')
  })

  it('a failure inside a transaction rolls back every append of it', () => {
    expect(() => ledger.transaction(() => {
      ledger.record(settlementOf(mini(1)), 'h1')
      throw new Error('boom')
    })).toThrow('boom')
    expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(0)
    expect(ledger.personYear('P0001', 2026).admissions).toBe(0)
  })
})

describe('SqliteLedger.record and the msgid', () => {
  it('the commit always checks the msgid: same body replays, another body or another visit conflicts; nothing written', () => {
    const s = settlementOf(mini(1))
    ledger.record(s, 'h1')
    expect(ledger.record(s, 'h1').status).toBe('replayed')
    expect(ledger.record(s, 'other').status).toBe('conflict')
    const sameMsgidOtherVisit = settlementOf(mini(1, { mdtrt_id: 'M99' }))
    expect(ledger.record(sameMsgidOtherVisit, 'h9').status).toBe('conflict')
    expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(1)
  })
})
