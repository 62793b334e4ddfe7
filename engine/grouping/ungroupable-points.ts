// Ungroupable cases (SPEC §5, regional rule): instead of none, `c ÷ region average cost × scale ×
// dip.ungroupable_factor` points (e.g. 0.7), the case still flagged for review. Exact: the cost in fen against the
// region average in micro-yuan, scale and factor in 1e-6, one rounding to 1/10,000 points.
import type { Policy } from '../policy/types.js'
import { PPM, POINTS_SCALE, divRoundHalfAwayBig, ratioToPpm } from '../money.js'

export interface UngroupablePoints {
  /** c ÷ A × scale × 1e6 (the score the cost makes), rounded for display only. */
  readonly scoreMicro: number
  readonly points1e4: number
  readonly factorMicro: number
}

export function ungroupablePoints(costFen: number, dip: Policy['dip']): UngroupablePoints | null {
  if (dip.ungroupable_factor === undefined) return null
  const m = BigInt(PPM)
  // c / A with c = fen × 1e4 micro-yuan and A in micro-yuan
  const c = BigInt(costFen) * 10_000n
  const regionMicro = BigInt(ratioToPpm(dip.region_avg_cost_yuan))
  const scaleMicro = BigInt(ratioToPpm(dip.scale))
  const factorMicro = ratioToPpm(dip.ungroupable_factor)
  const points1e4 = divRoundHalfAwayBig(c * scaleMicro * BigInt(factorMicro) * BigInt(POINTS_SCALE), regionMicro * m * m)
  const scoreMicro = divRoundHalfAwayBig(c * scaleMicro, regionMicro)
  return { scoreMicro: Number(scoreMicro), points1e4: Number(points1e4), factorMicro }
}
