// SPEC §3 step 8 — the split into the national setlinfo fields and setldetail per fund, and its invariants:
//   medfee_sumamt = fulamt_ownpay + overlmt + preselfpay + inscp_scp (summed over lines)
//   medfee_sumamt = fund_pay_sumamt + psn_part_amt,  psn_part_amt = acct_pay + psn_cash_pay,
//   fund_pay_sumamt = Σ setldetail,  no part negative.
// The basic fund is always listed (310100 / 390100); serious illness (policy fund_pay_type) and assistance (610100)
// when they pay. The personal account is the person's own money: in psn_part_amt, not in setldetail.
// A broken identity is a bug in an earlier rule, never the claim's fault: it throws.
import type { SetlDetailFen, SetlInfoFen } from '../result.js'
import { assert, invariantBroken, type Working } from './working.js'

/** National fund pay types of the basic funds (统筹基金). */
const BASIC_FUND_PAY_TYPE = { '310': '310100', '390': '390100' } as const
/** 医疗救助. */
const ASSISTANCE_FUND_PAY_TYPE = '610100'

export function split(w: Working): undefined {
  const ins = w.claim.insutype
  const detail: SetlDetailFen[] = [{ fund_pay_type: BASIC_FUND_PAY_TYPE[ins], fund_payamt_fen: w.hifpFen }]
  if (w.seriousFen !== 0) detail.push({ fund_pay_type: w.policy.serious_illness[ins].fund_pay_type, fund_payamt_fen: w.seriousFen })
  if (w.mafFen !== 0) detail.push({ fund_pay_type: ASSISTANCE_FUND_PAY_TYPE, fund_payamt_fen: w.mafFen })

  const fundFen = w.hifpFen + w.seriousFen + w.mafFen
  const psnPartFen = w.medfeeFen - fundFen
  const info: SetlInfoFen = {
    medfee_sumamt_fen: w.medfeeFen,
    fulamt_ownpay_amt_fen: w.fulamtFen,
    overlmt_selfpay_fen: w.overlmtFen,
    preselfpay_amt_fen: w.preselfpayFen,
    inscp_scp_amt_fen: w.inscpFen,
    act_pay_dedc_fen: w.actPayDedcFen,
    hifp_pay_fen: w.hifpFen,
    // 职工大额 (330100) pays into hifob_pay, 居民大病 (390200) into hifmi_pay
    hifmi_pay_fen: ins === '390' ? w.seriousFen : 0,
    hifob_pay_fen: ins === '310' ? w.seriousFen : 0,
    maf_pay_fen: w.mafFen,
    fund_pay_sumamt_fen: fundFen,
    acct_pay_fen: w.acctFen,
    psn_cash_pay_fen: psnPartFen - w.acctFen,
    psn_part_amt_fen: psnPartFen,
  }

  assert(info.medfee_sumamt_fen === info.fulamt_ownpay_amt_fen + info.overlmt_selfpay_fen + info.preselfpay_amt_fen + info.inscp_scp_amt_fen,
    'medfee_sumamt = fulamt_ownpay + overlmt + preselfpay + inscp_scp')
  assert(info.medfee_sumamt_fen === w.claim.totalFen, 'medfee_sumamt = Σ fee amounts')
  assert(info.medfee_sumamt_fen === info.fund_pay_sumamt_fen + info.psn_part_amt_fen, 'medfee_sumamt = fund_pay_sumamt + psn_part_amt')
  assert(info.psn_part_amt_fen === info.acct_pay_fen + info.psn_cash_pay_fen, 'psn_part_amt = acct_pay + psn_cash_pay')
  assert(info.fund_pay_sumamt_fen === detail.reduce((s, d) => s + d.fund_payamt_fen, 0), 'fund_pay_sumamt = Σ setldetail')
  // funds pay only in scope (先行自付 and 全自费 are never in any fund's base)
  assert(info.act_pay_dedc_fen <= info.inscp_scp_amt_fen && fundFen <= info.inscp_scp_amt_fen, 'funds pay at most in scope')
  for (const k of Object.keys(info) as (keyof SetlInfoFen)[]) {
    if (!(Number.isSafeInteger(info[k]) && info[k] >= 0)) invariantBroken(`${k} is a non-negative integer of fen`)
  }
  for (const d of detail) if (d.fund_payamt_fen < 0) invariantBroken(`setldetail ${d.fund_pay_type} is not negative`)

  w.setlinfo = info
  w.setldetail = detail
  return undefined
}

