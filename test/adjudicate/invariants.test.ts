// Property tests over random valid claims and random year accumulators: every SPEC §3 step-8 identity, every part
// non-negative, every fund within its base and its cap, and what the claim adds to the year consistent with what it
// paid. The engine asserts these itself; here they are checked from outside, on the wire-independent Settlement.
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { adjudicate } from '../../engine/adjudicate/index.js'
import type { PersonYear } from '../../engine/history.js'
import { divRoundHalfAway } from '../../engine/money.js'
import { CATALOGUE, H, PERSONS, POLICY, claim, ctx, history, stay } from '../fixtures/claims.js'

vi.mock('../../engine/grouping/index.js', async () => (await import('./dip-mock.js')).dipMock)

const persons = PERSONS.filter((p) => p.psnKind !== 'resident' || p.insutype === '390')
const codes = [...CATALOGUE.map((i) => i.code), 'ZZ999']

const feeArb = fc.record({
  code: fc.constantFrom(...codes),
  // qty with up to 4 decimals, price up to 50,000 yuan
  qtyE4: fc.oneof(fc.integer({ min: 1, max: 100 }).map((n) => n * 10_000), fc.integer({ min: 1, max: 1_000_000 })),
  priceFen: fc.integer({ min: 0, max: 5_000_000 }),
})

const yearArb: fc.Arbitrary<PersonYear> = fc.record({
  admissions: fc.integer({ min: 0, max: 5 }),
  hifp_paid_fen: fc.integer({ min: 0, max: 40_000_000 }),
  serious_base_fen: fc.integer({ min: 0, max: 20_000_000 }),
  serious_paid_fen: fc.integer({ min: 0, max: 60_000_000 }),
  maf_paid_fen: fc.integer({ min: 0, max: 11_000_000 }),
  acct_paid_fen: fc.integer({ min: 0, max: 6_000_000 }),
  op_dedc_fen: fc.integer({ min: 0, max: 40_000 }),
  op_hifp_paid_fen: fc.integer({ min: 0, max: 600_000 }),
})

const caseArb = fc.record({
  hospital: fc.constantFrom(...Object.values(H)),
  person: fc.constantFrom(...persons),
  medType: fc.constantFrom('21', '21', '22', '11'),
  secondDx: fc.boolean(),
  acct: fc.constantFrom(undefined, '0', '1'),
  fees: fc.array(feeArb, { minLength: 1, maxLength: 8 }),
  year: yearArb,
  // a referral from an earlier stay at any hospital, 0–3 days before
  referral: fc.option(fc.record({ hospital: fc.constantFrom(...Object.values(H)), gap: fc.integer({ min: 0, max: 3 }), dedcFen: fc.integer({ min: 0, max: 100_000 }) })),
})

describe('settlement invariants over random claims', () => {
  it('hold for every claim', () => {
    fc.assert(fc.property(caseArb, (k) => {
      const body = claim({
        fixmedins_code: k.hospital, psn_no: k.person.psnNo, insutype: k.person.insutype, med_type: k.medType,
        diagnoses: [{ code: 'J18.900', main: true }, ...(k.secondDx ? [{ code: 'E11.900' }] : [])],
        referral_from: k.referral ? 'MPRIOR' : null, begndate: '2026-09-05', enddate: '2026-09-09',
        ...(k.acct ? { acct_used_flag: k.acct } : {}),
        fees: k.fees.map((f) => ({ code: f.code, qty: f.qtyE4 / 10_000, price: f.priceFen / 100 })),
      })
      // amount = qty × price to the fen, as a hospital would send it
      body.fees = body.fees.map((f, i) => ({ ...f, amount: divRoundHalfAway((k.fees[i]?.qtyE4 ?? 0) * (k.fees[i]?.priceFen ?? 0), 10_000) / 100 }))
      const prior = k.referral
        ? [stay({ mdtrt_id: 'MPRIOR', psn_no: k.person.psnNo, fixmedins_code: k.referral.hospital, enddate: `2026-09-0${5 - k.referral.gap}`, episode_dedc_fen: k.referral.dedcFen })]
        : []
      const o = adjudicate(body, ctx(history(k.year, prior)))
      if (o.status !== 'ok') throw new Error('a valid claim was rejected: ' + JSON.stringify(o.reasons))
      const s = o.settlement
      const i = s.setlinfo
      const y = k.year
      const ins = k.person.insutype

      // per line: amount = fulamt + overlmt + preselfpay + inscp, no negative part
      s.lines.forEach((l, n) => {
        const amount = s.claim.fees[n]?.amountFen
        expect(l.fulamt_ownpay_amt_fen + l.overlmt_amt_fen + l.preselfpay_amt_fen + l.inscp_scp_amt_fen).toBe(amount)
        for (const v of [l.fulamt_ownpay_amt_fen, l.overlmt_amt_fen, l.preselfpay_amt_fen, l.inscp_scp_amt_fen]) expect(v).toBeGreaterThanOrEqual(0)
      })
      const sum = (f: (l: (typeof s.lines)[number]) => number) => s.lines.reduce((a, l) => a + f(l), 0)
      expect(i.fulamt_ownpay_amt_fen).toBe(sum((l) => l.fulamt_ownpay_amt_fen))
      expect(i.overlmt_selfpay_fen).toBe(sum((l) => l.overlmt_amt_fen))
      expect(i.preselfpay_amt_fen).toBe(sum((l) => l.preselfpay_amt_fen))
      expect(i.inscp_scp_amt_fen).toBe(sum((l) => l.inscp_scp_amt_fen))

      // SPEC §3 step 8
      expect(i.medfee_sumamt_fen).toBe(i.fulamt_ownpay_amt_fen + i.overlmt_selfpay_fen + i.preselfpay_amt_fen + i.inscp_scp_amt_fen)
      expect(i.medfee_sumamt_fen).toBe(i.fund_pay_sumamt_fen + i.psn_part_amt_fen)
      expect(i.psn_part_amt_fen).toBe(i.acct_pay_fen + i.psn_cash_pay_fen)
      expect(i.fund_pay_sumamt_fen).toBe(s.setldetail.reduce((a, d) => a + d.fund_payamt_fen, 0))
      for (const v of Object.values(i)) { expect(Number.isInteger(v)).toBe(true); expect(v).toBeGreaterThanOrEqual(0) }
      expect(i.fund_pay_sumamt_fen).toBe(i.hifp_pay_fen + i.hifmi_pay_fen + i.hifob_pay_fen + i.maf_pay_fen)

      // funds only pay in scope; the deductible is part of in scope
      expect(i.act_pay_dedc_fen).toBeLessThanOrEqual(i.inscp_scp_amt_fen)
      expect(i.hifp_pay_fen).toBeLessThanOrEqual(i.inscp_scp_amt_fen - i.act_pay_dedc_fen)
      expect(i.fund_pay_sumamt_fen).toBeLessThanOrEqual(i.inscp_scp_amt_fen)

      // setldetail: the basic fund first and always; others only when they pay
      expect(s.setldetail[0]?.fund_pay_type).toBe(ins === '310' ? '310100' : '390100')
      for (const d of s.setldetail.slice(1)) expect(d.fund_payamt_fen).toBeGreaterThan(0)
      // 职工大额 → hifob, 居民大病 → hifmi
      expect(ins === '310' ? i.hifmi_pay_fen : i.hifob_pay_fen).toBe(0)

      // caps
      const cap = (yuan: number, paid: number) => Math.max(0, yuan * 100 - paid)
      if (s.claim.inpatient) {
        expect(i.hifp_pay_fen).toBeLessThanOrEqual(cap(POLICY.basic[ins].annual_cap_yuan, y.hifp_paid_fen))
        const si = POLICY.serious_illness[ins]
        if (!(k.person.poverty && si.poverty?.no_cap)) expect(i.hifmi_pay_fen + i.hifob_pay_fen).toBeLessThanOrEqual(cap(si.annual_cap_yuan, y.serious_paid_fen))
        expect(i.maf_pay_fen).toBeLessThanOrEqual(k.person.assistance ? cap(POLICY.assistance.annual_cap_yuan, y.maf_paid_fen) : 0)
      } else {
        expect(i.hifmi_pay_fen + i.hifob_pay_fen + i.maf_pay_fen).toBe(0)
      }
      const acctAllowed = ins === '310' && k.acct === '1'
      expect(i.acct_pay_fen).toBeLessThanOrEqual(acctAllowed ? Math.max(0, k.person.acctBalanceFen - y.acct_paid_fen) : 0)

      // what the claim adds to the year is what it paid
      expect(s.accum.serious_paid_fen).toBe(i.hifmi_pay_fen + i.hifob_pay_fen)
      expect(s.accum.maf_paid_fen).toBe(i.maf_pay_fen)
      expect(s.accum.acct_paid_fen).toBe(i.acct_pay_fen)
      if (s.claim.inpatient) {
        expect(s.accum).toMatchObject({ hifp_paid_fen: i.hifp_pay_fen, serious_base_fen: i.inscp_scp_amt_fen - i.hifp_pay_fen, op_dedc_fen: 0, op_hifp_paid_fen: 0 })
        expect([0, 1]).toContain(s.accum.admissions)
        expect(s.stay?.episode_dedc_fen).toBeGreaterThanOrEqual(i.act_pay_dedc_fen)
        expect(s.dip).not.toBeNull()
      } else {
        expect(s.accum).toMatchObject({ admissions: 0, hifp_paid_fen: 0, op_dedc_fen: i.act_pay_dedc_fen, op_hifp_paid_fen: i.hifp_pay_fen })
        expect(s.stay).toBeNull()
      }
    }), { numRuns: 2000 })
  })

  it('the same claim against the same history gives the same settlement (pure)', () => {
    fc.assert(fc.property(yearArb, (y) => {
      const body = claim({ fees: [{ code: 'YD005', qty: 3, price: 4.52 }, { code: 'JD001', qty: 40, price: 123.45 }] })
      const a = adjudicate(body, ctx(history(y)))
      const b = adjudicate(structuredClone(body), ctx(history(y)))
      expect(b).toEqual(a)
    }), { numRuns: 200 })
  })
})
