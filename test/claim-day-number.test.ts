// dayNumber ('YYYY-MM-DD' → days since 1970-01-01, null when not a real date) is computed by hand on the real-time
// path; it must answer exactly as Date does for every text (the former implementation is kept here as the oracle).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dayNumber } from '../engine/claim.js'

function byDate(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null
  const t = Date.parse(date + 'T00:00:00Z')
  if (Number.isNaN(t)) return null
  if (new Date(t).toISOString().slice(0, 10) !== date) return null
  return Math.round(t / 86_400_000)
}

const pad = (n: number, w: number) => String(n).padStart(w, '0')

describe('dayNumber', () => {
  it('hand-worked days: the epoch, leap days, the Gregorian century rule, year 0000', () => {
    expect(dayNumber('1970-01-01')).toBe(0)
    expect(dayNumber('1969-12-31')).toBe(-1)
    // 2024 is a leap year: 2024-01-01 is day 19,723 (54 years, 13 leap days: 54 × 365 + 13), + 31 + 28 = 19,782
    expect(dayNumber('2024-02-29')).toBe(19_782)
    expect(dayNumber('2023-02-29')).toBeNull()
    expect(dayNumber('1900-02-29')).toBeNull() // divisible by 100, not by 400
    expect(dayNumber('2000-02-29')).toBe(11_016)
    expect(dayNumber('0000-01-01')).toBe(-719_528)
    for (const bad of ['2024-1-01', '2024-01-1', '2024/01/01', '２０２４-01-01', '2024-01-01 ', '2024-13-01', '2024-00-10', '2024-04-31', '']) {
      expect(dayNumber(bad)).toBeNull()
    }
  })

  it('answers as Date.parse + toISOString for any date-shaped text and any string', () => {
    const dateShaped = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`)
    fc.assert(fc.property(dateShaped, (s) => { expect(dayNumber(s)).toBe(byDate(s)) }), { numRuns: 20_000 })
    fc.assert(fc.property(fc.string({ maxLength: 12 }), (s) => { expect(dayNumber(s)).toBe(byDate(s)) }), { numRuns: 5_000 })
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{4}.[0-9]{2}.[0-9]{2}$/), (s) => { expect(dayNumber(s)).toBe(byDate(s)) }), { numRuns: 5_000 })
  })
})
