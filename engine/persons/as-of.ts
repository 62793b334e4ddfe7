// A person as of a day outside a settlement (SPEC §11 persons): the persons routes, national 1101 (人员信息获取) and
// the check of 2401/2201 (who may open a visit) read the version in force on that day — today, or the day asked —
// never merely the newest one (a version effective tomorrow is not yet the person). The same on both backends: the
// tables' lookup (which on SQLite already layers the ledger file's versions) and, on PostgreSQL, the ledger's
// versions read by psn_no, layered over it as a settlement layers them (snapshot.ts).
import type { Person, Tables } from '../tables/types.js'
import { StoredPersons } from './lookup.js'
import { BASE_EFFECTIVE_FROM, layerVersions, versionAsOf, type PersonVersion } from './versions.js'

/** A PostgreSQL ledger's versions of a person (ascending; PgPersons.personVersions). */
export type LedgerVersions = (psnNo: string) => Promise<readonly PersonVersion[]>

/** The person in force on `asOf` (YYYY-MM-DD); undefined when not insured then. */
export type PersonAsOf = (psnNo: string, asOf: string) => Promise<Person | undefined>

export function personAsOf(tables: Tables, ledger: LedgerVersions | undefined): PersonAsOf {
  const persons = tables.persons
  if (ledger === undefined) return (psnNo, asOf) => Promise.resolve(persons.get(psnNo, asOf))
  return async (psnNo, asOf) => {
    const imported = await ledger(psnNo)
    return versionAsOf(layerVersions(tablesVersions(tables, psnNo), imported), asOf)
  }
}

/** The tables' versions of a person (a Map of persons built by hand: its one person, from the beginning). */
function tablesVersions(tables: Tables, psnNo: string): readonly PersonVersion[] {
  if (tables.persons instanceof StoredPersons) return tables.persons.versionsOf(psnNo)
  const p = tables.persons.get(psnNo)
  return p === undefined ? [] : [{ effectiveFrom: BASE_EFFECTIVE_FROM, person: p }]
}

/** YYYY-MM-DD of `d` in China time (UTC+8): the region's "today". */
export function chinaDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

/** The day a year's figures read the person as of: today within or before the year's end, else the year's last day. */
export function dayOfYear(year: number, today: string): string {
  const last = `${String(year).padStart(4, '0')}-12-31`
  return today < last ? today : last
}

/**
 * A person's figures for a year (`year`: YYYY as asked, else this year in China time): the year and the person in
 * force today, or on the asked year's last day (SPEC §11) — insutype and insuring region of that day.
 */
export async function personOfYear(asOf: PersonAsOf, psnNo: string, year: string | undefined, now: Date): Promise<{ year: number; person: Person | undefined }> {
  const today = chinaDay(now)
  const y = Number(year ?? today.slice(0, 4))
  return { year: y, person: await asOf(psnNo, dayOfYear(y, today)) }
}
