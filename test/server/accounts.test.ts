// SPEC §15: GET /v1/persons/:psn_no/account?year=YYYY — the personal account statement derived from the ledger; a
// hospital sees its own settlements' ids only, the admin everything; a credential needed; bad query refused.
import { afterEach, describe, expect, it } from 'vitest'
import { sqliteAccounts } from '../../engine/ledger/sqlite/accounts.js'
import type { Settlement } from '../../engine/result.js'
import { H1, H2, bearer, claimBody, fakeAdjudicate, fakeTables, demoPolicy, makeWorld, type World } from './fixtures.js'

let w: World | undefined
afterEach(async () => {
  await w?.close()
  w = undefined
})

/** The fake's settlement of a 125.00 yuan claim with `acctFen` of the patient's 50.00 paid from the account. */
function paidFromAccount(hospital: string, seq: number, acctFen: number): Settlement {
  const policy = demoPolicy()
  const o = fakeAdjudicate(claimBody(hospital, seq, { enddate: '2026-10-21' }), { tables: fakeTables(policy), policy, history: {} as never })
  if (o.status !== 'ok') throw new Error('fixture rejected')
  const s = o.settlement
  return {
    ...s,
    setlinfo: { ...s.setlinfo, acct_pay_fen: acctFen, psn_cash_pay_fen: s.setlinfo.psn_part_amt_fen - acctFen },
    accum: { ...s.accum, acct_paid_fen: acctFen },
  }
}

describe('GET /v1/persons/:psn_no/account', () => {
  it('lists the year\'s credits and payments with the running balance; another hospital\'s payment without its ids', async () => {
    w = await makeWorld()
    // opening 0; credit 100.00 (2026-09); H1 pays 30.00, H2 pays 20.00 (2026-10-21) → 50.00
    await sqliteAccounts(w.ledger.db).creditMonth('2026-09', [{ psnNo: 'P0001', amountFen: 10_000, kind: 'in_service' }])
    expect(w.ledger.record(paidFromAccount(H1, 1, 3_000), 'a').status).toBe('settled')
    expect(w.ledger.record(paidFromAccount(H2, 2, 2_000), 'b').status).toBe('settled')
    const url = '/v1/persons/P0001/account?year=2026'
    const asH1 = await w.app.inject({ url, headers: bearer(w.tokens.h1) })
    expect(asH1.statusCode).toBe(200)
    expect(asH1.json()).toEqual({
      psn_no: 'P0001', year: 2026, opening_balance_yuan: 0, credits_yuan: 100, payments_yuan: 50, closing_balance_yuan: 50,
      entries: [
        { date: '2026-09-01', kind: 'credit', amount_yuan: 100, balance_yuan: 100, month: '2026-09' },
        { date: '2026-10-21', kind: 'payment', amount_yuan: -30, balance_yuan: 70, setl_id: 'S000000000001', fixmedins_code: H1 },
        { date: '2026-10-21', kind: 'payment', amount_yuan: -20, balance_yuan: 50 },
      ],
    })
    const asAdmin = (await w.app.inject({ url, headers: bearer(w.tokens.admin) })).json()
    expect(asAdmin.entries[2]).toEqual({ date: '2026-10-21', kind: 'payment', amount_yuan: -20, balance_yuan: 50, setl_id: 'S000000000002', fixmedins_code: H2 })
    // another year: 2027 opens at 50.00, nothing in it
    expect((await w.app.inject({ url: '/v1/persons/P0001/account?year=2027', headers: bearer(w.tokens.h1) })).json())
      .toMatchObject({ opening_balance_yuan: 50, closing_balance_yuan: 50, entries: [] })
  })

  it('needs a credential, knows the person, and refuses a bad or unknown query key', async () => {
    w = await makeWorld()
    expect((await w.app.inject({ url: '/v1/persons/P0001/account?year=2026' })).statusCode).toBe(401)
    const unknown = await w.app.inject({ url: '/v1/persons/NOPE/account?year=2026', headers: bearer(w.tokens.h1) })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toMatchObject({ code: 'E_UNKNOWN_PERSON', field: 'psn_no' })
    expect((await w.app.inject({ url: '/v1/persons/P0001/account?year=26', headers: bearer(w.tokens.h1) })).statusCode).toBe(400)
    expect((await w.app.inject({ url: '/v1/persons/P0001/account?year=2026&x=1', headers: bearer(w.tokens.h1) })).statusCode).toBe(400)
  })
})
