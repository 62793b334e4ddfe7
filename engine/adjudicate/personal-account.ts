// SPEC §3 step 7 — the personal account (个人账户) of a 职工 (310) pays the personal share when the request asks
// (acct_used_flag '1') and the balance allows: min(balance, personal share), the balance derived from the ledger
// (SPEC §15: opening + credits − acct_pay, engine/accounts/balance.ts).
//
// Choice: the share is the whole personal part (psn_part_amt: in-scope co-payment and deductible, 先行自付, 超限价 and
// 全自费), as the account may pay the insured's own medical costs at designated institutions. Residents (390) have no
// personal account: the flag is ignored for them. The account is not a fund: it is in psn_part_amt, not setldetail.
import { accountBalanceFen } from '../accounts/balance.js'
import type { Working } from './working.js'

/** 职工基本医疗保险: the only insutype with a personal account. */
const EMPLOYEE_INSUTYPE = '310'

export function personalAccount(w: Working): undefined {
  if (w.claim.insutype !== EMPLOYEE_INSUTYPE || !w.claim.useAccount) return undefined
  const psnPartFen = w.medfeeFen - w.hifpFen - w.seriousFen - w.mafFen
  const balanceFen = accountBalanceFen(w.person, w.ctx.history)
  w.acctFen = Math.min(balanceFen, psnPartFen)
  return undefined
}
