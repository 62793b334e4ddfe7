// What the month-end, special-case and credentials routes and the national gateway need of a PostgreSQL ledger
// (SPEC §11, §12): the AppOptions (server/app.ts) that replace their SQLite defaults. `serve` on a postgres:// URL
// spreads this into buildApp's options: `buildApp({ …, ...pgAppPorts(pgLedger, tables, policy) })`.
import type { PgLedger } from '../engine/ledger/postgres/ledger.js'
import { pgLedgerPorts } from '../engine/ledger/postgres/ports.js'
import type { Policy } from '../engine/policy/types.js'
import type { Tables } from '../engine/tables/types.js'
import type { AppOptions } from './app.js'
import { CredentialStore } from './auth/credentials.js'
import { monthEndPort } from './month-end-port.js'

export function pgAppPorts(ledger: PgLedger, tables: Tables, policy: Policy): Required<Pick<AppOptions, 'monthEnd' | 'credentials' | 'stays'>> {
  const ports = pgLedgerPorts(ledger)
  return {
    monthEnd: monthEndPort(ports.reports, tables, policy),
    credentials: new CredentialStore(ports.credentials),
    stays: ports.stays,
  }
}
