// 点值 (SPEC §6): point value = (budget ÷ the pool's reimbursement ratio) ÷ total points, held as an exact fraction;
// the DIP total (budget ÷ ratio) is rounded once to the fen and split over hospitals by largest remainder.
import { allocateLargestRemainder, divRoundHalfAwayBig, FEN_PER_YUAN, PPM, POINTS_SCALE } from '../money.js'

/** budget ÷ ratio in fen, rounded once (half away from zero): what the month's DIP amounts sum to. */
export function dipTotalFen(budgetFen: number, ratioPpm: number): number {
  return Number(divRoundHalfAwayBig(BigInt(budgetFen) * BigInt(PPM), BigInt(ratioPpm)))
}

/** Yuan per point as an exact fraction num/den (den > 0); null when there are no points. */
export interface PointValue {
  readonly num: bigint
  readonly den: bigint
}

/**
 * (budget_fen/100 ÷ ratio_ppm/1e6) ÷ (points_1e4/1e4) = budget_fen × 1e8 ÷ (ratio_ppm × points_1e4) yuan per point.
 * Example (SPEC §6): 6e9 fen, 600,000 ppm, 1e11 (10,000,000 points) → 6e17 / 6e16 = 10 yuan.
 */
export function pointValue(budgetFen: number, ratioPpm: number, points1e4: bigint): PointValue | null {
  if (points1e4 <= 0n) return null
  // × PPM × POINTS_SCALE ÷ FEN_PER_YUAN, exact: 1e6 × 1e4 is a multiple of 100
  const num = BigInt(budgetFen) * BigInt(PPM) * BigInt(POINTS_SCALE) / BigInt(FEN_PER_YUAN)
  return reduce(num, BigInt(ratioPpm) * points1e4)
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a
  let y = b < 0n ? -b : b
  while (y !== 0n) [x, y] = [y, x % y]
  return x
}

function reduce(num: bigint, den: bigint): PointValue {
  const g = gcd(num, den)
  return g > 1n ? { num: num / g, den: den / g } : { num, den }
}

/** The point value rounded to 6 decimals (display only: nothing is computed from it). */
export function pointValueYuan6(pv: PointValue | null): number {
  if (pv === null) return 0
  return Number(divRoundHalfAwayBig(pv.num * 1_000_000n, pv.den)) / 1_000_000
}

export function pointValueString(pv: PointValue | null): string {
  return pv === null ? '0/1' : `${pv.num}/${pv.den}`
}

export function parsePointValue(s: string): PointValue | null {
  const m = /^(-?\d+)\/(\d+)$/.exec(s)
  if (!m || m[2] === '0' || m[1] === '0') return null
  return { num: BigInt(m[1] as string), den: BigInt(m[2] as string) }
}

/** points_1e4 × point value → fen, rounded half away from zero (a carried adjustment, a report line). */
export function pointsToFen(points1e4: number | bigint, pv: PointValue | null): number {
  if (pv === null) return 0
  // yuan = points_1e4/1e4 × num/den → fen = points_1e4 × num × 100 / (1e4 × den)
  return Number(divRoundHalfAwayBig(BigInt(points1e4) * pv.num * 100n, BigInt(POINTS_SCALE) * pv.den))
}

/** Split the DIP total over the hospitals' points so that the parts sum exactly to it (largest remainder). */
export function allocateDipAmounts(totalFen: number, points1e4: readonly bigint[]): number[] {
  if (points1e4.every((p) => p === 0n)) return points1e4.map(() => 0)
  return allocateLargestRemainder(BigInt(totalFen), points1e4).map(Number)
}
