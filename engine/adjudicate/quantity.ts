// Fee-line quantities: a claim's qty has at most 4 decimals (national 数量 16,4), held as integer 1/10,000 so that
// qty × unit price is exact before the one rounding to the fen.
import { divRoundHalfAway, divRoundHalfAwayBig } from '../money.js'

const QTY_SCALE = 10_000

/** qty (≤ 4 decimals) as integer 1/10,000; null when it has more decimals. */
export function qtyToE4(qty: number): number | null {
  const e4 = Math.round(qty * QTY_SCALE)
  if (Math.abs(qty * QTY_SCALE - e4) > 1e-6 * Math.max(1, Math.abs(qty))) return null
  return e4
}

/** qty × unit fen, rounded half away from zero to the fen. */
export function qtyTimesFen(qtyE4: number, unitFen: number): number {
  const p = qtyE4 * unitFen
  if (Number.isSafeInteger(p)) return divRoundHalfAway(p, QTY_SCALE)
  return Number(divRoundHalfAwayBig(BigInt(qtyE4) * BigInt(unitFen), BigInt(QTY_SCALE)))
}
