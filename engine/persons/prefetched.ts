// A ledger's persons read through an async port (PostgreSQL) for the engine's synchronous lookup: a claim's person is
// fetched before it is decided (`prepare`), kept in a bounded cache, and read from it by StoredPersons. The persons'
// generation is looked at once per chunk of claims (`refresh`): an import since drops the cache.
import { BoundedCache } from './cache.js'
import { PERSONS_CACHE_ENTRIES, type PersonsSource } from './lookup.js'
import type { PersonVersion } from './versions.js'

export interface AsyncPersons {
  personVersions(psnNo: string): Promise<readonly PersonVersion[]>
  generation(): Promise<number>
}

export class PrefetchedPersons implements PersonsSource {
  private readonly cache = new BoundedCache<string, readonly PersonVersion[]>(PERSONS_CACHE_ENTRIES)
  private gen = 0

  constructor(private readonly port: AsyncPersons) {}

  /** Fetch a person's versions unless cached (call before deciding the person's claim). */
  async prepare(psnNo: string): Promise<void> {
    if (psnNo === '' || this.cache.get(psnNo) !== undefined) return
    this.cache.set(psnNo, await this.port.personVersions(psnNo))
  }

  async refresh(): Promise<void> {
    const g = await this.port.generation()
    if (g !== this.gen) this.cache.clear()
    this.gen = g
  }

  versions(psnNo: string): readonly PersonVersion[] {
    return this.cache.get(psnNo) ?? []
  }

  generation(): number {
    return this.gen
  }
}
