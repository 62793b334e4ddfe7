// SPEC §13 (异地就医): a visitor settles under this region's catalogue and the insuring region's deductibles, ratios
// and caps; their accumulators are kept per insuring region and person, on both ledger backends.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { adjudicate } from '../../engine/adjudicate/index.js'
import { prepareRecord } from '../../engine/ledger/codec.js'
import { ZERO_YEAR, type History } from '../../engine/history.js'
import type { Settlement } from '../../engine/result.js'
import { C, H, claim, ctx, fee, fen, history } from '../fixtures/claims.js'
import { postgresBackend, sqliteBackend, type Backend } from '../ledger/backends.js'
import { describePg } from '../ledger/pg-server.js'
import { HOME, OWN_POLICY, V, crossRegionTables } from './fixtures.js'

vi.mock('../../engine/grouping/index.js', async () => (await import('../adjudicate/dip-mock.js')).dipMock)

const TABLES = crossRegionTables()

function settle(body: unknown, h: History = history()): Settlement {
  const o = adjudicate(body, ctx(h, OWN_POLICY, TABLES))
  if (o.status !== 'ok') throw new Error('rejected: ' + JSON.stringify(o.reasons))
  return o.settlement
}

/** One bill at the level-3 hospital: 甲类 10,000.00 + 乙类 (policy default 先行自付) 1,000.00. */
const bill = (psn: string, o: Parameters<typeof claim>[0] = {}) => claim({
  psn_no: psn, insutype: '390', fixmedins_code: H.L3, fees: [fee(C.JIA, 100, 100), fee(C.YI_DEFAULT, 10, 100)], ...o,
})

describe('the same bill, a local and a visitor', () => {
  it('differs exactly by the two policies; the catalogue is this region\'s', () => {
    const local = settle(bill('PR01'))
    const visitor = settle(bill(V.RESIDENT))
    // catalogue (就医地, both): 乙类 1,000 × this region's 0.1 = 100 先行自付 (the insuring region's 0.5 would be 500);
    // in scope 10,000 + 900 = 10,900
    for (const s of [local, visitor]) {
      expect(s.setlinfo).toMatchObject({ medfee_sumamt_fen: fen(11000), preselfpay_amt_fen: fen(100), inscp_scp_amt_fen: fen(10900) })
    }
    // local (this region, 390 level 3): deductible 800, 0.7 × (10,900 − 800) = 7,070; 大病 base 3,830 < 15,000: 0
    expect(local.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(800), hifp_pay_fen: fen(7070), hifmi_pay_fen: 0, psn_part_amt_fen: fen(3930) })
    // visitor (150400, 390 level 3): deductible 1,000, 0.6 × (10,900 − 1,000) = 5,940; 大病 base 4,960 < 10,000: 0
    expect(visitor.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(1000), hifp_pay_fen: fen(5940), hifmi_pay_fen: 0, psn_part_amt_fen: fen(5060) })
    expect(visitor.setldetail).toEqual([{ fund_pay_type: '390100', fund_payamt_fen: fen(5940) }])
    expect(visitor.insuplcAdmdvs).toBe(HOME)
    expect(local.insuplcAdmdvs).toBeUndefined()
    // the lines are the same: only the funds differ
    expect(visitor.lines).toEqual(local.lines)
  })

  it('serious illness: the insuring region\'s deductible and tiers on the year so far', () => {
    // both with 9,000 of 大病 base already this year
    const h = history({ serious_base_fen: fen(9000) })
    // local: 9,000 + 3,830 = 12,830 < 15,000 → 0
    expect(settle(bill('PR01'), h).setlinfo.hifmi_pay_fen).toBe(0)
    // visitor: 9,000 + 4,960 = 13,960; above 10,000: 3,960 × 0.5 = 1,980
    const v = settle(bill(V.RESIDENT), h)
    expect(v.setlinfo.hifmi_pay_fen).toBe(fen(1980))
    expect(v.setldetail).toEqual([{ fund_pay_type: '390100', fund_payamt_fen: fen(5940) }, { fund_pay_type: '390200', fund_payamt_fen: fen(1980) }])
  })

  it('caps: the insuring region\'s annual cap (150,000, not 200,000)', () => {
    // 146,000 paid this year: 4,000 left of 150,000 (5,940 due); a local with the same year still has 54,000 left
    const h = history({ hifp_paid_fen: fen(146000) })
    expect(settle(bill(V.RESIDENT), h).setlinfo.hifp_pay_fen).toBe(fen(4000))
    expect(settle(bill('PR01'), h).setlinfo.hifp_pay_fen).toBe(fen(7070))
  })

  it('asks the history for the accumulators of the insuring region', () => {
    const asked: (string | null | undefined)[] = []
    const h: History = { ...history(), personYear: (_p, _y, admdvs) => { asked.push(admdvs); return ZERO_YEAR } }
    settle(bill(V.RESIDENT), h)
    settle(bill('PR01'), h)
    expect(asked).toEqual([HOME, null])
  })

  it('refuses a visitor whose insuring region has no policy in the tables, touching nothing', () => {
    const o = adjudicate(bill(V.RESIDENT), ctx(history(), OWN_POLICY, { ...TABLES, otherPolicies: new Map() }))
    expect(o.status).toBe('rejected')
    expect(o.status === 'rejected' && o.reasons.map((r) => `${r.code} ${r.field}`)).toEqual(['E_UNKNOWN_INSURING_REGION psn_no'])
  })
})

const NOW = (): Date => new Date('2026-10-01T08:00:00Z')

function ledgerSuite(open: () => Promise<Backend>): void {
  let b: Backend
  beforeEach(async () => { b = await open() })
  afterEach(async () => { await b.close() })

  /** Read the person's history from the ledger, adjudicate, commit: the settle flow on the port. */
  async function settleOn(body: ReturnType<typeof bill>, hash: string): Promise<string> {
    const { history: h } = await b.port.readHistory(body.psn_no)
    const s = settle(body, h)
    const [o] = await b.port.commit([prepareRecord(s, hash, { version: h.version, absorbed: 0 }).record])
    if (o?.status !== 'settled') throw new Error(JSON.stringify(o))
    return o.setlId
  }

  it('keeps a visitor\'s accumulators per insuring region, apart from the local ones; reversal and verify', async () => {
    const first = await settleOn(bill(V.RESIDENT), 'h1')
    // second stay, 甲类 20,000 + 乙类 1,000: in scope 20,900, deductible 1,000 → 0.6 × 19,900 = 11,940;
    // 大病 base 4,960 (first) + 8,960 = 13,920, above 10,000: 3,920 × 0.5 = 1,960 — the first stay was read from the
    // region's accumulators
    const second = bill(V.RESIDENT, { fees: [fee(C.JIA, 200, 100), fee(C.YI_DEFAULT, 10, 100)] })
    await settleOn(second, 'h2')
    const { history: h } = await b.port.readHistory(V.RESIDENT)
    expect(h.personYear(V.RESIDENT, 2026)).toEqual(ZERO_YEAR)
    expect(h.personYear(V.RESIDENT, 2026, HOME)).toMatchObject({
      admissions: 2, hifp_paid_fen: fen(5940 + 11940), serious_base_fen: fen(4960 + 8960), serious_paid_fen: fen(1960),
    })
    expect(await b.rows(`SELECT COUNT(*) AS n FROM accumulators WHERE psn_no = '${V.RESIDENT}'`)).toEqual([{ n: 0 }])
    expect(await b.rows('SELECT setl_id, insuplc_admdvs FROM cross_region_settlements ORDER BY setl_id')).toEqual([
      { setl_id: first, insuplc_admdvs: HOME }, { setl_id: 'S000000000002', insuplc_admdvs: HOME },
    ])
    expect(await b.port.verify()).toEqual([])

    // the reversal is the region's too, and rolls its accumulators back
    const rev = await b.port.reverse({ setlId: first, msgid: 'H15020300003202610011200000001', bodyHash: 'r1' })
    expect(rev.status).toBe('settled')
    const after = (await b.port.readHistory(V.RESIDENT)).history.personYear(V.RESIDENT, 2026, HOME)
    expect(after).toMatchObject({ admissions: 1, hifp_paid_fen: fen(11940), serious_base_fen: fen(8960), serious_paid_fen: fen(1960) })
    expect((await b.rows('SELECT insuplc_admdvs FROM cross_region_settlements')).length).toBe(3)
    expect(await b.port.verify()).toEqual([])

    // tampering with a region's totals is caught, naming the region
    await b.exec(`UPDATE cross_region_accumulators SET hifp_paid_fen = hifp_paid_fen + 1`)
    expect((await b.port.verify()).map((d) => `${d.psn_no} ${d.field}`)).toEqual([`${V.RESIDENT} hifp_paid_fen (insuplc_admdvs ${HOME})`])
  })

  it('a local person\'s settlement stays in the local accumulators', async () => {
    await settleOn(bill('PR01'), 'h1')
    expect(await b.rows('SELECT psn_no, hifp_paid_fen FROM accumulators')).toEqual([{ psn_no: 'PR01', hifp_paid_fen: fen(7070) }])
    expect(await b.rows('SELECT COUNT(*) AS n FROM cross_region_settlements')).toEqual([{ n: 0 }])
  })
}

describe('cross-region ledger on SQLite', () => ledgerSuite(async () => sqliteBackend(NOW)))
describePg('cross-region ledger on PostgreSQL', (url) => ledgerSuite(() => postgresBackend(url, NOW)))
