// The accounts, clearing and per-capita ports of an opened ledger, whichever its backend (open.ts): SQLite on the file's own connection,
// PostgreSQL on the ledger's pool.
import type { AccountsPort } from './accounts-port.js'
import type { ClearingPort } from './clearing-port.js'
import { sqliteClearing } from './sqlite/clearing.js'
import type { PerCapitaPort } from './percapita-port.js'
import { sqlitePerCapita } from './sqlite/percapita.js'
import type { OpenedLedger } from './open.js'
import { sqliteAccounts } from './sqlite/accounts.js'
import type { PersonsPort } from './persons-port.js'
import { SqlitePersons } from './sqlite/persons.js'

export function accountsOf(o: OpenedLedger): AccountsPort {
  return o.kind === 'sqlite' ? sqliteAccounts(o.ledger.db) : o.ledger.accounts
}

export function clearingOf(o: OpenedLedger): ClearingPort {
  return o.kind === 'sqlite' ? sqliteClearing(o.ledger.db) : o.ledger.clearing
}

export function perCapitaOf(o: OpenedLedger): PerCapitaPort {
  return o.kind === 'sqlite' ? sqlitePerCapita(o.ledger.db) : o.ledger.perCapita
}

/** The persons port (SPEC §11) of an opened ledger. */
export function personsOf(o: OpenedLedger): PersonsPort {
  return o.kind === 'sqlite' ? new SqlitePersons(o.ledger.db) : o.ledger.persons
}

export async function closeOpened(o: OpenedLedger): Promise<void> {
  if (o.kind === 'sqlite') o.ledger.close()
  else await o.ledger.close()
}
