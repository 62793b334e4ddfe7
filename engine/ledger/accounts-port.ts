// The personal accounts side of the ledger (SPEC §15, seed 001 个人账户): the monthly credits, recorded once per
// person and month, and the entries a statement lists. Promise-returning like the other ports; SQLite in
// sqlite/accounts.ts, PostgreSQL in postgres/accounts.ts, both on the table `account_credits` (schema.ts
// ACCOUNTS_SCHEMA_SQL, postgres/schema.ts migration 2).
//
// The balance a claim may spend is NOT read here: it is part of the person's history snapshot (history.ts
// PersonHistoryData.accountCreditsFen, read with the version by LedgerPort.readHistory), so the acct_pay check is
// decided on the same snapshot the commit's version check guards. Credits never bump the person's version: a credit
// only raises the balance, so a claim decided before it spent no more than it had.

/** One person's credit for a month (engine/accounts/credits.ts computes them). */
export interface AccountCredit {
  readonly psnNo: string
  readonly amountFen: number
  /** in_service: rate × contribution base; retired: the policy's fixed sum. */
  readonly kind: 'in_service' | 'retired'
}

/** What crediting a month did: persons credited now, persons whose credit for the month was already recorded. */
export interface CreditOutcome {
  readonly credited: number
  readonly creditedFen: number
  readonly alreadyCredited: number
}

/** A recorded credit. */
export interface CreditEntry {
  readonly month: string
  readonly amountFen: number
  readonly kind: 'in_service' | 'retired'
  readonly creditedAt: string
}

/** A settlement or reversal that moved the account (acct_paid_fen: positive spends, a reversal's negative refunds). */
export interface PaymentEntry {
  readonly setlId: string
  readonly reverses: string | null
  readonly fixmedinsCode: string
  readonly enddate: string
  readonly acctPaidFen: number
}

export interface AccountsPort {
  /**
   * Record each credit unless the person's credit for `month` is already recorded (then it is left as it was): one
   * transaction, so a second run of a month changes nothing, and two runs at once credit each person once.
   */
  creditMonth(month: string, credits: readonly AccountCredit[]): Promise<CreditOutcome>
  /** The person's credits (month order) and the settlements that paid from or refunded to the account (append order). */
  accountEntries(psnNo: string): Promise<{ readonly credits: readonly CreditEntry[]; readonly payments: readonly PaymentEntry[] }>
}
