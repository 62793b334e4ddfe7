// Persons read on demand (SPEC §11): the version in force on a date, the bounded cache, the layering of a ledger's
// imported versions over the tables file's persons.csv copy.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BoundedCache } from '../../engine/persons/cache.js'
import { decodePerson, encodePerson } from '../../engine/persons/codec.js'
import { StoredPersons, type PersonsSource } from '../../engine/persons/lookup.js'
import { BASE_EFFECTIVE_FROM, versionAsOf, type PersonVersion } from '../../engine/persons/versions.js'
import type { Person } from '../../engine/tables/types.js'

const A: Person = { psnNo: 'P1', insutype: '390', psnKind: 'resident', poverty: false, assistance: false, city: '赤峰', acctBalanceFen: 0, brdy: null }
const B: Person = { ...A, insutype: '310', psnKind: 'in_service', acctBalanceFen: 10_050 }
const C: Person = { ...A, poverty: true }

/** A source over fixed versions, counting its reads. */
function source(versions: Record<string, PersonVersion[]>, gen = { n: 0 }): PersonsSource & { reads: number } {
  return {
    reads: 0,
    versions(psnNo) { this.reads++; return versions[psnNo] ?? [] },
    generation: () => gen.n,
  }
}

describe('versionAsOf: the version in force on a date', () => {
  const vs: PersonVersion[] = [{ effectiveFrom: '2026-01-01', person: A }, { effectiveFrom: '2026-06-01', person: B }]
  it('before the first, on and after each effective date, and the newest without a date', () => {
    expect(versionAsOf(vs, '2025-12-31')).toBeUndefined()
    expect(versionAsOf(vs, '2026-01-01')).toBe(A)
    expect(versionAsOf(vs, '2026-05-31')).toBe(A)
    expect(versionAsOf(vs, '2026-06-01')).toBe(B)
    expect(versionAsOf(vs, '2027-03-01')).toBe(B)
    expect(versionAsOf(vs, undefined)).toBe(B)
  })

  it('property: the last version whose date is on or before asOf', () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((d) => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10))
    fc.assert(fc.property(fc.uniqueArray(day, { maxLength: 6 }), day, (days, asOf) => {
      const sorted = [...days].sort()
      const versions = sorted.map((d, i) => ({ effectiveFrom: d, person: { ...A, acctBalanceFen: i } }))
      const naive = versions.filter((v) => v.effectiveFrom <= asOf).pop()?.person
      expect(versionAsOf(versions, asOf)).toBe(naive)
    }))
  })
})

describe('the codec stores a person whole', () => {
  it('round-trips every field, including ones this code does not name', () => {
    const withMore = { ...A, insuplc_admdvs: '150400', contract_fixmedins: ['H15020300001'] } as Person
    expect(decodePerson(encodePerson(withMore))).toEqual(withMore)
  })
})

describe('BoundedCache', () => {
  it('never holds more than its capacity, and drops the least recently used', () => {
    const c = new BoundedCache<string, number>(2)
    c.set('a', 1)
    c.set('b', 2)
    expect(c.get('a')).toBe(1) // a is now the most recent
    c.set('c', 3)
    expect(c.size).toBe(2)
    expect(c.get('b')).toBeUndefined()
    expect(c.get('a')).toBe(1)
    expect(c.get('c')).toBe(3)
  })

  it('property: size ≤ capacity after any sequence of sets', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 60 }), (cap, keys) => {
      const c = new BoundedCache<string, number>(cap)
      keys.forEach((k, i) => c.set(k, i))
      expect(c.size).toBeLessThanOrEqual(cap)
      if (keys.length > 0) expect(c.get(keys[keys.length - 1] as string)).toBe(keys.length - 1)
    }))
  })
})

describe('StoredPersons: layered sources, cached, refreshed on a new generation', () => {
  it('a ledger version replaces the tables file\'s person from its effective date; the base stays before it', () => {
    const tables = source({ P1: [{ effectiveFrom: BASE_EFFECTIVE_FROM, person: A }] })
    const ledger = source({ P1: [{ effectiveFrom: '2026-06-01', person: B }], P2: [{ effectiveFrom: '2026-03-01', person: { ...C, psnNo: 'P2' } }] })
    const p = new StoredPersons([tables], () => []).over(ledger)
    expect(p.get('P1', '2026-05-31')).toBe(A)
    expect(p.get('P1', '2026-06-01')).toBe(B)
    // a person only the ledger knows: unknown before their first effective date
    expect(p.get('P2', '2026-02-28')).toBeUndefined()
    expect(p.get('P2', '2026-03-01')?.poverty).toBe(true)
    expect(p.get('P3', '2026-03-01')).toBeUndefined()
  })

  it('reads a person once while cached; a moved generation drops the cache at refresh()', () => {
    const gen = { n: 1 }
    const data: Record<string, PersonVersion[]> = { P1: [{ effectiveFrom: '2026-01-01', person: A }] }
    const s = source(data, gen)
    const p = new StoredPersons([s], () => [])
    p.get('P1', '2026-02-01')
    p.get('P1', '2026-03-01')
    expect(s.reads).toBe(1)
    data['P1'] = [{ effectiveFrom: '2026-01-01', person: C }]
    p.refresh()
    expect(p.get('P1', '2026-02-01')).toBe(A) // same generation: still the cached version
    gen.n = 2
    p.refresh()
    expect(p.get('P1', '2026-02-01')).toBe(C)
    expect(s.reads).toBe(2)
  })
})

describe('a snapshot\'s ledger versions while deciding (PostgreSQL: engine/persons/snapshot.ts)', () => {
  const base = source({ P1: [{ effectiveFrom: BASE_EFFECTIVE_FROM, person: A }], P2: [{ effectiveFrom: BASE_EFFECTIVE_FROM, person: { ...A, psnNo: 'P2' } }] })
  const imported: PersonVersion[] = [{ effectiveFrom: '2026-06-01', person: B }, { effectiveFrom: '2026-09-01', person: C }]

  it('layers them over the sources for that person only, as of the date asked, and only inside the call', () => {
    const lookup = new StoredPersons([base], () => [])
    const seen = lookup.whileDeciding('P1', imported, () => [
      lookup.get('P1', '2026-05-31'), lookup.get('P1', '2026-06-01'), lookup.get('P1', '2026-12-31'), lookup.get('P2', '2026-12-31')?.psnNo,
    ])
    // before the first imported version: the tables' base one; P2 untouched
    expect(seen).toEqual([A, B, C, 'P2'])
    expect(lookup.get('P1', '2026-12-31')).toBe(A)
  })

  it('an imported version of the base day replaces it; a throw leaves nothing layered; no nesting', () => {
    const lookup = new StoredPersons([base], () => [])
    expect(lookup.whileDeciding('P1', [{ effectiveFrom: BASE_EFFECTIVE_FROM, person: C }], () => lookup.get('P1', '2026-01-01'))).toBe(C)
    expect(() => lookup.whileDeciding('P1', imported, () => { throw new Error('adjudication failed') })).toThrow('adjudication failed')
    expect(lookup.get('P1', '2026-12-31')).toBe(A)
    expect(() => lookup.whileDeciding('P1', imported, () => lookup.whileDeciding('P2', [], () => 0))).toThrow(/while deciding P1/)
  })
})
