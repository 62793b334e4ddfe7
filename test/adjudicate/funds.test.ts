// SPEC §3 steps 4–8, §9: the basic fund, serious-illness insurance, medical assistance, the personal account and the
// split. All at the level-3 hospital (resident deductible 800 / ratio 0.7; 职工 900 / 0.85 in service, 0.88 retired).
import { describe, expect, it, vi } from 'vitest'
import { adjudicate } from '../../engine/adjudicate/index.js'
import type { PersonYear } from '../../engine/history.js'
import type { Settlement } from '../../engine/result.js'
import { C, P, claim, ctx, fee, fen, history } from '../fixtures/claims.js'

vi.mock('../../engine/grouping/index.js', async () => (await import('./dip-mock.js')).dipMock)

function settle(body: unknown, year: Partial<PersonYear> = {}): Settlement {
  const o = adjudicate(body, ctx(history(year)))
  if (o.status !== 'ok') throw new Error('rejected: ' + JSON.stringify(o.reasons))
  return o.settlement
}

/** A claim of `yuan` fully in scope (甲类 drug, 100 yuan per unit). */
const inScope = (psn: string, yuan: number, o: Parameters<typeof claim>[0] = {}) => claim({ psn_no: psn, fees: [fee(C.JIA, yuan / 100, 100)], ...o })

describe('basic fund (统筹基金)', () => {
  it('pays ratio × (in scope − deductible)', () => {
    // resident: 0.7 × (10000 − 800) = 6440
    const s = settle(inScope(P.RESIDENT, 10000))
    expect(s.setlinfo).toMatchObject({ hifp_pay_fen: fen(6440), fund_pay_sumamt_fen: fen(6440), psn_part_amt_fen: fen(3560) })
    expect(s.setldetail).toEqual([{ fund_pay_type: '390100', fund_payamt_fen: fen(6440) }])
    expect(s.accum.hifp_paid_fen).toBe(fen(6440))
  })

  it('职工 retired and in service have their own ratios', () => {
    // in service 0.85 × (10000 − 900) = 7735; retired 0.88 × 9100 = 8008
    expect(settle(inScope(P.WORKER, 10000)).setlinfo.hifp_pay_fen).toBe(fen(7735))
    const retired = settle(inScope(P.RETIRED, 10000))
    expect(retired.setlinfo.hifp_pay_fen).toBe(fen(8008))
    expect(retired.setldetail[0]).toEqual({ fund_pay_type: '310100', fund_payamt_fen: fen(8008) })
  })

  it('stops at the annual cap crossed in the middle of a claim; the rest goes to the serious-illness base', () => {
    // cap 200000, 199000 already paid → 1000 left; uncapped 6440 → pays 1000
    const s = settle(inScope(P.RESIDENT, 10000), { hifp_paid_fen: fen(199000) })
    expect(s.setlinfo.hifp_pay_fen).toBe(fen(1000))
    // base grows by 10000 − 1000 = 9000
    expect(s.accum.serious_base_fen).toBe(fen(9000))
    // cap already reached: 0, and setldetail still lists the basic fund
    const none = settle(inScope(P.RESIDENT, 10000), { hifp_paid_fen: fen(200000) })
    expect(none.setlinfo.hifp_pay_fen).toBe(0)
    expect(none.setldetail).toEqual([{ fund_pay_type: '390100', fund_payamt_fen: 0 }])
  })

  it('rejects a person whose kind has no ratio in the policy', () => {
    const o = adjudicate(inScope(P.MISFILED, 1000), ctx())
    expect(o).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_NO_BASIC_RATIO', field: 'psn_no' }] })
  })
})

describe('serious-illness insurance (大病保险 390 / 职工大额 310)', () => {
  // 20000 in scope for a resident's 1st admission: deductible 800, fund 0.7 × 19200 = 13440; base +6560

  it('tiers crossed in the middle of a claim pay each segment at its own ratio', () => {
    // thresholds: 15000 (0.6), 15000 + 50000 = 65000 (0.7), 115000 (0.8); base 60000 → 66560
    // 60000..65000: 5000 × 0.6 = 3000; 65000..66560: 1560 × 0.7 = 1092 → 4092
    const s = settle(inScope(P.RESIDENT, 20000), { serious_base_fen: fen(60000), serious_paid_fen: fen(27000) })
    expect(s.setlinfo).toMatchObject({ hifp_pay_fen: fen(13440), hifmi_pay_fen: fen(4092), hifob_pay_fen: 0, psn_part_amt_fen: fen(2468) })
    expect(s.setldetail).toEqual([{ fund_pay_type: '390100', fund_payamt_fen: fen(13440) }, { fund_pay_type: '390200', fund_payamt_fen: fen(4092) }])
    expect(s.accum).toMatchObject({ serious_base_fen: fen(6560), serious_paid_fen: fen(4092) })
  })

  it('nothing is paid while the year\'s base stays below the deductible', () => {
    // base 0 → 6560 < 15000
    const s = settle(inScope(P.RESIDENT, 20000))
    expect(s.setlinfo.hifmi_pay_fen).toBe(0)
    expect(s.setldetail.map((d) => d.fund_pay_type)).toEqual(['390100'])
    expect(s.accum.serious_base_fen).toBe(fen(6560))
  })

  it('rounds each tier segment once (the year\'s payments are a sum of rounded parts)', () => {
    // in scope 1000.03 → fund 0.7 × (1000.03 − 800) = 140.021 → 140.02; base +860.01
    // base 14999.99 → 15860.00: below 15000 nothing; 15000..15860.00 = 860.00 × 0.6 = 516.00
    const s = settle(claim({ fees: [fee(C.JIA, 1, 1000.03)] }), { serious_base_fen: 1499999 })
    expect(s.setlinfo).toMatchObject({ hifp_pay_fen: 14002, hifmi_pay_fen: 51600 })
    // base 64999.99 → 65860.00: 0.01 × 0.6 = 0.006 → 0.01; 860.00 × 0.7 = 602.00 → 602.01
    const t = settle(claim({ fees: [fee(C.JIA, 1, 1000.03)] }), { serious_base_fen: 6499999 })
    expect(t.setlinfo.hifmi_pay_fen).toBe(60201)
  })

  it('stops at its annual cap for a normal person', () => {
    // the 4092 of the tier example, but only 400000 − 399000 = 1000 left
    const s = settle(inScope(P.RESIDENT, 20000), { serious_base_fen: fen(60000), serious_paid_fen: fen(399000) })
    expect(s.setlinfo.hifmi_pay_fen).toBe(fen(1000))
  })

  it('poverty population: half deductible, ratio + 5 points, no cap (seed 004)', () => {
    // deductible 15000 × 0.5 = 7500; thresholds 7500 (0.65), 57500 (0.75), 107500 (0.85); base 55000 → 61560
    // 55000..57500: 2500 × 0.65 = 1625; 57500..61560: 4060 × 0.75 = 3045 → 4670, although 400000 is already paid
    const s = settle(inScope(P.POOR, 20000), { serious_base_fen: fen(55000), serious_paid_fen: fen(400000) })
    expect(s.setlinfo.hifmi_pay_fen).toBe(fen(4670))
    // assistance then pays 0.7 × (20000 − 13440 − 4670 = 1890) = 1323
    expect(s.setlinfo).toMatchObject({ maf_pay_fen: fen(1323), fund_pay_sumamt_fen: fen(13440 + 4670 + 1323), psn_part_amt_fen: fen(567) })
    expect(s.setldetail).toEqual([
      { fund_pay_type: '390100', fund_payamt_fen: fen(13440) },
      { fund_pay_type: '390200', fund_payamt_fen: fen(4670) },
      { fund_pay_type: '610100', fund_payamt_fen: fen(1323) },
    ])
  })

  it('职工大额 pays into hifob_pay under 330100', () => {
    // worker, 3rd admission (no deductible): fund 0.85 × 30000 = 25500; base +4500; 19000 → 23500 above 20000: 3500 × 0.8 = 2800
    const s = settle(inScope(P.WORKER, 30000), { admissions: 2, serious_base_fen: fen(19000) })
    expect(s.setlinfo).toMatchObject({ hifp_pay_fen: fen(25500), hifob_pay_fen: fen(2800), hifmi_pay_fen: 0 })
    expect(s.setldetail[1]).toEqual({ fund_pay_type: '330100', fund_payamt_fen: fen(2800) })
  })
})

describe('medical assistance (医疗救助)', () => {
  it('pays its ratio of what is left in scope to the person', () => {
    // fund 6440; base 3560 < 15000 → no 大病; assistance 0.7 × 3560 = 2492
    const s = settle(inScope(P.ASSISTED, 10000))
    expect(s.setlinfo).toMatchObject({ maf_pay_fen: fen(2492), psn_part_amt_fen: fen(1068) })
    expect(s.accum.maf_paid_fen).toBe(fen(2492))
  })

  it('stops at its annual cap', () => {
    // 100000 − 99900 = 100 left of 2492
    expect(settle(inScope(P.ASSISTED, 10000), { maf_paid_fen: fen(99900) }).setlinfo.maf_pay_fen).toBe(fen(100))
    const full = settle(inScope(P.ASSISTED, 10000), { maf_paid_fen: fen(100000) })
    expect(full.setlinfo.maf_pay_fen).toBe(0)
    expect(full.setldetail.map((d) => d.fund_pay_type)).toEqual(['390100'])
  })

  it('is not paid to a person without the status', () => {
    expect(settle(inScope(P.RESIDENT, 10000)).setlinfo.maf_pay_fen).toBe(0)
  })

  it('never pays 先行自付 or 全自费', () => {
    // 1000 丙 + 100 乙 (10 yuan 先行自付, 90 in scope): in scope 90 < deductible → assistance 0.7 × 90 = 63
    const s = settle(claim({ psn_no: P.ASSISTED, fees: [fee(C.BING, 1, 1000), fee(C.YI_DEFAULT, 1, 100)] }))
    expect(s.setlinfo).toMatchObject({ inscp_scp_amt_fen: fen(90), maf_pay_fen: fen(63), psn_part_amt_fen: fen(1100 - 63) })
  })
})

describe('personal account (个人账户)', () => {
  // worker, 10000 甲 + 30 丙: fund 7735; personal part 10030 − 7735 = 2295; balance 1000
  const body = (flag?: string) => claim({ psn_no: P.WORKER, fees: [fee(C.JIA, 100, 100), fee(C.BING, 1, 30)], ...(flag ? { acct_used_flag: flag } : {}) })

  it('pays the personal part up to the balance when asked', () => {
    const s = settle(body('1'))
    expect(s.setlinfo).toMatchObject({ acct_pay_fen: fen(1000), psn_cash_pay_fen: fen(1295), psn_part_amt_fen: fen(2295), fund_pay_sumamt_fen: fen(7735) })
    expect(s.setldetail.map((d) => d.fund_pay_type)).toEqual(['310100'])
    expect(s.accum.acct_paid_fen).toBe(fen(1000))
  })

  it('counts what the account already paid this year', () => {
    // 1000 − 800 = 200 left
    expect(settle(body('1'), { acct_paid_fen: fen(800) }).setlinfo).toMatchObject({ acct_pay_fen: fen(200), psn_cash_pay_fen: fen(2095) })
  })

  it('pays the whole personal part (全自费 included) when the balance allows', () => {
    expect(settle(claim({ psn_no: P.RICH_ACCT, acct_used_flag: '1', fees: [fee(C.JIA, 100, 100), fee(C.BING, 1, 30)] })).setlinfo)
      .toMatchObject({ acct_pay_fen: fen(2295), psn_cash_pay_fen: 0 })
  })

  it('pays nothing when not asked, or for a resident', () => {
    expect(settle(body()).setlinfo.acct_pay_fen).toBe(0)
    expect(settle(body('0')).setlinfo.acct_pay_fen).toBe(0)
    expect(settle(inScope(P.RESIDENT, 1000, { acct_used_flag: '1' })).setlinfo.acct_pay_fen).toBe(0)
  })
})

describe('outpatient (med_type 11)', () => {
  // resident at the level-1 alliance member: outpatient deductible 50 a year, ratio 0.6, cap 2000
  const visit = (fees: ReturnType<typeof fee>[], o: Parameters<typeof claim>[0] = {}) =>
    claim({ med_type: '11', fixmedins_code: 'H15020300001', begndate: '2026-09-03', enddate: '2026-09-03', fees, ...o })

  it('charges the year\'s deductible across visits and pays its ratio', () => {
    // 40 甲 + 4.52 乙 (0.23 先行自付): in scope 44.29 < 50 → all deductible, fund 0
    const first = settle(visit([fee(C.JIA, 2, 20), fee(C.YI5, 1, 4.52)]))
    expect(first.setlinfo).toMatchObject({ inscp_scp_amt_fen: 4429, act_pay_dedc_fen: 4429, hifp_pay_fen: 0 })
    expect(first.accum).toMatchObject({ op_dedc_fen: 4429, op_hifp_paid_fen: 0, admissions: 0, hifp_paid_fen: 0, serious_base_fen: 0 })
    expect(first.dip).toBeNull()
    expect(first.stay).toBeNull()
    // second visit: 50 − 44.29 = 5.71 left; 100 in scope → fund 0.6 × 94.29 = 56.574 → 56.57
    const second = settle(visit([fee(C.JIA, 5, 20)]), { op_dedc_fen: 4429 })
    expect(second.setlinfo).toMatchObject({ act_pay_dedc_fen: 571, hifp_pay_fen: 5657 })
    expect(second.accum).toMatchObject({ op_dedc_fen: 571, op_hifp_paid_fen: 5657 })
  })

  it('stops at the outpatient annual cap', () => {
    // 1990 of 2000 already paid → 10
    expect(settle(visit([fee(C.JIA, 5, 20)]), { op_dedc_fen: fen(50), op_hifp_paid_fen: fen(1990) }).setlinfo.hifp_pay_fen).toBe(fen(10))
  })

  it('is rejected when the policy has no rule for the med_type', () => {
    const o = adjudicate(visit([fee(C.JIA, 1, 20)], { med_type: '14' }), ctx())
    expect(o).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_NO_OUTPATIENT_POLICY', field: 'med_type' }] })
  })
})

describe('inpatient settlement carries', () => {
  it('the DIP result and the stay as later claims see it', () => {
    const s = settle(inScope(P.RESIDENT, 1000, { mdtrt_id: 'MSTAY', diagnoses: [{ code: 'i63.900', main: true }] }))
    expect(s.dip?.group_code).toBe('J18.9')
    expect(s.stay).toEqual({
      mdtrt_id: 'MSTAY', psn_no: P.RESIDENT, fixmedins_code: 'H15020300003', alliance_id: null, level: 3,
      begn_day: 20699, end_day: 20705, episode_id: 'MSTAY', episode_n: 1, episode_dedc_fen: fen(800), dx_category: 'I63', year: 2026,
    })
  })
})
