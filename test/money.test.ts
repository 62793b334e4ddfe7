// The double fast path of the exact decimal rule (money.ts doubleUnits): it must decide exactly as the double's
// shortest text does (decimalUnits(String(x))), for every double — SPEC §1: decided on the decimal text, no tolerance.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decimalUnits, doubleUnits, parseYuan } from '../engine/money.js'

describe('doubleUnits', () => {
  it('agrees with the shortest decimal text on any double, at 2 and 4 decimals', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(2, 4), (x, scale) => {
      expect(doubleUnits(x, scale, Number.MAX_SAFE_INTEGER)).toEqual(decimalUnits(String(x), scale, Number.MAX_SAFE_INTEGER))
    }), { numRuns: 20_000 })
  })

  it('agrees on values written with few decimals (where both say yes), and on their neighbours (where both say no)', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom(1, 10, 100, 1000, 10000), fc.boolean(), (k, d, nudge) => {
      const x = nudge ? k / d + Number.EPSILON * Math.abs(k / d) : k / d
      for (const scale of [2, 4]) expect(doubleUnits(x, scale, 1e15)).toEqual(decimalUnits(String(x), scale, 1e15))
    }), { numRuns: 20_000 })
  })

  it('keeps the SPEC §1 examples: 12.30 is 1,230 fen; 600000.125 and 12.3400001 are refused', () => {
    expect(parseYuan(12.3)).toEqual({ ok: true, fen: 1230 })
    expect(parseYuan(600000.125)).toEqual({ ok: false, problem: 'too_many_decimals' })
    expect(parseYuan(12.3400001)).toEqual({ ok: false, problem: 'too_many_decimals' })
    expect(parseYuan(0.1 + 0.2)).toEqual({ ok: false, problem: 'too_many_decimals' })
  })
})
