// SPEC §15, §3 step 7 — the personal account's balance, derived from the ledger: the opening balance (persons.csv
// `acct_balance_yuan`, the balance before the ledger's first entry) plus every monthly credit, minus every acct_pay
// (a reversal refunds its acct_pay). Read from the person's history snapshot, so the check that acct_pay never exceeds
// it is decided on the snapshot whose version the commit checks (engine/ledger/accounts-port.ts).
import type { History } from '../history.js'
import type { Person } from '../tables/types.js'

/** The balance a claim may spend, fen; never negative (a negative sum would be a broken ledger: nothing to spend). */
export function accountBalanceFen(person: Person, history: History): number {
  return Math.max(0, person.acctBalanceFen + history.accountNetFen(person.psnNo))
}
