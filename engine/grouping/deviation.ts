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

/**
 * c and a in one integer unit, 1e-12 yuan: fen × 1e10 against micro-yuan × (type coefficient × 1e6). Held as the
 * numbers they come from; the BigInt forms are made only when a factor or an exact tie-break needs them.
 */
export class CostAgainstAverage {
  constructor(readonly costFen: number, readonly avgMicroYuan: number, readonly auxCoefMicro: number) {}
  get c(): bigint { return BigInt(this.costFen) * FEN_TO_1E12_YUAN }
  get a(): bigint { return BigInt(this.avgMicroYuan) * BigInt(this.auxCoefMicro) }
}

const FEN_TO_1E12_YUAN = 10_000_000_000n
const C_TIMES_PPM = 1e16 // fen → 1e-12 yuan (1e10), times the ppm of the ratio's side (1e6)
const C_TIMES_PPM_BIG = 10_000_000_000_000_000n
/** A double comparison is trusted only when the sides differ by more than this (relative; its error is < 1e-15). */
const COMPARE_MARGIN_REL = 1e-12

export function costAgainstAverage(costFen: number, avgMicroYuan: number, auxCoefMicro: number = PPM): CostAgainstAverage {
  return new CostAgainstAverage(costFen, avgMicroYuan, auxCoefMicro)
}

export const FACTOR_ONE: DeviationOutcome = { band: 'normal', factorNum: 1n, factorDen: 1n }

/** The sign of c·1e6 − ratio_ppm·a: decided in doubles away from a tie, exactly in BigInt near one. */
function compareToBound(r: CostAgainstAverage, ratioPpm: number): number {
  const l = r.costFen * C_TIMES_PPM
  const b = ratioPpm * r.avgMicroYuan * r.auxCoefMicro
  const d = l - b
  if (Math.abs(d) > COMPARE_MARGIN_REL * Math.max(Math.abs(l), Math.abs(b))) return d > 0 ? 1 : -1
  const lx = BigInt(r.costFen) * C_TIMES_PPM_BIG
  const bx = BigInt(ratioPpm) * r.a
  return lx > bx ? 1 : lx < bx ? -1 : 0
}

export function classifyDeviation(r: CostAgainstAverage, dip: Policy['dip']): DeviationOutcome {
  // a group without an average cost cannot be compared against: pay its score as it stands
  if (r.avgMicroYuan <= 0) return FACTOR_ONE
  const above = (ratio: number): boolean => {
    const s = compareToBound(r, ratioToPpm(ratio))
    return dip.bounds_inclusive ? s >= 0 : s > 0
  }
  const below = (ratio: number): boolean => {
    const s = compareToBound(r, ratioToPpm(ratio))
    return dip.bounds_inclusive ? s <= 0 : s < 0
  }
  if (above(dip.high)) {
    // (c/a − H) + 1 = (c·1e6 − H_ppm·a + 1e6·a) / (1e6·a)
    const m = BigInt(PPM)
    const a = r.a
    const num = r.c * m - BigInt(ratioToPpm(dip.high)) * a + m * a
    return { band: above(dip.review) ? 'review' : 'high', factorNum: num, factorDen: m * a }
  }
  if (below(dip.low)) return { band: 'low', factorNum: r.c, factorDen: r.a }
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
