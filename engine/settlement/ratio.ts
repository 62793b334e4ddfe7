// The reimbursement ratio the point value divides by (SPEC §6): the pool's ACTUAL ratio of the period,
// Σ hifp_pay ÷ Σ medfee_sumamt over its DIP discharges (reversals netted), held as that exact fraction of fen; or,
// when the policy states month_end.reimbursement_ratio for the pool, that ratio fixed.
import { PPM, divRoundHalfAwayBig, ratioToPpm } from '../money.js'
import type { Policy } from '../policy/types.js'
import type { Pool } from '../ledger/reports-port.js'
import { invalidRun, type InvalidRun } from './types.js'

/** A ratio as an exact fraction num/den (both > 0). */
export interface Ratio {
  readonly num: bigint
  readonly den: bigint
  readonly source: 'actual' | 'policy'
}

export function reimbursementRatio(policy: Policy, pool: Pool, hifpFen: number, medfeeFen: number): Ratio | InvalidRun {
  const fixed = policy.month_end.reimbursement_ratio?.[pool]
  if (fixed !== undefined) return { num: BigInt(ratioToPpm(fixed)), den: BigInt(PPM), source: 'policy' }
  if (medfeeFen <= 0 || hifpFen <= 0) {
    return invalidRun('reimbursement_ratio', `pool ${pool} has no DIP discharge with fund payment in the period to take the actual ratio from (Σ hifp_pay ${hifpFen} fen over Σ medfee_sumamt ${medfeeFen} fen); set month_end.reimbursement_ratio in the policy to fix one`)
  }
  return { num: BigInt(hifpFen), den: BigInt(medfeeFen), source: 'actual' }
}

/** The ratio with 6 decimals (display; nothing is computed from it). */
export function ratio6(r: Ratio): number {
  return Number(divRoundHalfAwayBig(r.num * BigInt(PPM), r.den)) / PPM
}

export function ratioPpm(r: Ratio): number {
  return Number(divRoundHalfAwayBig(r.num * BigInt(PPM), r.den))
}

export function ratioString(r: Ratio): string {
  return `${r.num}/${r.den}`
}
