// A small seeded PRNG (mulberry32): the demo data, the demo claims and the benchmarks' inputs must be reproducible
// byte for byte, on every platform.

/** mulberry32: uniform in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class Prng {
  /** Uniform in [0, 1). */
  readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('Prng.pick: empty list')
    return xs[Math.floor(this.next() * xs.length)] as T
  }
  /** Log-normal multiplier with median 1. */
  logNormal(sigma: number): number {
    const u = Math.max(this.next(), 1e-12)
    const v = this.next()
    return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v))
  }
}
