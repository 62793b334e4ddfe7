// One ledger suite, run on both backends (SPEC §11: same semantics): append and accumulators, live stays,
// append-only enforced by the database, reversal, msgid replay / conflict, one live settlement per visit, the
// person-version check (and a batch's absorbed records), verify. The PostgreSQL run needs DIPSETTLE_TEST_PG (pg-server.ts: fails in CI without it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { prepareRecord } from '../../engine/ledger/codec.js'
import { decide } from '../../engine/ledger/decide.js'
import type { CommitOutcome } from '../../engine/ledger/outcome.js'
import type { Policy } from '../../engine/policy/types.js'
import type { Tables } from '../../engine/tables/types.js'
import { ZERO_YEAR } from '../../engine/history.js'
import type { History } from '../../engine/history.js'
import type { Settlement } from '../../engine/result.js'
import { fakeAdjudicate, mini, settlementOf } from './fixtures.js'
import type { MiniClaim } from './fixtures.js'
import { personYear, postgresBackend, record, sqliteBackend } from './backends.js'
import type { Backend } from './backends.js'
import { describePg } from './pg-server.js'

const NOW = (): Date => new Date('2026-02-01T08:00:00Z')
const ZERO = ZERO_YEAR
const codes = (o: CommitOutcome | undefined): string[] => (o === undefined ? ['none'] : ('reasons' in o ? o.reasons.map((r) => r.code) : []))

const ENV = { tables: {} as Tables, policy: {} as Policy, adjudicate: fakeAdjudicate }

/** The fake's settlement of a claim against a history read from the ledger. */
function against(c: MiniClaim, history: History): Settlement {
  const o = fakeAdjudicate(c, { ...ENV, history })
  if (o.status !== 'ok') throw new Error('fixture rejected')
  return o.settlement
}

function ledgerSuite(open: () => Promise<Backend>): void {
  let b: Backend
  beforeEach(async () => { b = await open() })
  afterEach(async () => { await b.close() })

  it('appends a settlement as S + 12-digit seq and adds its delta to the person-year', async () => {
    const s = settlementOf(mini(1))
    const out = await record(b, s, 'h1')
    expect(out).toEqual({ status: 'settled', setlId: 'S000000000001' })
    // fake: inscope 1000.00 yuan, first admission deductible 10.00 → hifp = 0.8 × 990.00 = 792.00;
    // 大病 base = 1000.00 − 792.00 = 208.00, paid 10 % of it = 20.80
    expect(await personYear(b, 'P0001')).toEqual({ ...ZERO, admissions: 1, hifp_paid_fen: 79_200, serious_base_fen: 20_800, serious_paid_fen: 2_080 })
    expect(await b.port.settlement('S000000000001')).toEqual({ ...prepareRecord(s, 'h1').result, setl_id: 'S000000000001' })
    expect(await b.rows('SELECT seq, kind, reverses, month, year, medfee_sumamt_fen, hifp_pay_fen, dip_points_1e4, episode_id, recorded_at FROM settlements')).toEqual([{
      seq: 1, kind: 'settlement', reverses: null, month: '2026-01', year: 2026, medfee_sumamt_fen: 120_001,
      hifp_pay_fen: 79_200, dip_points_1e4: 5_000_000, episode_id: 'M1', recorded_at: '2026-02-01T08:00:00.000Z',
    }])
    expect(await b.rows('SELECT feedetl_sn, amount_fen FROM settlement_lines ORDER BY feedetl_sn')).toEqual([
      { feedetl_sn: '1', amount_fen: 100_000 }, { feedetl_sn: '2', amount_fen: 20_001 },
    ])
  })

  it('a second admission reads the first from the history (deductible of the 2nd admission, cap so far)', async () => {
    await record(b, settlementOf(mini(1)), 'h1')
    const { history } = await b.port.readHistory('P0001')
    await record(b, against(mini(2), history), 'h2')
    // 2nd admission: deductible 5.00 → hifp = 0.8 × 995.00 = 796.00; totals 792.00 + 796.00 = 1588.00
    expect((await personYear(b, 'P0001')).hifp_paid_fen).toBe(158_800)
    expect((await personYear(b, 'P0001')).admissions).toBe(2)
    expect(await b.port.verify()).toEqual([])
  })

  it('serves the stay and the recent stays of live settlements only', async () => {
    await record(b, settlementOf(mini(1, { day: 10 })), 'h1')
    await record(b, settlementOf(mini(2, { day: 20 })), 'h2')
    let h = (await b.port.readHistory('P0001')).history
    expect(h.stay('P0001', 'M1')?.setl_id).toBe('S000000000001')
    expect(h.recentStays('P0001', 0).map((s) => s.mdtrt_id)).toEqual(['M2', 'M1'])
    expect(h.recentStays('P0001', h.stay('P0001', 'M2')!.end_day).map((s) => s.mdtrt_id)).toEqual(['M2'])
    expect((await b.port.readHistory('P0002')).history.stay('P0002', 'M1')).toBeUndefined()
    await b.port.reverse({ setlId: 'S000000000002', msgid: 'R1', bodyHash: 'r1' })
    h = (await b.port.readHistory('P0001')).history
    expect(h.recentStays('P0001', 0).map((s) => s.mdtrt_id)).toEqual(['M1'])
    expect(h.stay('P0001', 'M2')).toBeUndefined()
  })

  it('reads within a scope only the stays since its day and those of its visits', async () => {
    for (const [n, day] of [[1, 10], [2, 100], [3, 200]] as const) await record(b, settlementOf(mini(n, { day })), `h${n}`)
    const all = (await b.port.readHistory('P0001')).history
    const m2End = all.stay('P0001', 'M2')!.end_day
    const ids = async (scope: { sinceDay: number; mdtrtIds: string[] }): Promise<string[]> =>
      (await b.port.readHistory('P0001', undefined, scope)).history.data.stays.map((s) => s.stay.mdtrt_id).sort()
    // M3 ended after M2's end day; M1 is the claim's own visit; M2 is neither
    expect(await ids({ sinceDay: m2End + 1, mdtrtIds: ['M1'] })).toEqual(['M1', 'M3'])
    expect(await ids({ sinceDay: m2End, mdtrtIds: [] })).toEqual(['M2', 'M3'])
    expect(await ids({ sinceDay: Number.MAX_SAFE_INTEGER, mdtrtIds: ['M9'] })).toEqual([])
    expect(all.data.stays.map((s) => s.stay.mdtrt_id).sort()).toEqual(['M1', 'M2', 'M3'])
  })

  it('credits a referred stay with the episode deductible of its live stays', async () => {
    await record(b, settlementOf(mini(1)), 'h1')
    const h1 = (await b.port.readHistory('P0001')).history
    await record(b, against(mini(2, { referral_from: 'M1' }), h1), 'h2')
    const h = (await b.port.readHistory('P0001')).history
    // M1 paid the 1st admission's 10.00; M2, referred, pays none: the episode M1 has 10.00
    expect(h.episodeDeductibleFen('P0001', 'M1')).toBe(1_000)
    expect(h.personYear('P0001', 2026).admissions).toBe(1)
  })

  it('refuses UPDATE, DELETE of settlements and their line sets in the database itself (append-only)', async () => {
    await record(b, settlementOf(mini(1)), 'h1')
    await expect(b.exec('UPDATE settlements SET hifp_pay_fen = 0')).rejects.toThrow(/append-only/)
    await expect(b.exec('DELETE FROM settlements')).rejects.toThrow(/append-only/)
    await expect(b.exec(`UPDATE settlement_line_sets SET lines = '[]'`)).rejects.toThrow(/append-only/)
    await expect(b.exec('DELETE FROM settlement_line_sets')).rejects.toThrow(/append-only/)
    expect(await b.rows('SELECT hifp_pay_fen FROM settlements')).toEqual([{ hifp_pay_fen: 79_200 }])
  })

  it('a reversal appends the negated row under a new setl_id and rolls the accumulators back', async () => {
    await record(b, settlementOf(mini(1)), 'h1')
    const out = await b.port.reverse({ setlId: 'S000000000001', msgid: 'R1', bodyHash: 'r1' })
    expect(out.status).toBe('settled')
    if (out.status !== 'settled') return
    expect(out.result ?? {}).toMatchObject({ msgid: 'R1', setl_id: 'S000000000002', reverses: 'S000000000001' })
    expect(out.result?.setlinfo?.medfee_sumamt).toBe(-1200.01)
    expect(out.result?.setldetail?.[0]?.fund_payamt).toBe(-792)
    expect(out.result?.lines?.[0]?.inscp_scp_amt).toBe(-1000)
    expect(await b.port.settlement('S000000000002')).toEqual(out.result)
    expect(await b.rows('SELECT kind, reverses, hifp_pay_fen, admissions, dip_points_1e4 FROM settlements ORDER BY seq')).toEqual([
      { kind: 'settlement', reverses: null, hifp_pay_fen: 79_200, admissions: 1, dip_points_1e4: 5_000_000 },
      { kind: 'reversal', reverses: 'S000000000001', hifp_pay_fen: -79_200, admissions: -1, dip_points_1e4: -5_000_000 },
    ])
    expect(await b.rows('SELECT SUM(amount_fen) AS s FROM settlement_lines')).toEqual([{ s: 0 }])
    expect(await personYear(b, 'P0001')).toEqual(ZERO)
    expect(await b.port.verify()).toEqual([])
  })

  it('rejects reversing twice, reversing a reversal, and an unknown setl_id', async () => {
    await record(b, settlementOf(mini(1)), 'h1')
    await b.port.reverse({ setlId: 'S000000000001', msgid: 'R1', bodyHash: 'r1' })
    expect(codes(await b.port.reverse({ setlId: 'S000000000001', msgid: 'R2', bodyHash: 'r2' }))).toEqual(['E_ALREADY_REVERSED'])
    expect(codes(await b.port.reverse({ setlId: 'S000000000002', msgid: 'R3', bodyHash: 'r3' }))).toEqual(['E_NOT_REVERSIBLE'])
    expect(codes(await b.port.reverse({ setlId: 'S999', msgid: 'R4', bodyHash: 'r4' }))).toEqual(['E_UNKNOWN_SETTLEMENT'])
    expect(await b.rows('SELECT COUNT(*) AS n FROM settlements')).toEqual([{ n: 2 }])
  })

  it('a reversal msgid repeated with the same body replays, with another body conflicts', async () => {
    await record(b, settlementOf(mini(1)), 'h1')
    const a = await b.port.reverse({ setlId: 'S000000000001', msgid: 'R1', bodyHash: 'r1' })
    expect(await b.port.reverse({ setlId: 'S000000000001', msgid: 'R1', bodyHash: 'r1' })).toEqual({ status: 'replayed', result: 'result' in a ? a.result : null })
    expect((await b.port.reverse({ setlId: 'S000000000001', msgid: 'R1', bodyHash: 'other' })).status).toBe('conflict')
  })

  it('a settlement msgid repeated replays the first answer (same body) or conflicts (another), whatever the version', async () => {
    const s = settlementOf(mini(1))
    await record(b, s, 'h1')
    const first = await b.port.settlement('S000000000001')
    // version 0 is stale by now: the msgid is answered before the version is compared
    expect(await b.port.commit([prepareRecord(s, 'h1').record])).toEqual([{ status: 'replayed', result: first }])
    const [c] = await b.port.commit([prepareRecord(s, 'other').record])
    expect(c?.status).toBe('conflict')
    expect(codes(c)).toEqual(['E_MSGID_CONFLICT'])
    expect(await b.port.answerOfMsgid(s.claim.msgid)).toEqual({ bodyHash: 'h1', result: first })
    expect(await b.rows('SELECT COUNT(*) AS n FROM settlements')).toEqual([{ n: 1 }])
  })

  it('answers stale, writing nothing, when the person changed since the history was read', async () => {
    const before = (await b.port.readHistory('P0001')).history
    expect(before.version).toBe(0)
    await record(b, settlementOf(mini(1)), 'h1')
    // mini(2) decided on the empty history read before M1 was appended
    const late = prepareRecord(against(mini(2), before), 'h2', { version: before.version, absorbed: 0 }).record
    expect(await b.port.commit([late])).toEqual([{ status: 'stale' }])
    expect(await b.rows('SELECT COUNT(*) AS n FROM settlements')).toEqual([{ n: 1 }])
    const after = (await b.port.readHistory('P0001')).history
    expect(after.version).toBe(1)
    // another person is not held up by P0001's version
    expect((await record(b, settlementOf(mini(3, { psn_no: 'P0002' })), 'h3')).status).toBe('settled')
  })

  it('commits a batch decided on one snapshot: the second claim of a person absorbs the first', async () => {
    const { history } = await b.port.readHistory('P0001')
    const d1 = decide({ body: mini(1), hash: 'h1' }, history, undefined, ENV)
    const d2 = decide({ body: mini(2), hash: 'h2' }, history, undefined, ENV)
    const d3 = decide({ body: mini(1), hash: 'h1' }, history, undefined, ENV) // mini(1)'s msgid again in the batch
    expect([d1.kind, d2.kind, d3.kind]).toEqual(['record', 'record', 'record'])
    if (d1.kind !== 'record' || d2.kind !== 'record' || d3.kind !== 'record') return
    expect(d3.record.msgidOnly).toBe(true)
    const out = await b.port.commit([d1.record, d2.record, d3.record])
    expect(out[0]).toEqual({ status: 'settled', setlId: 'S000000000001' })
    expect(out[1]).toEqual({ status: 'settled', setlId: 'S000000000002' })
    // the repeat is answered with the first's answer, from the same transaction
    expect(out[2]?.status).toBe('replayed')
    // 1st admission 792.00 + 2nd (deductible 5.00) 0.8 × 995.00 = 796.00
    expect((await personYear(b, 'P0001')).hifp_paid_fen).toBe(158_800)
    expect(await b.port.verify()).toEqual([])
  })

  it('a record that absorbed one not appended before it in the commit is stale', async () => {
    const { history } = await b.port.readHistory('P0001')
    const d1 = decide({ body: mini(1), hash: 'h1' }, history, undefined, ENV)
    const d2 = decide({ body: mini(2), hash: 'h2' }, history, undefined, ENV)
    if (d1.kind !== 'record' || d2.kind !== 'record') throw new Error('not decided')
    // d2 was decided as the 2nd admission; committed without d1 its figures would be wrong
    expect(await b.port.commit([d2.record])).toEqual([{ status: 'stale' }])
    expect(await b.rows('SELECT COUNT(*) AS n FROM settlements')).toEqual([{ n: 0 }])
  })

  it('refuses a second live settlement of the same visit until the first is reversed', async () => {
    await record(b, settlementOf(mini(1)), 'h1')
    const again = await record(b, settlementOf(mini(1, { msgid: 'OTHER-MSGID' })), 'h2')
    expect(codes(again)).toEqual(['E_MDTRT_SETTLED'])
    await b.port.reverse({ setlId: 'S000000000001', msgid: 'R1', bodyHash: 'r1' })
    expect((await record(b, settlementOf(mini(1, { msgid: 'OTHER-MSGID' })), 'h2')).status).toBe('settled')
  })

  it('verify names the person, year and field of a tampered accumulator', async () => {
    await record(b, settlementOf(mini(1)), 'h1')
    await record(b, settlementOf(mini(2, { psn_no: 'P0002', inpatient: false, total_fen: 5_000, inscope_fen: 5_000 })), 'h2')
    expect(await b.port.verify()).toEqual([])
    await b.exec(`UPDATE accumulators SET hifp_paid_fen = hifp_paid_fen + 1 WHERE psn_no = 'P0001'`)
    await b.exec(`INSERT INTO accumulators (psn_no, year, maf_paid_fen) VALUES ('P0009', 2025, 7)`)
    expect(await b.port.verify()).toEqual([
      { psn_no: 'P0001', year: 2026, field: 'hifp_paid_fen', stored: 79_201, recomputed: 79_200 },
      { psn_no: 'P0009', year: 2025, field: 'maf_paid_fen', stored: 7, recomputed: 0 },
    ])
  })

  it('verify reports a missing accumulator row and a settlement whose delta disagrees with its setlinfo', async () => {
    await record(b, settlementOf(mini(1)), 'h1')
    await b.exec(`DELETE FROM accumulators WHERE psn_no = 'P0001'`)
    const s = settlementOf(mini(2, { psn_no: 'P0002' }))
    await record(b, { ...s, accum: { ...s.accum, hifp_paid_fen: s.accum.hifp_paid_fen + 1 } }, 'h2')
    const fields = (await b.port.verify()).map((d) => `${d.psn_no} ${d.field}`)
    expect(fields).toContain('P0001 admissions')
    expect(fields).toContain('P0001 hifp_paid_fen')
    expect(fields).toContain('P0002 hifp_paid_fen')
    expect(fields).toContain('P0002 hifp_paid_fen of S000000000002')
  })
}

describe('ledger on SQLite', () => ledgerSuite(async () => sqliteBackend(NOW)))
describePg('ledger on PostgreSQL', (url) => ledgerSuite(() => postgresBackend(url, NOW)))
