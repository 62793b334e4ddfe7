// SPEC §3 step 2: the catalogue check per fee line. Level-3 hospital, plain resident unless a test says otherwise.
import { describe, expect, it, vi } from 'vitest'
import { adjudicate } from '../../engine/adjudicate/index.js'
import type { Settlement } from '../../engine/result.js'
import { C, H, claim, ctx, fee, fen, makePolicy } from '../fixtures/claims.js'

vi.mock('../../engine/grouping/index.js', async () => (await import('./dip-mock.js')).dipMock)

function settle(body: unknown, c = ctx()): Settlement {
  const o = adjudicate(body, c)
  if (o.status !== 'ok') throw new Error('rejected: ' + JSON.stringify(o.reasons))
  return o.settlement
}

/** The one line of a single-fee claim, in fen. */
function line(code: string, qty: number, price: number, o: Parameters<typeof claim>[0] = {}, c = ctx()) {
  const s = settle(claim({ ...o, fees: [fee(code, qty, price)] }), c)
  const l = s.lines[0]
  if (!l) throw new Error('no line')
  return { lv: l.chrgitm_lv, fulamt: l.fulamt_ownpay_amt_fen, overlmt: l.overlmt_amt_fen, pre: l.preselfpay_amt_fen, inscp: l.inscp_scp_amt_fen, reasons: l.reasons.map((r) => r.code) }
}

describe('catalogue check per line', () => {
  it('甲类 drug without a proportion is fully in scope', () => {
    // 10 × 20.00 = 200.00, all in scope
    expect(line(C.JIA, 10, 20)).toEqual({ lv: '01', fulamt: 0, overlmt: 0, pre: 0, inscp: fen(200), reasons: [] })
  })

  it('乙类 4.52 yuan at the item\'s 5 % has 0.23 先行自付 (SPEC §1 example)', () => {
    // 452 fen × 0.05 = 22.6 fen → 23 fen (half away from zero); in scope 452 − 23 = 429
    expect(line(C.YI5, 1, 4.52)).toEqual({ lv: '02', fulamt: 0, overlmt: 0, pre: 23, inscp: 429, reasons: ['L_SELFPAY_PROP'] })
  })

  it('乙类 without its own proportion uses the policy default, rounding half away from zero', () => {
    // 3 × 10.15 = 30.45 = 3045 fen; × 0.1 = 304.5 → 305 fen; in scope 3045 − 305 = 2740
    expect(line(C.YI_DEFAULT, 3, 10.15)).toMatchObject({ pre: 305, inscp: 2740 })
  })

  it('丙类 is 全自费', () => {
    expect(line(C.BING, 1, 30)).toEqual({ lv: '03', fulamt: fen(30), overlmt: 0, pre: 0, inscp: 0, reasons: ['L_CLASS_C'] })
  })

  it('a code outside the catalogue is 全自费 with chrgitm_lv 03, not a rejection', () => {
    // 2 × 7.50 = 15.00
    expect(line('ZZ999', 2, 7.5)).toEqual({ lv: '03', fulamt: fen(15), overlmt: 0, pre: 0, inscp: 0, reasons: ['L_NOT_IN_CATALOGUE'] })
  })

  it('catalogue codes match case-insensitively', () => {
    expect(line(C.JIA.toLowerCase(), 1, 5)).toMatchObject({ lv: '01', inscp: fen(5) })
  })

  it('over the price cap the excess is 超限价自付 and the proportion applies to the rest', () => {
    // 2 × 100 = 200; cap 80: overlmt (100 − 80) × 2 = 40; rest 160 × 0.2 = 32 先行自付; in scope 128
    expect(line(C.CAPPED, 2, 100)).toEqual({ lv: '02', fulamt: 0, overlmt: fen(40), pre: fen(32), inscp: fen(128), reasons: ['L_OVER_PRICE_CAP', 'L_SELFPAY_PROP'] })
  })

  it('a fractional quantity over the cap rounds each part once and the parts still sum to the amount', () => {
    // 1.5 × 80.33 = 120.495 → 120.50 (12050 fen); overlmt 1.5 × 0.33 = 0.495 → 0.50 (50 fen)
    // rest 12000 × 0.2 = 2400 先行自付; in scope 9600; 50 + 2400 + 9600 = 12050
    expect(line(C.CAPPED, 1.5, 80.33)).toMatchObject({ overlmt: 50, pre: 2400, inscp: 9600 })
  })

  it('an item restricted to level 3 is 全自费 at a level-2 hospital and in scope at level 3', () => {
    expect(line(C.LEVEL3, 1, 50, { fixmedins_code: H.A2 })).toEqual({ lv: '02', fulamt: fen(50), overlmt: 0, pre: 0, inscp: 0, reasons: ['L_LEVEL_RESTRICTED'] })
    // level 3: default 10 % → 5.00 先行自付, 45.00 in scope
    expect(line(C.LEVEL3, 1, 50, { fixmedins_code: H.L3 })).toMatchObject({ fulamt: 0, pre: fen(5), inscp: fen(45) })
  })

  it('an item restricted to a diagnosis prefix is 全自费 when no diagnosis of the claim matches', () => {
    expect(line(C.DX_E11, 1, 40)).toEqual({ lv: '02', fulamt: fen(40), overlmt: 0, pre: 0, inscp: 0, reasons: ['L_DX_RESTRICTED'] })
  })

  it('a diagnosis restriction is met by a secondary diagnosis too', () => {
    const dx = [{ code: 'J18.900', main: true }, { code: 'E11.900' }]
    // 40 × 0.1 = 4 先行自付, 36 in scope
    expect(line(C.DX_E11, 1, 40, { diagnoses: dx })).toMatchObject({ fulamt: 0, pre: fen(4), inscp: fen(36) })
  })

  it('an alliance primary institution bills level-2 items with the level-2 catalogue (seed 001)', () => {
    // level-1 member of GY01: a level-2 item is allowed; 30 × 0.1 = 3 先行自付
    expect(line(C.LEVEL2, 1, 30, { fixmedins_code: H.A1 })).toEqual({
      lv: '02', fulamt: 0, overlmt: 0, pre: fen(3), inscp: fen(27), reasons: ['L_ALLIANCE_LEVEL2_CATALOGUE', 'L_SELFPAY_PROP'],
    })
    // a level-1 hospital outside any alliance does not
    expect(line(C.LEVEL2, 1, 30, { fixmedins_code: H.L1 })).toMatchObject({ fulamt: fen(30), reasons: ['L_LEVEL_RESTRICTED'] })
    // nor the member when the policy switch is off
    const off = makePolicy((p) => { p.alliance.primary_uses_level2_catalogue = false })
    expect(line(C.LEVEL2, 1, 30, { fixmedins_code: H.A1 }, ctx(undefined, off))).toMatchObject({ reasons: ['L_LEVEL_RESTRICTED'] })
  })

  it('the level-2 catalogue does not open level-3 items to an alliance primary institution', () => {
    expect(line(C.LEVEL3, 1, 50, { fixmedins_code: H.A1 })).toMatchObject({ fulamt: fen(50), reasons: ['L_LEVEL_RESTRICTED'] })
  })

  describe('seed 001: 甲类 诊疗项目 of 200 yuan and above are fully in scope', () => {
    it('at exactly 200.00 the item is 100 % in scope: "200元以上" includes 200 (#20 item 8, SPEC §3 step 2)', () => {
      // 1 × 200.00 = 20,000 fen, all in scope; the item's 20 % (4,000 fen) is not charged
      expect(line(C.JIA_ITEM, 1, 200)).toEqual({ lv: '01', fulamt: 0, overlmt: 0, pre: 0, inscp: fen(200), reasons: ['L_JIA_HIGH_PRICE_FULL_SCOPE'] })
    })
    it('at 199.99 the item\'s 20 % 先行自付 still applies', () => {
      // 19,999 × 0.2 = 3,999.8 → 4,000 fen 先行自付 (half away from zero), 15,999 in scope
      expect(line(C.JIA_ITEM, 1, 199.99)).toEqual({ lv: '01', fulamt: 0, overlmt: 0, pre: 4000, inscp: 15999, reasons: ['L_SELFPAY_PROP'] })
    })
    it('at 200.01 the item is 100 % in scope', () => {
      expect(line(C.JIA_ITEM, 1, 200.01)).toEqual({ lv: '01', fulamt: 0, overlmt: 0, pre: 0, inscp: 20001, reasons: ['L_JIA_HIGH_PRICE_FULL_SCOPE'] })
    })
    it('the rule looks at the unit price, not the line amount', () => {
      // 3 × 150 = 450 yuan but 150 per unit: 20 % → 90 先行自付
      expect(line(C.JIA_ITEM, 3, 150)).toMatchObject({ pre: fen(90), inscp: fen(360) })
    })
  })

  it('a claim of every class sums its lines into setlinfo (the contract region\'s first claim)', () => {
    const s = settle(claim({ fees: [fee(C.JIA, 10, 20), fee(C.YI5, 1, 4.52), fee(C.BING, 1, 30), fee(C.JIA_ITEM, 1, 150), fee(C.CAPPED, 2, 100)] }))
    // medfee 200 + 4.52 + 30 + 150 + 200 = 584.52
    // 全自费 30 (丙); 超限价 40; 先行自付 0.23 + 30 + 32 = 62.23; in scope 200 + 4.29 + 120 + 128 = 452.29
    // resident at level 3: deductible 800 > 452.29 → act_pay_dedc 452.29, basic fund 0.7 × 0 = 0; all personal
    expect(s.setlinfo).toMatchObject({
      medfee_sumamt_fen: 58452, fulamt_ownpay_amt_fen: 3000, overlmt_selfpay_fen: 4000, preselfpay_amt_fen: 6223,
      inscp_scp_amt_fen: 45229, act_pay_dedc_fen: 45229, hifp_pay_fen: 0, fund_pay_sumamt_fen: 0,
      psn_part_amt_fen: 58452, psn_cash_pay_fen: 58452, acct_pay_fen: 0,
    })
    expect(s.setldetail).toEqual([{ fund_pay_type: '390100', fund_payamt_fen: 0 }])
  })
})
