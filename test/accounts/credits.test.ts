// SPEC §15, seed 001: a month's personal account credits — 2 % of the contribution base in service, the policy's fixed
// sum for retirees, nothing for residents; and the statement's balance walk.
import { describe, expect, it } from 'vitest'
import { monthCredits } from '../../engine/accounts/credits.js'
import { accountStatement } from '../../engine/accounts/statement.js'
import { accountBalanceFen } from '../../engine/accounts/balance.js'
import { EMPTY_HISTORY } from '../../engine/history.js'
import type { Person } from '../../engine/tables/types.js'

const person = (psnNo: string, o: Partial<Person> = {}): Person => ({
  psnNo, insutype: '310', psnKind: 'in_service', poverty: false, assistance: false, city: '包头', acctBalanceFen: 0, brdy: null, ...o,
})
const RULE = { in_service_rate: 0.02, retired_monthly_yuan: 62.37 }

describe('monthCredits', () => {
  it('credits 2 % of the base, rounded half away from zero to the fen; retirees the fixed sum; residents nothing', () => {
    const out = monthCredits([
      // 6,543.21 × 0.02 = 130.8642 → 130.86
      person('A', { contributionBaseFen: 654_321 }),
      // 6,543.25 × 0.02 = 130.865 → 130.87 (half away from zero)
      person('B', { contributionBaseFen: 654_325 }),
      person('R', { psnKind: 'retired' }),
      person('Z', { insutype: '390', psnKind: 'resident', contributionBaseFen: 500_000 }),
      person('N'),
    ], RULE)
    expect(out.credits).toEqual([
      { psnNo: 'A', amountFen: 13_086, kind: 'in_service' },
      { psnNo: 'B', amountFen: 13_087, kind: 'in_service' },
      { psnNo: 'R', amountFen: 6_237, kind: 'retired' },
    ])
    // in service without a base: counted, not credited 0
    expect(out.withoutBase).toEqual(['N'])
  })
})

describe('accountBalanceFen', () => {
  it('is the opening balance plus the ledger\'s net movements, never below 0', () => {
    expect(accountBalanceFen(person('A', { acctBalanceFen: 1_000 }), EMPTY_HISTORY)).toBe(1_000)
    expect(accountBalanceFen(person('A', { acctBalanceFen: 1_000 }), { ...EMPTY_HISTORY, accountNetFen: () => -400 })).toBe(600)
    expect(accountBalanceFen(person('A', { acctBalanceFen: 1_000 }), { ...EMPTY_HISTORY, accountNetFen: () => -1_400 })).toBe(0)
  })
})

describe('accountStatement', () => {
  it('starts a year at the balance its earlier entries left, and lists that year only', () => {
    // opening 100.00; 2025-12 credit 50.00 → 150.00 at the start of 2026; 2026-01 credit 50.00 → 200.00;
    // a 2026-01-15 payment of 30.00 → 170.00; a 2027 credit is not in 2026's statement
    const p = person('A', { acctBalanceFen: 10_000 })
    const credits = [
      { month: '2025-12', amountFen: 5_000, kind: 'in_service' as const, creditedAt: 'x' },
      { month: '2026-01', amountFen: 5_000, kind: 'in_service' as const, creditedAt: 'x' },
      { month: '2027-01', amountFen: 5_000, kind: 'in_service' as const, creditedAt: 'x' },
    ]
    const payments = [{ setlId: 'S1', reverses: null, fixmedinsCode: 'H1', enddate: '2026-01-15', acctPaidFen: 3_000 }]
    const st = accountStatement(p, credits, payments, 2026)
    expect(st).toMatchObject({ year: 2026, opening_balance_yuan: 150, credits_yuan: 50, payments_yuan: 30, closing_balance_yuan: 170 })
    expect(st.entries).toEqual([
      { date: '2026-01-01', kind: 'credit', amount_yuan: 50, balance_yuan: 200, month: '2026-01' },
      { date: '2026-01-15', kind: 'payment', amount_yuan: -30, balance_yuan: 170, setl_id: 'S1', fixmedins_code: 'H1' },
    ])
    // the whole ledger: opening 100.00, closing 220.00
    expect(accountStatement(p, credits, payments, null)).toMatchObject({ opening_balance_yuan: 100, closing_balance_yuan: 220 })
  })
})
