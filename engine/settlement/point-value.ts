// 点值 (SPEC §6): point value = (budget ÷ the pool's reimbursement ratio) ÷ total points, held as an exact fraction;
// the DIP total (budget ÷ ratio) is rounded once to the fen and split over hospitals by largest remainder. Month-end
// and annual clearing both allocate with allocate() below.
import { allocateLargestRemainder, divRoundHalfAwayBig, FEN_PER_YUAN, POINTS_SCALE } from '../money.js'
import type { Ratio } from './ratio.js'

/** budget ÷ ratio in fen, rounded once (half away from zero): what the month's DIP amounts sum to. */
export function dipTotalFen(budgetFen: number, ratio: Ratio): number {
  return Number(divRoundHalfAwayBig(BigInt(budgetFen) * ratio.den, ratio.num))
}

/** Yuan per point as an exact fraction num/den (den > 0); null when there are no points. */
export interface PointValue {
  readonly num: bigint
  readonly den: bigint
}

/**
 * (budget_fen/100 ÷ num/den) ÷ (points_1e4/1e4) = budget_fen × den × 100 ÷ (num × points_1e4) yuan per point.
 * Example (SPEC §6): 6e9 fen, ratio 6/10, 1e11 (10,000,000 points) → 6e9 × 10 × 100 / 6e11 = 10 yuan.
 */
export function pointValue(budgetFen: number, ratio: Ratio, points1e4: bigint): PointValue | null {
  if (points1e4 <= 0n) return null
  const num = BigInt(budgetFen) * ratio.den * (BigInt(POINTS_SCALE) / BigInt(FEN_PER_YUAN))
  return reduce(num, ratio.num * points1e4)
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

export interface Allocation {
  /** budget ÷ ratio, rounded once to the fen. */
  readonly dipTotalFen: number
  readonly totalPoints1e4: bigint
  readonly pointValue: PointValue | null
  /** Each unit's DIP amount, in the order given; Σ = dipTotalFen whenever there are points. */
  readonly amountsFen: readonly number[]
}

/** The one allocation of month-end and clearing: ratio → point value → largest-remainder amounts to the fen. */
export function allocate(budgetFen: number, ratio: Ratio, points1e4: readonly bigint[]): Allocation {
  const totalPoints1e4 = points1e4.reduce((a, p) => a + p, 0n)
  const total = dipTotalFen(budgetFen, ratio)
  return { dipTotalFen: total, totalPoints1e4, pointValue: pointValue(budgetFen, ratio, totalPoints1e4), amountsFen: allocateDipAmounts(total, points1e4) }
}
