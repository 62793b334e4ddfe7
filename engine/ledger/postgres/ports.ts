// The reports and stays sides of a PostgreSQL ledger (reports-port.ts, stays-port.ts), composed over one PgLedger and
// its connection pool: what `serve` on a postgres:// URL hands to the month-end, special-case, credentials and
// national-gateway routes (server/app.ts options monthEnd / credentials / stays), and what the CLI's month-end,
// special-case, clearing and credentials commands use (engine/ledger/open-reports.ts). One set per ledger.
import type { CredentialsPort } from '../reports-port.js'
import type { StaysPort } from '../stays-port.js'
import type { PgLedger } from './ledger.js'
import { PgReports } from './reports.js'
import { PgStays } from './stays.js'

export interface PgLedgerPorts {
  readonly reports: PgReports
  readonly credentials: CredentialsPort
  readonly stays: StaysPort
}

const made = new WeakMap<PgLedger, PgLedgerPorts>()

/** The ledger's reports, credentials and stays ports (made once per ledger; `now`: the stays' clock, tests fix it). */
export function pgLedgerPorts(ledger: PgLedger, opts: { readonly now?: () => Date } = {}): PgLedgerPorts {
  let p = made.get(ledger)
  if (p === undefined) {
    p = { reports: new PgReports(ledger), credentials: ledger.credentials, stays: new PgStays(ledger, opts.now) }
    made.set(ledger, p)
  }
  return p
}
