// Cost deviation (SPEC §5): with the claim's total c and the group's average a —
//   c > review × a → 'review' (特例单议 candidate) with the high factor;
//   c > high × a   → 'high',  factor (c / a − high) + 1;
//   c < low × a    → 'low',   factor c / a;
//   otherwise        'normal', factor 1.
// policy.dip.bounds_inclusive turns > / < into ≥ / ≤. Thresholds are compared exactly: c × 1e6 against ppm × a.
// The factor stays an exact fraction (num / den) so that points are rounded once, at the end.
import type { Policy } from '../policy/types.js'
import type { Deviation } from './types.js'
import { PPM, ratioToPpm } from '../money.js'

export interface DeviationOutcome {
  readonly band: Deviation
  readonly factorNum: bigint
  readonly factorDen: bigint
}

const ONE: DeviationOutcome = { band: 'normal', factorNum: 1n, factorDen: 1n }

export function classifyDeviation(costFen: number, avgFen: number, dip: Policy['dip']): DeviationOutcome {
  // a group without an average cost cannot be compared against: pay its score as it stands
  if (avgFen <= 0) return ONE
  const c = BigInt(costFen) * BigInt(PPM)
  const a = BigInt(avgFen)
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
    const num = c - BigInt(ratioToPpm(dip.high)) * a + BigInt(PPM) * a
    return { band: above(dip.review) ? 'review' : 'high', factorNum: num, factorDen: BigInt(PPM) * a }
  }
  if (below(dip.low)) return { band: 'low', factorNum: BigInt(costFen), factorDen: a }
  return ONE
}
