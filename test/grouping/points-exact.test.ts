// The double fast paths of points1e4 and of the deviation bounds must agree with the BigInt arithmetic everywhere,
// above all on the ties and near-halves where the fast path has to hand over to the exact one.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { exactPoints1e4, fractionTo6, points1e4, type PointsInput } from '../../engine/grouping/points.js'
import { classifyDeviation, costAgainstAverage } from '../../engine/grouping/deviation.js'
import { divRoundHalfAwayBig } from '../../engine/money.js'
import { testPolicy } from './helpers.js'

const micro = fc.integer({ min: 1, max: 5_000_000 })
const input = fc.record({
  baseMicro: fc.bigInt({ min: 1n, max: 50_000_000_000n }), auxMicro: micro, coefficientMicro: micro, bonusMicro: micro,
  factorNum: fc.bigInt({ min: 1n, max: 10n ** 25n }), factorDen: fc.bigInt({ min: 1n, max: 10n ** 25n }),
})

describe('points1e4 fast path', () => {
  it('equals the BigInt product for any input', () => {
    fc.assert(fc.property(input, (p) => { expect(points1e4(p)).toBe(exactPoints1e4(p)) }), { numRuns: 20_000 })
  })
  it('equals it on exact halves and one unit either side (the estimate cannot decide these)', () => {
    // base × 1e4 / 1e6 with every coefficient 1: base = k·100 + 50 is exactly k + ½ points·1e-4
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: -1, max: 1 }), (k, d) => {
      const p: PointsInput = { baseMicro: k * 100n + 50n + BigInt(d), auxMicro: 1e6, coefficientMicro: 1e6, bonusMicro: 1e6, factorNum: 1n, factorDen: 1n }
      expect(points1e4(p)).toBe(exactPoints1e4(p))
      expect(exactPoints1e4(p)).toBe(Number(divRoundHalfAwayBig(p.baseMicro, 100n)))
    }))
  })
  it('equals it on a half reached through the factor: 1,000 points × 1/20,000,000 = ½ of 1e-4', () => {
    // 1,000 points × 1/20,000,000 = 0.00005 points = ½ of 1e-4: the estimate sits on the half, the exact path rounds up
    const p: PointsInput = { baseMicro: 1_000_000_000n, auxMicro: 1e6, coefficientMicro: 1e6, bonusMicro: 1e6, factorNum: 1n, factorDen: 20_000_000n }
    expect(points1e4(p)).toBe(1)
    expect(exactPoints1e4(p)).toBe(1)
  })
})

describe('fractionTo6 fast path', () => {
  it('equals the BigInt rounding, halves included', () => {
    const half = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: -1, max: 1 }))
      // (2k + 1 + d) / 2e6 shown in millionths is k + ½ (d = 0) or a whole number
      .map(([k, d]) => ({ num: k * 2n + 1n + BigInt(d), den: 2_000_000n }))
    const any = fc.record({ num: fc.bigInt({ min: 1n, max: 10n ** 25n }), den: fc.bigInt({ min: 1n, max: 10n ** 25n }) })
    fc.assert(fc.property(fc.oneof(half, any), ({ num, den }) => {
      expect(fractionTo6(num, den)).toBe(Number(divRoundHalfAwayBig(num * 1_000_000n, den)) / 1e6)
    }), { numRuns: 20_000 })
  })
})

describe('deviation bounds fast path', () => {
  const policies = [testPolicy({ bounds_inclusive: false }), testPolicy({ bounds_inclusive: true })]
  // the reference: the SPEC's comparisons done wholly in BigInt
  const reference = (costFen: number, avgMicro: number, auxMicro: number, inclusive: boolean, low: number, high: number, review: number): string => {
    const c = BigInt(costFen) * 10n ** 16n
    const a = BigInt(avgMicro) * BigInt(auxMicro)
    const gt = (ppm: number) => inclusive ? c >= BigInt(ppm) * a : c > BigInt(ppm) * a
    const lt = (ppm: number) => inclusive ? c <= BigInt(ppm) * a : c < BigInt(ppm) * a
    if (gt(high)) return gt(review) ? 'review' : 'high'
    return lt(low) ? 'low' : 'normal'
  }
  it('classifies as the BigInt comparison does, ties included', () => {
    const exactTie = fc.tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.constantFrom(500_000, 2_000_000, 5_000_000), fc.integer({ min: -1, max: 1 }))
      .map(([avgFen, ppm, d]) => ({ costFen: Math.round(avgFen * ppm / 1e6) + d, avgMicro: avgFen * 10_000, auxMicro: 1e6 }))
    const any = fc.record({ costFen: fc.integer({ min: 1, max: 2_000_000_000 }), avgMicro: fc.integer({ min: 1, max: 10 ** 13 }), auxMicro: micro })
    fc.assert(fc.property(fc.oneof(exactTie, any), fc.constantFrom(0, 1), ({ costFen, avgMicro, auxMicro }, i) => {
      const dip = policies[i]!.dip
      const want = reference(costFen, avgMicro, auxMicro, dip.bounds_inclusive, dip.low * 1e6, dip.high * 1e6, dip.review * 1e6)
      expect(classifyDeviation(costAgainstAverage(costFen, avgMicro, auxMicro), dip).band).toBe(want)
    }), { numRuns: 20_000 })
  })
})
