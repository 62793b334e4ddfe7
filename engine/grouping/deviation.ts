// Cost deviation (SPEC §5): with the claim's total c and the group's average a —
//   c > review × a → 'review' (特例单议 candidate) with the high factor;
//   c > high × a   → 'high',  factor (c / a − high) + 1;
//   c < low × a    → 'low',   factor c / a;
//   otherwise        'normal', factor 1.
// policy.dip.bounds_inclusive turns > / < into ≥ / ≤. `a` is the published average (micro-yuan, 6 decimals, never a
// fen-rounded one) times the 辅助目录 type coefficient when the case is typed; c and a are held as integers of one unit
// (1e-12 yuan) so that thresholds compare exactly and the factor stays an exact fraction (num / den): points are
// rounded once, at the end.
import type { Policy } from '../policy/types.js'
import type { Deviation } from './types.js'
import { PPM, ratioToPpm } from '../money.js'

export interface DeviationOutcome {
  readonly band: Deviation
  readonly factorNum: bigint
  readonly factorDen: bigint
}

/** c and a in one integer unit, 1e-12 yuan: fen × 1e10 against micro-yuan × (type coefficient × 1e6). */
export interface CostAgainstAverage {
  readonly c: bigint
  readonly a: bigint
}

const FEN_TO_1E12_YUAN = 10_000_000_000n

export function costAgainstAverage(costFen: number, avgMicroYuan: number, auxCoefMicro: number = PPM): CostAgainstAverage {
  return { c: BigInt(costFen) * FEN_TO_1E12_YUAN, a: BigInt(avgMicroYuan) * BigInt(auxCoefMicro) }
}

export const FACTOR_ONE: DeviationOutcome = { band: 'normal', factorNum: 1n, factorDen: 1n }

export function classifyDeviation(r: CostAgainstAverage, dip: Policy['dip']): DeviationOutcome {
  // a group without an average cost cannot be compared against: pay its score as it stands
  if (r.a <= 0n) return FACTOR_ONE
  const m = BigInt(PPM)
  const c = r.c * m
  const a = r.a
  const above = (ratio: number): boolean => {
    const bound = BigInt(ratioToPpm(ratio)) * a
    return dip.bounds_inclusive ? c >= bound : c > bound
  }
  const below = (ratio: number): boolean => {
    const bound = BigInt(ratioToPpm(ratio)) * a
    return dip.bounds_inclusive ? c <= bound : c < bound
  }
  if (above(dip.high)) {
    // (c/a − H) + 1 = (c·1e6 − H_ppm·a + 1e6·a) / (1e6·a)
    const num = c - BigInt(ratioToPpm(dip.high)) * a + m * a
    return { band: above(dip.review) ? 'review' : 'high', factorNum: num, factorDen: m * a }
  }
  if (below(dip.low)) return { band: 'low', factorNum: r.c, factorDen: a }
  return FACTOR_ONE
}

/**
 * Incomplete stays (death, transfer: `dip.incomplete.dscg_ways`, SPEC §5): the case's normal points × min(1, c / a) —
 * the factor takes the place of the band's, so a short, cheap stay is not cut twice and a costly one is not raised.
 */
export function incompleteFactor(r: CostAgainstAverage, band: Deviation): DeviationOutcome {
  if (r.a <= 0n || r.c >= r.a) return { band, factorNum: 1n, factorDen: 1n }
  return { band, factorNum: r.c, factorDen: r.a }
}
