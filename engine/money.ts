// Money and points: integer fen inside, yuan (≤ 2 decimals) at the edges; points in integer 1/10,000.
// The one rounding rule (SPEC §1): half away from zero, applied where the policy applies a ratio.

/** Largest money value accepted at the edge (SPEC §1: above 10^10 yuan is rejected). */
export const MAX_YUAN = 1e10
export const FEN_PER_YUAN = 100
/** Ratios are held as integer parts per million so that ratio × fen is exact integer arithmetic. */
export const PPM = 1_000_000
/** DIP points are integer 1/10,000 points. */
export const POINTS_SCALE = 10_000
/** DIP scores are carried to 1e-6 (the catalogue's precision). */
export const SCORE_SCALE = 1_000_000

/** Integer division of n by d (d > 0), rounding half away from zero. Exact for safe integers; BigInt beyond. */
export function divRoundHalfAway(n: number, d: number): number {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d)) {
    return Number(divRoundHalfAwayBig(BigInt(n), BigInt(d)))
  }
  if (d <= 0) throw new RangeError(`divRoundHalfAway: divisor must be positive, got ${d}`)
  const sign = n < 0 ? -1 : 1
  const a = Math.abs(n)
  let q = Math.floor(a / d)
  let r = a - q * d
  // floating division of two safe integers can be off by one near 2^53: correct it
  if (r < 0) { q -= 1; r += d } else if (r >= d) { q += 1; r -= d }
  if (2 * r >= d) q += 1
  return sign * q
}

export function divRoundHalfAwayBig(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divRoundHalfAwayBig: divisor must be positive')
  const neg = n < 0n
  const a = neg ? -n : n
  let q = a / d
  const r = a - q * d
  if (2n * r >= d) q += 1n
  return neg ? -q : q
}

/** A policy ratio (fraction such as 0.85) as integer parts per million. */
export function ratioToPpm(ratio: number): number {
  return Math.round(ratio * PPM)
}

/** fen × ratio, rounded half away from zero to the fen — the only rounding of a ratio applied to money. */
export function mulRatioFen(fen: number, ratio: number): number {
  return mulPpmFen(fen, ratioToPpm(ratio))
}

/** fen × ppm / 1e6, rounded half away from zero. */
export function mulPpmFen(fen: number, ppm: number): number {
  const p = fen * ppm
  if (Number.isSafeInteger(p)) return divRoundHalfAway(p, PPM)
  return Number(divRoundHalfAwayBig(BigInt(fen) * BigInt(ppm), BigInt(PPM)))
}

/** Yuan from a trusted source (policy file, CSV already validated) to fen, rounded to the fen. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * FEN_PER_YUAN)
}

/** fen → yuan as a JSON number (SPEC §1: yuan with at most 2 decimals). */
export function fenToYuan(fen: number): number {
  return fen / FEN_PER_YUAN
}

export type YuanParse = { ok: true; fen: number } | { ok: false; problem: 'not_a_number' | 'too_many_decimals' | 'negative' | 'too_large' }

const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/

/**
 * A decimal text (a JSON number as sent, or a double's shortest text String(x)) → an integer count of 10^-scale,
 * exactly: no tolerance, no binary rounding (SPEC §1: `12.3400001` has more decimals, `12.30` is 1,230 fen). null when
 * the text has more than `scale` decimals (trailing zeros do not count), 'too_large' beyond `maxUnits`.
 */
export function decimalUnits(text: string, scale: number, maxUnits: number): number | null | 'too_large' | 'not_a_number' {
  const m = DECIMAL.exec(text)
  if (m === null) return 'not_a_number'
  const intPart = m[2] as string
  const all = (intPart + (m[3] ?? '')).replace(/0+$/, '')
  if (/^0*$/.test(all)) return 0
  const exp = m[4] === undefined ? 0 : Number(m[4])
  // the decimal point's position in `all` (digits before it)
  const point = intPart.length + exp
  if (all.length - point > scale) return null
  const leading = /^0*/.exec(all)?.[0].length ?? 0
  // digits of the integer count: beyond 17 it is far above any bound here
  if (point + scale - leading > 17) return 'too_large'
  const units = Number(all + '0'.repeat(point + scale - all.length))
  if (units > maxUnits) return 'too_large'
  return m[1] === '-' ? -units : units
}

/**
 * decimalUnits of a double's shortest text, without making the text: k = round(x × 10^scale) is the answer exactly when
 * k ÷ 10^scale gives x back — the double nearest to k / 10^scale, whose shortest text is k's decimals as long as k
 * has at most 15 digits (every such decimal round-trips) — and the text has more decimals otherwise. Beyond 15 digits
 * the text decides.
 */
export function doubleUnits(x: number, scale: number, maxUnits: number): number | null | 'too_large' | 'not_a_number' {
  const p = 10 ** scale
  if (Math.abs(x) < 1e15 / p) {
    const k = Math.round(x * p)
    if (k / p !== x) return null
    if (Math.abs(k) > maxUnits) return 'too_large'
    return k === 0 ? 0 : k
  }
  return decimalUnits(String(x), scale, maxUnits)
}

/**
 * Parse a money value from untrusted input (a claim, a request). Accepts a JSON number with at most two decimals,
 * not above MAX_YUAN; negative only when allowNegative. `text` is the number as sent (strict-json.ts numberTextOf);
 * without it (a msgpack double, an object built in code) the double's shortest text decides.
 */
export function parseYuan(x: unknown, allowNegative = false, text?: string): YuanParse {
  if (typeof x !== 'number' || !Number.isFinite(x)) return { ok: false, problem: 'not_a_number' }
  if (Math.abs(x) > MAX_YUAN) return { ok: false, problem: 'too_large' }
  if (x < 0 && !allowNegative) return { ok: false, problem: 'negative' }
  const fen = text === undefined ? doubleUnits(x, 2, MAX_YUAN * FEN_PER_YUAN) : decimalUnits(text, 2, MAX_YUAN * FEN_PER_YUAN)
  if (fen === null) return { ok: false, problem: 'too_many_decimals' }
  if (fen === 'too_large') return { ok: false, problem: 'too_large' }
  if (fen === 'not_a_number') return { ok: false, problem: 'not_a_number' }
  return { ok: true, fen: fen === 0 ? 0 : fen }
}

/** A score with 6 decimals (576.444152) as integer 1e-6 units. */
export function scoreToMicro(score: number): number {
  return Math.round(score * SCORE_SCALE)
}

/** Integer 1/10,000 points → a JSON number with 4 decimals. */
export function pointsToJson(points1e4: number): number {
  return points1e4 / POINTS_SCALE
}

/**
 * Split `totalFen` into parts proportional to `weights` so that the parts sum exactly to the total
 * (largest-remainder method; ties broken by lower index). Weights are non-negative integers (or bigints).
 */
export function allocateLargestRemainder(totalFen: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n)
  if (weights.length === 0) return []
  if (sum === 0n) {
    const out = weights.map(() => 0n)
    if (totalFen !== 0n) throw new RangeError('allocateLargestRemainder: cannot allocate a non-zero total over zero weights')
    return out
  }
  const neg = totalFen < 0n
  const total = neg ? -totalFen : totalFen
  const base = weights.map((w) => (total * w) / sum)
  const rem = weights.map((w, i) => ({ i, r: total * w - (base[i] as bigint) * sum }))
  let left = total - base.reduce((a, b) => a + b, 0n)
  rem.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1))
  for (let k = 0; left > 0n; k++, left--) {
    const idx = (rem[k % rem.length] as { i: number }).i
    base[idx] = (base[idx] as bigint) + 1n
  }
  return neg ? base.map((b) => -b) : base
}
