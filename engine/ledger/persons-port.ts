// The persons port (SPEC §11 persons): insured persons kept beside the ledger — in the SQLite ledger file, or in the
// PostgreSQL ledger database — with effective dates, one whole record each (engine/persons/codec.ts). Imported in
// batches by `dipsettle persons import`; read by psn_no (the primary key's first column) for a settlement, which uses
// the version in force on its enddate (engine/persons/versions.ts). SQLite: sqlite/persons.ts; PostgreSQL:
// postgres/persons.ts.
import type { Person } from '../tables/types.js'
import type { PersonVersion } from '../persons/versions.js'

/** One person to store, in force from `effectiveFrom` (YYYY-MM-DD). */
export interface PersonImportRow {
  readonly effectiveFrom: string
  readonly person: Person
}

export interface PersonsBatchOutcome {
  /** Rows inserted, or whose stored record differed and was replaced. */
  readonly changed: number
  /** Rows already stored with exactly this record (a re-import changes nothing: idempotent). */
  readonly unchanged: number
}

export interface PersonsPort {
  /**
   * Store a batch in ONE transaction: each (psn_no, effective_from) inserted, or its record replaced when it differs.
   * A batch that changed something is logged (person_imports) under `source`, moving the persons' generation.
   */
  importPersons(rows: readonly PersonImportRow[], source: string): Promise<PersonsBatchOutcome>
  /** Every stored version of a person, ascending effective date (empty: not stored here). */
  personVersions(psnNo: string): Promise<readonly PersonVersion[]>
  /** Distinct persons stored. */
  personsCount(): Promise<number>
  /**
   * Every stored person's version in force on `asOf` (YYYY-MM-DD), in psn_no order (bytewise), streamed in pages: a
   * person whose versions all begin later is not listed (`accounts credit`, engine/persons/in-force.ts).
   */
  personsInForce(asOf: string): AsyncIterable<Person>
}
