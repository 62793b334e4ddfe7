// A person stored as ONE whole record (SPEC §11 persons): the tables file, the SQLite ledger and the PostgreSQL ledger
// all keep the JSON text of the Person type, written and read here and nowhere else. A field added to Person (and
// to persons.csv's reader) is stored and read back without a column or a line of code in any store.
import type { Person } from '../tables/types.js'

/** The stored text of a person (the Person object as JSON, keys in the object's own order). */
export function encodePerson(p: Person): string {
  return JSON.stringify(p)
}

/** A stored text back into the Person it was made from (written only by encodePerson: not re-validated). */
export function decodePerson(text: string): Person {
  return JSON.parse(text) as Person
}
