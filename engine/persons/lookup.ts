// The one way the engine reads an insured person (SPEC §11 persons): `get(psnNo, asOf)` — the version in force on
// the claim's enddate. Persons are not held in memory: a lookup reads them from where they are stored (the ledger's
// persons, over the tables file's persons.csv copy) through a small bounded cache, so a worker's memory does not
// grow with the insured count. A plain Map<string, Person> is a PersonsLookup too (hand-built tables in tests).
import type { Person } from '../tables/types.js'
import { BoundedCache } from './cache.js'
import { layerVersions, versionAsOf, type PersonVersion } from './versions.js'

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
  /** A person whose ledger versions came with their history (`whileDeciding`): layered over the sources' own. */
  private deciding: { readonly psnNo: string; readonly imported: readonly PersonVersion[]; layered?: readonly PersonVersion[] } | undefined

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
    const d = this.deciding
    if (d !== undefined && d.psnNo === psnNo) return versionAsOf(d.layered ??= layerVersions(this.versionsOf(psnNo), d.imported), asOf)
    return versionAsOf(this.versionsOf(psnNo), asOf)
  }

  /**
   * Run `decide` (synchronous: nothing else runs meanwhile) with `imported` — the person's ledger versions, read with
   * their history in the same statement (PostgreSQL) — layered over this lookup's sources for that person.
   */
  whileDeciding<T>(psnNo: string, imported: readonly PersonVersion[], decide: () => T): T {
    if (this.deciding !== undefined) throw new Error(`persons: deciding ${psnNo} while deciding ${this.deciding.psnNo}`)
    this.deciding = { psnNo, imported }
    try {
      return decide()
    } finally {
      this.deciding = undefined
    }
  }

  /** A person's versions from every source, layered (ascending effectiveFrom; empty when unknown). */
  versionsOf(psnNo: string): readonly PersonVersion[] {
    if (++this.sinceRefresh >= PERSONS_REFRESH_EVERY) this.refresh()
    let versions = this.cache.get(psnNo)
    if (versions === undefined) {
      versions = this.read(psnNo)
      this.cache.set(psnNo, versions)
    }
    return versions
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
    let out: readonly PersonVersion[] = []
    for (const s of this.sources) out = layerVersions(out, s.versions(psnNo))
    return out
  }
}
