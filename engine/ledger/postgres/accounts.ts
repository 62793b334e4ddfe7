// The accounts port (engine/ledger/accounts-port.ts) on the PostgreSQL ledger: table account_credits (schema.ts
// migration 2). A month's credits are ONE statement (INSERT … ON CONFLICT DO NOTHING RETURNING): atomic on its own,
// and a concurrent run of the same month waits on the primary key of each row the other inserts, then finds it and
// leaves it — each person credited once.
import type pg from 'pg'
import type { AccountCredit, AccountsPort, CreditEntry, CreditOutcome, PaymentEntry } from '../accounts-port.js'

const CREDIT_SQL = `INSERT INTO account_credits (psn_no, month, amount_fen, kind, credited_at)
  SELECT c.psn_no, $1, c.amount_fen, c.kind, $2 FROM unnest($3::text[], $4::bigint[], $5::text[]) AS c(psn_no, amount_fen, kind)
  ORDER BY c.psn_no
  ON CONFLICT (psn_no, month) DO NOTHING RETURNING amount_fen`
const CREDITS_SQL = `SELECT month, amount_fen AS "amountFen", kind, credited_at AS "creditedAt"
  FROM account_credits WHERE psn_no = $1 ORDER BY month`
const PAYMENTS_SQL = `SELECT setl_id AS "setlId", reverses, fixmedins_code AS "fixmedinsCode", enddate,
  acct_paid_fen AS "acctPaidFen" FROM settlements WHERE psn_no = $1 AND acct_paid_fen <> 0 ORDER BY seq`

export class PgAccounts implements AccountsPort {
  constructor(private readonly pool: pg.Pool, private readonly now: () => Date = () => new Date()) {}

  async creditMonth(month: string, list: readonly AccountCredit[]): Promise<CreditOutcome> {
    if (list.length === 0) return { credited: 0, creditedFen: 0, alreadyCredited: 0 }
    const r = await this.pool.query<{ amount_fen: number }>(CREDIT_SQL, [month, this.now().toISOString(),
      list.map((c) => c.psnNo), list.map((c) => c.amountFen), list.map((c) => c.kind)])
    let creditedFen = 0
    for (const row of r.rows) creditedFen += row.amount_fen
    return { credited: r.rows.length, creditedFen, alreadyCredited: list.length - r.rows.length }
  }

  async accountEntries(psnNo: string): Promise<{ readonly credits: readonly CreditEntry[]; readonly payments: readonly PaymentEntry[] }> {
    const [c, p] = await Promise.all([
      this.pool.query<CreditEntry>({ name: 'acct-credits', text: CREDITS_SQL, values: [psnNo] }),
      this.pool.query<PaymentEntry>({ name: 'acct-payments', text: PAYMENTS_SQL, values: [psnNo] }),
    ])
    return { credits: c.rows, payments: p.rows }
  }
}
