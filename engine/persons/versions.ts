// Effective dates (SPEC §11 persons): a person is a list of versions, each effective from a day (YYYY-MM-DD) until
// the next one; a settlement uses the version in force on its `enddate`.
import type { Person } from '../tables/types.js'

export interface PersonVersion {
  /** YYYY-MM-DD; the region's sources (persons.csv in the tables) are effective from BASE_EFFECTIVE_FROM. */
  readonly effectiveFrom: string
  readonly person: Person
}

/** The effective date of a person read from the tables file (persons.csv of the sources): before any real date. */
export const BASE_EFFECTIVE_FROM = '0000-01-01'

/**
 * The version in force on `asOf` (YYYY-MM-DD) among `versions` (ascending effectiveFrom): the last one effective on
 * or before it; the newest one when `asOf` is not given. ISO dates compare as text.
 */
export function versionAsOf(versions: readonly PersonVersion[], asOf: string | undefined): Person | undefined {
  if (asOf === undefined) return versions[versions.length - 1]?.person
  let found: Person | undefined
  for (const v of versions) {
    if (v.effectiveFrom > asOf) break
    found = v.person
  }
  return found
}

/**
 * `upper`'s versions layered over `lower`'s (both ascending): the union, `upper`'s version replacing `lower`'s of the
 * same day (the ledger's imported versions over the tables file's). An empty side returns the other as it is.
 */
export function layerVersions(lower: readonly PersonVersion[], upper: readonly PersonVersion[]): readonly PersonVersion[] {
  if (upper.length === 0) return lower
  if (lower.length === 0) return upper
  const days = new Set(upper.map((v) => v.effectiveFrom))
  return [...lower.filter((v) => !days.has(v.effectiveFrom)), ...upper].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1))
}
