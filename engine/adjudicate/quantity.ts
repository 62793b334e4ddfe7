// Fee-line quantities: a claim's qty has at most 4 decimals (national 数量 16,4), held as integer 1/10,000 so that
// qty × unit price is exact before the one rounding to the fen.
import { decimalUnits, divRoundHalfAway, divRoundHalfAwayBig, doubleUnits } from '../money.js'

const QTY_SCALE = 10_000

/**
 * qty (≤ 4 decimals) as integer 1/10,000; null when it has more decimals — decided on `text`, the number as sent
 * (strict-json.ts numberTextOf), else on the double's shortest text, exactly (SPEC §1).
 */
export function qtyToE4(qty: number, text?: string): number | null {
  const e4 = text === undefined ? doubleUnits(qty, 4, Number.MAX_SAFE_INTEGER) : decimalUnits(text, 4, Number.MAX_SAFE_INTEGER)
  return typeof e4 === 'number' ? e4 : null
}

/** qty × unit fen, rounded half away from zero to the fen. */
export function qtyTimesFen(qtyE4: number, unitFen: number): number {
  const p = qtyE4 * unitFen
  if (Number.isSafeInteger(p)) return divRoundHalfAway(p, QTY_SCALE)
  return Number(divRoundHalfAwayBig(BigInt(qtyE4) * BigInt(unitFen), BigInt(QTY_SCALE)))
}
