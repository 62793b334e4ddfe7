// A catalogue average cost as the catalogue publishes it (SPEC §5 "Precision": 6 decimals), read from its decimal
// text into integer micro-yuan (1152.886123 → 1,152,886,123) without passing through a float, so that c / a uses the
// published figure exactly and points are rounded once, never via a fen-rounded average.

const DECIMAL = /^([0-9]+)(?:\.([0-9]{1,6}))?$/

/** Micro-yuan of a non-negative decimal text with at most 6 decimals, or null when the text is not one (or too big). */
export function decimalTextToMicro(text: string): number | null {
  const m = DECIMAL.exec(text.trim())
  if (m === null) return null
  const micro = Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'))
  // beyond 2^53 micro-yuan (9 × 10^9 yuan) the integer would not be exact: not a DIP group average
  return Number.isSafeInteger(micro) && Number.isSafeInteger(Number(m[1]) * 1_000_000) ? micro : null
}
