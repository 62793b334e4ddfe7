// Every insured person in force on a day (SPEC §11, §15): the tables file's persons (persons.csv of the sources, in
// force from the beginning) with the ledger's imported versions layered over them — a person's ledger version in
// force that day wins, else their tables version — merged in psn_no order, streamed: `accounts credit` credits the
// accounts of the persons of the month, not only those of the tables file.
import type { PersonsPort } from '../ledger/persons-port.js'
import type { Person, Tables } from '../tables/types.js'

export async function* personsInForce(tables: Tables, ledger: PersonsPort, asOf: string): AsyncGenerator<Person> {
  const base = sortedBase(tables)
  let b = base.next()
  for await (const p of ledger.personsInForce(asOf)) {
    for (; !b.done && b.value.psnNo < p.psnNo; b = base.next()) yield b.value
    if (!b.done && b.value.psnNo === p.psnNo) b = base.next()
    yield p
  }
  for (; !b.done; b = base.next()) yield b.value
}

/** The tables' persons in psn_no order (a file's are listed so; a Map built by hand is sorted here). */
function sortedBase(tables: Tables): Iterator<Person> {
  if (tables.persons instanceof Map) return [...tables.persons.values()].sort((x, y) => (x.psnNo < y.psnNo ? -1 : 1))[Symbol.iterator]()
  return tables.persons.values()[Symbol.iterator]()
}
