// SPEC §3 step 4, §9 — the basic fund (统筹基金) of the person's insutype pays ratio × (in scope − deductible), the
// ratio by person kind (在职 in_service / 退休 retired for 310, resident for 390) × hospital level, up to what is left
// of the year's cap (封顶线) after the inpatient fund already paid this year.
import type { Policy } from '../policy/types.js'
import { mulRatioFen, yuanToFen } from '../money.js'
import { reason, type Reason } from '../reasons.js'
import type { HospitalLevel, PsnKind } from '../tables/types.js'
import { levelKey, type Working } from './working.js'

type RatioTable = Policy['basic']['310']['ratio']

/** The ratio for a person kind and level, or undefined when the policy has none. */
export function ratioFor(table: RatioTable, kind: PsnKind, level: HospitalLevel): number | undefined {
  return table[kind]?.[levelKey(level)]
}

export function noRatio(w: Working): Reason[] {
  return [reason('E_NO_BASIC_RATIO', 'psn_no',
    `the policy has no ${w.claim.insutype} ratio for a ${w.person.psnKind} person at level ${w.hospital.level}`)]
}

export function basicFund(w: Working): readonly Reason[] | undefined {
  const basic = w.policy.basic[w.claim.insutype]
  const ratio = ratioFor(basic.ratio, w.person.psnKind, w.hospital.level)
  if (ratio === undefined) return noRatio(w)
  const payFen = mulRatioFen(w.inscpFen - w.actPayDedcFen, ratio)
  const capLeftFen = Math.max(0, yuanToFen(basic.annual_cap_yuan) - w.year.hifp_paid_fen)
  w.hifpFen = Math.min(payFen, capLeftFen)
  return undefined
}
