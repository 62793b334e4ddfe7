// The persons a command settles against (SPEC §11): the tables file's persons.csv copy, with the ledger's imported
// versions layered over it when the command has a SQLite ledger file. Tables built by hand (a Map of persons) are
// returned as they are. A PostgreSQL ledger's versions come with each person's history instead (snapshot.ts).
import { isPostgresUrl } from '../ledger/postgres/ledger.js'
import { LedgerPersons } from '../ledger/sqlite/persons.js'
import type { Tables } from '../tables/types.js'
import { StoredPersons } from './lookup.js'

export function withLedgerPersons(tables: Tables, ledgerFile: string | null | undefined): Tables {
  if (ledgerFile === null || ledgerFile === undefined || isPostgresUrl(ledgerFile) || !(tables.persons instanceof StoredPersons)) return tables
  return { ...tables, persons: tables.persons.over(new LedgerPersons(ledgerFile)) }
}

/** Look again at the persons' sources (an import since the last batch drops the cache). */
export function refreshPersons(tables: Tables): void {
  if (tables.persons instanceof StoredPersons) tables.persons.refresh()
}
