// The accounts port (engine/ledger/accounts-port.ts) on the SQLite ledger file: table account_credits (schema.ts
// ACCOUNTS_SCHEMA_SQL). A month's credits are one write transaction (BEGIN IMMEDIATE): a person's row for the month
// either exists already (left as it is) or is inserted, so a second run, or two at once, credit each person once.
import type { Database as Db } from 'better-sqlite3'
import type { AccountCredit, AccountsPort, CreditEntry, CreditOutcome, PaymentEntry } from '../accounts-port.js'
import { inTransaction } from './append.js'

export function sqliteAccounts(db: Db, now: () => Date = () => new Date()): AccountsPort {
  const insert = db.prepare(`INSERT INTO account_credits (psn_no, month, amount_fen, kind, credited_at)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT (psn_no, month) DO NOTHING`)
  const credits = db.prepare(`SELECT month, amount_fen AS amountFen, kind, credited_at AS creditedAt
    FROM account_credits WHERE psn_no = ? ORDER BY month`)
  const payments = db.prepare(`SELECT setl_id AS setlId, reverses, fixmedins_code AS fixmedinsCode, enddate,
    acct_paid_fen AS acctPaidFen FROM settlements WHERE psn_no = ? AND acct_paid_fen <> 0 ORDER BY seq`)
  return {
    async creditMonth(month: string, list: readonly AccountCredit[]): Promise<CreditOutcome> {
      const at = now().toISOString()
      return inTransaction(db, () => {
        let credited = 0
        let creditedFen = 0
        for (const c of list) {
          if (insert.run(c.psnNo, month, c.amountFen, c.kind, at).changes === 1) {
            credited++
            creditedFen += c.amountFen
          }
        }
        return { credited, creditedFen, alreadyCredited: list.length - credited }
      })
    },
    async accountEntries(psnNo: string) {
      return { credits: credits.all(psnNo) as CreditEntry[], payments: payments.all(psnNo) as PaymentEntry[] }
    },
  }
}
