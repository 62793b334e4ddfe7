// The one way the engine reads an insured person (SPEC §11 persons): `get(psnNo, asOf)` — the version in force on
// the claim's enddate. Persons are not held in memory: a lookup reads them from where they are stored (the ledger's
// persons, over the tables file's persons.csv copy) through a small bounded cache, so a worker's memory does not
// grow with the insured count. A plain Map<string, Person> is a PersonsLookup too (hand-built tables in tests).
import type { Person } from '../tables/types.js'
import { BoundedCache } from './cache.js'
import { versionAsOf, type PersonVersion } from './versions.js'

export interface PersonsLookup {
  /** The person in force on `asOf` (YYYY-MM-DD, a claim's enddate); the newest version when omitted. */
  get(psnNo: string, asOf?: string): Person | undefined
  /**
   * The region's persons as its sources list them (persons.csv in the tables file), streamed: the demo's claims and
   * `data summary`. Not the ledger's imported versions.
   */
  values(): Iterable<Person>
}

/** Where a lookup reads a person's versions from (ascending effectiveFrom; empty when unknown). Synchronous. */
export interface PersonsSource {
  versions(psnNo: string): readonly PersonVersion[]
  /**
   * A number that changes when the source's persons change (an import): the cache is dropped when it moves. Read
   * once per `refresh()`, never per lookup.
   */
  generation(): number
}

/** Persons a worker looks at repeatedly within a batch (one claim: validation, grouping; a person's claims). */
export const PERSONS_CACHE_ENTRIES = 4096
/**
 * Lookups between two looks at the sources' generations by a long-lived process that never calls refresh() itself
 * (a server): an import becomes visible to it within this many lookups; a pool worker refreshes every batch.
 */
export const PERSONS_REFRESH_EVERY = 256

/**
 * Layered sources, later ones winning from their effective dates on: [tables file (persons.csv, effective from the
 * beginning), ledger (imported versions)]. A person's versions are the union, the later source's version replacing an
 * earlier one of the same day.
 */
export class StoredPersons implements PersonsLookup {
  private readonly cache = new BoundedCache<string, readonly PersonVersion[]>(PERSONS_CACHE_ENTRIES)
  private generations: number[]
  private sinceRefresh = 0

  constructor(private readonly sources: readonly PersonsSource[], private readonly listing: () => Iterable<Person>) {
    this.generations = sources.map((s) => s.generation())
  }

  values(): Iterable<Person> {
    return this.listing()
  }

  /** The same listing with `source` layered over these sources (a ledger's persons over the tables file's). */
  over(source: PersonsSource): StoredPersons {
    return new StoredPersons([...this.sources, source], this.listing)
  }

  get(psnNo: string, asOf?: string): Person | undefined {
    if (++this.sinceRefresh >= PERSONS_REFRESH_EVERY) this.refresh()
    let versions = this.cache.get(psnNo)
    if (versions === undefined) {
      versions = this.read(psnNo)
      this.cache.set(psnNo, versions)
    }
    return versionAsOf(versions, asOf)
  }

  /** Drop the cache when a source changed since the last call (a worker calls it once per batch). */
  refresh(): void {
    this.sinceRefresh = 0
    const now = this.sources.map((s) => s.generation())
    if (now.some((g, i) => g !== this.generations[i])) this.cache.clear()
    this.generations = now
  }

  private read(psnNo: string): readonly PersonVersion[] {
    // read-only from here on: a single source's array is kept as it is
    let out: PersonVersion[] = []
    for (const s of this.sources) {
      const vs = s.versions(psnNo)
      if (vs.length === 0) continue
      if (out.length === 0) { out = vs as PersonVersion[]; continue }
      const days = new Set(vs.map((v) => v.effectiveFrom))
      out = [...out.filter((v) => !days.has(v.effectiveFrom)), ...vs].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1))
    }
    return out
  }
}
