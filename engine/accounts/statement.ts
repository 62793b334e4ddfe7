// SPEC §15 — a person's account statement (CLI `accounts statement`, GET /v1/persons/:psn_no/account): the entries of
// a year (or of the whole ledger) in date order, with the balance before and after. The opening balance is persons.csv
// `acct_balance_yuan`; a credit is dated the first day of its month; a payment its settlement's enddate (a reversal
// refunds on the original's enddate: the row carries the original's dates, schema.ts).
import type { CreditEntry, PaymentEntry } from '../ledger/accounts-port.js'
import { fenToYuan } from '../money.js'
import type { Person } from '../tables/types.js'

export interface StatementEntry {
  readonly date: string
  readonly kind: 'credit' | 'payment' | 'refund'
  /** Signed: a credit or refund adds, a payment subtracts. */
  readonly amount_yuan: number
  readonly balance_yuan: number
  readonly month?: string
  readonly setl_id?: string
  readonly fixmedins_code?: string
}

export interface AccountStatement {
  readonly psn_no: string
  readonly year: number | null
  readonly opening_balance_yuan: number
  readonly credits_yuan: number
  readonly payments_yuan: number
  readonly closing_balance_yuan: number
  readonly entries: readonly StatementEntry[]
}

interface Dated { readonly date: string; readonly order: number; readonly fen: number; readonly entry: Omit<StatementEntry, 'balance_yuan'> }

export function accountStatement(person: Person, credits: readonly CreditEntry[], payments: readonly PaymentEntry[],
  year: number | null): AccountStatement {
  const all: Dated[] = []
  credits.forEach((c, i) => all.push({
    date: `${c.month}-01`, order: i, fen: c.amountFen,
    entry: { date: `${c.month}-01`, kind: 'credit', amount_yuan: fenToYuan(c.amountFen), month: c.month },
  }))
  payments.forEach((p, i) => all.push({
    date: p.enddate, order: credits.length + i, fen: -p.acctPaidFen,
    entry: {
      date: p.enddate, kind: p.acctPaidFen > 0 ? 'payment' : 'refund', amount_yuan: fenToYuan(-p.acctPaidFen),
      setl_id: p.setlId, fixmedins_code: p.fixmedinsCode,
    },
  }))
  // a day's credit comes before its payments (credits are dated the 1st, and spent from that day)
  all.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order))
  let balance = person.acctBalanceFen
  let opening = balance
  let creditsFen = 0
  let paymentsFen = 0
  const entries: StatementEntry[] = []
  for (const d of all) {
    const y = Number(d.date.slice(0, 4))
    if (year !== null && y < year) { balance += d.fen; opening = balance; continue }
    if (year !== null && y > year) break
    balance += d.fen
    if (d.fen >= 0 && d.entry.kind === 'credit') creditsFen += d.fen
    else paymentsFen -= d.fen
    entries.push({ ...d.entry, balance_yuan: fenToYuan(balance) })
  }
  return {
    psn_no: person.psnNo, year, opening_balance_yuan: fenToYuan(opening), credits_yuan: fenToYuan(creditsFen),
    payments_yuan: fenToYuan(paymentsFen), closing_balance_yuan: fenToYuan(balance), entries,
  }
}
