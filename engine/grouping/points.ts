// Points (SPEC §5): score × 辅助目录 coefficient × hospital coefficient × 中蒙医 bonus × deviation factor, computed exactly in integers
// (score and coefficients in 1e-6 units, the factor an exact fraction) and rounded once, half away from zero, to
// integer 1/10,000 points. Per-diem (床日) groups put days × per-day points in place of the score.
import { PPM, POINTS_SCALE, divRoundHalfAwayBig } from '../money.js'

export interface PointsInput {
  /** Score (or days × per-day points) in 1e-6 units. */
  readonly baseMicro: bigint
  /** 辅助目录 type coefficient, 1e-6 units (1e6 when the case is not typed). */
  readonly auxMicro: number
  /** Hospital coefficient, 1e-6 units (1e6 when none applies). */
  readonly coefficientMicro: number
  /** 中蒙医 bonus, 1e-6 units (1e6 when none applies). */
  readonly bonusMicro: number
  readonly factorNum: bigint
  readonly factorDen: bigint
}

/** Points in integer 1/10,000: base/1e6 × aux/1e6 × coef/1e6 × bonus/1e6 × num/den × 1e4, one rounding. */
export function points1e4(p: PointsInput): number {
  const m = BigInt(PPM)
  const num = p.baseMicro * BigInt(p.auxMicro) * BigInt(p.coefficientMicro) * BigInt(p.bonusMicro) * p.factorNum * BigInt(POINTS_SCALE)
  const den = m * m * m * m * p.factorDen
  return Number(divRoundHalfAwayBig(num, den))
}

/** An exact fraction shown with 6 decimals (the deviation factor in the result). */
export function fractionTo6(num: bigint, den: bigint): number {
  return Number(divRoundHalfAwayBig(num * BigInt(PPM), den)) / PPM
}
