// Points (SPEC §5): score × 辅助目录 coefficient × hospital coefficient × 中蒙医 bonus × deviation factor, computed exactly
// in integers (score and coefficients in 1e-6 units, the factor an exact fraction) and rounded once, half away from
// zero, to integer 1/10,000 points. Per-diem (床日) groups put days × per-day points in place of the score.
// The exact product needs BigInt; a double estimate decides the rounding first whenever its error bound (ten
// correctly rounded operations: < 1e-15 relative) cannot reach the nearest half, which is all but a sliver of cases.
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

/** The double estimate is trusted only this far (relative, plus an absolute floor) from a rounding boundary. */
const ESTIMATE_MARGIN_REL = 1e-12
const ESTIMATE_MARGIN_ABS = 1e-9
/** Beyond this the estimate's integer part itself is no longer exact in a double. */
const ESTIMATE_MAX = 2 ** 50
const SCALE = POINTS_SCALE / (PPM * PPM * PPM * PPM)

/** x rounded half away from zero when the estimate's error cannot reach the nearest half; null when it might. */
function decided(x: number): number | null {
  if (!(x >= 0 && x < ESTIMATE_MAX)) return null
  const floor = Math.floor(x)
  const fromHalf = x - floor - 0.5
  if (Math.abs(fromHalf) > x * ESTIMATE_MARGIN_REL + ESTIMATE_MARGIN_ABS) return fromHalf > 0 ? floor + 1 : floor
  return null
}

/** Points in integer 1/10,000: base/1e6 × aux/1e6 × coef/1e6 × bonus/1e6 × num/den × 1e4, one rounding. */
export function points1e4(p: PointsInput): number {
  const x = Number(p.baseMicro) * p.auxMicro * p.coefficientMicro * p.bonusMicro * SCALE * (Number(p.factorNum) / Number(p.factorDen))
  return decided(x) ?? exactPoints1e4(p)
}

/** The same product in BigInt: the reference, and the answer when the estimate lies too near a half. */
export function exactPoints1e4(p: PointsInput): number {
  const m = BigInt(PPM)
  const num = p.baseMicro * BigInt(p.auxMicro) * BigInt(p.coefficientMicro) * BigInt(p.bonusMicro) * p.factorNum * BigInt(POINTS_SCALE)
  const den = m * m * m * m * p.factorDen
  return Number(divRoundHalfAwayBig(num, den))
}

/** An exact fraction shown with 6 decimals (the deviation factor in the result). */
export function fractionTo6(num: bigint, den: bigint): number {
  const micro = decided((Number(num) / Number(den)) * PPM) ?? Number(divRoundHalfAwayBig(num * BigInt(PPM), den))
  return micro / PPM
}
