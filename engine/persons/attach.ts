// The persons a command settles against (SPEC §11): the tables file's persons.csv copy, with the ledger's imported
// versions layered over it when the command has a SQLite ledger file. Tables built by hand (a Map of persons) are
// returned as they are. A PostgreSQL ledger's versions come with each person's history instead (snapshot.ts).
import type { Database } from 'better-sqlite3'
import { LedgerPersons } from '../ledger/sqlite/persons.js'
import type { Tables } from '../tables/types.js'
import { StoredPersons } from './lookup.js'

/** `connection`: the ledger file's connection the command already has open (read on it, not on one of their own). */
export function withLedgerPersons(tables: Tables, ledgerFile: string | null | undefined, connection?: Database): Tables {
  if (ledgerFile === null || ledgerFile === undefined || isUrl(ledgerFile) || !(tables.persons instanceof StoredPersons)) return tables
  return { ...tables, persons: tables.persons.over(new LedgerPersons(ledgerFile, connection)) }
}

/**
 * A URL (postgres://…), not a ledger file. Checked here by its scheme rather than with the PostgreSQL ledger's own
 * test so that a SQLite worker never loads the PostgreSQL driver and its modules.
 */
function isUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target)
}

/** Look again at the persons' sources (an import since the last batch drops the cache). */
export function refreshPersons(tables: Tables): void {
  if (tables.persons instanceof StoredPersons) tables.persons.refresh()
}
