// SPEC §15 personal accounts on both ledger backends: a month credited once (a second run changes nothing), the
// balance derived from the ledger (opening + credits − acct_pay, a reversal refunds) and read in the person's
// snapshot, so acct_pay never exceeds it — within a batch too (absorbed records). The PostgreSQL run needs
// DIPSETTLE_TEST_PG (fails in CI without it).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { accountStatement } from '../../engine/accounts/statement.js'
import type { AccountsPort } from '../../engine/ledger/accounts-port.js'
import { decide } from '../../engine/ledger/decide.js'
import { bodyHash } from '../../engine/ledger/hash.js'
import type { CommitOutcome } from '../../engine/ledger/outcome.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { sqliteAccounts } from '../../engine/ledger/sqlite/accounts.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import type { LedgerPort } from '../../engine/ledger/port.js'
import { C, H, P, POLICY, TABLES, claim, fee } from '../fixtures/claims.js'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'

vi.mock('../../engine/grouping/index.js', async () => (await import('../adjudicate/dip-mock.js')).dipMock)

const NOW = (): Date => new Date('2026-09-30T08:00:00Z')
const ENV = { tables: TABLES, policy: POLICY }

interface Backend { readonly port: LedgerPort; readonly accounts: AccountsPort; close(): Promise<void> }

/** 10 × 100 yuan of a 甲类 drug, 普通门诊 at the level-3 hospital, paid from the account when it can. */
const outpatient = (psn: string = P.WORKER) => claim({
  psn_no: psn, fixmedins_code: H.L3, med_type: '11', begndate: '2026-09-09', enddate: '2026-09-09',
  fees: [fee(C.JIA, 10, 100)], acct_used_flag: '1',
})

/** Decide the bodies against one snapshot of their person (a batch) and commit them in one transaction. */
async function settle(b: Backend, bodies: readonly unknown[]): Promise<{ acct: number[]; out: CommitOutcome[] }> {
  const psn = (bodies[0] as { psn_no: string }).psn_no
  const { history } = await b.port.readHistory(psn)
  const acct: number[] = []
  const records = bodies.map((body) => {
    const d = decide({ body, hash: bodyHash(body) }, history, undefined, ENV)
    if (d.kind !== 'record') throw new Error('not settled: ' + JSON.stringify(d.result.reasons))
    acct.push(d.result.setlinfo!.acct_pay)
    return d.record
  })
  return { acct, out: await b.port.commit(records) }
}

function suite(open: () => Promise<Backend>): void {
  let b: Backend
  beforeEach(async () => { b = await open() })
  afterEach(async () => { await b.close() })

  it('credits a month once: the second run changes nothing', async () => {
    const credits = [
      { psnNo: P.WORKER, amountFen: 20_000, kind: 'in_service' as const },
      { psnNo: P.RETIRED, amountFen: 6_000, kind: 'retired' as const },
    ]
    expect(await b.accounts.creditMonth('2026-01', credits)).toEqual({ credited: 2, creditedFen: 26_000, alreadyCredited: 0 })
    expect(await b.accounts.creditMonth('2026-01', credits)).toEqual({ credited: 0, creditedFen: 0, alreadyCredited: 2 })
    // a person added since is credited alone
    const more = [...credits, { psnNo: P.RICH_ACCT, amountFen: 100, kind: 'in_service' as const }]
    expect(await b.accounts.creditMonth('2026-01', more)).toEqual({ credited: 1, creditedFen: 100, alreadyCredited: 2 })
    expect((await b.accounts.accountEntries(P.WORKER)).credits).toEqual([
      { month: '2026-01', amountFen: 20_000, kind: 'in_service', creditedAt: '2026-09-30T08:00:00.000Z' },
    ])
    const { history } = await b.port.readHistory(P.WORKER)
    expect(history.accountNetFen(P.WORKER)).toBe(20_000)
  })

  it('two runs of one month at once credit each person once', async () => {
    const credits = Array.from({ length: 50 }, (_, i) => ({ psnNo: `PX${i}`, amountFen: 100 + i, kind: 'in_service' as const }))
    const [x, y] = await Promise.all([b.accounts.creditMonth('2026-03', credits), b.accounts.creditMonth('2026-03', credits)])
    expect(x!.credited + y!.credited).toBe(50)
    expect(x!.creditedFen + y!.creditedFen).toBe(50 * 100 + (49 * 50) / 2)
  })

  it('acct_pay never exceeds opening + credits − acct_pay; a reversal refunds', async () => {
    // P.WORKER (in service) opens with 1,000.00 yuan; credit 200.00 (2 % of a 10,000.00 base) → 1,200.00.
    // Outpatient 310 at level 3: deductible 300, ratio 0.5. Claim 1: in scope 1,000 → fund 0.5 × 700 = 350,
    // personal 650 → acct 650 (left 550). Claim 2 (deductible used): fund 500, personal 500 → acct 500 (left 50).
    // Claim 3, in the same batch as claim 2 (decided on the snapshot that absorbed it): acct min(50, 500) = 50.
    await b.accounts.creditMonth('2026-01', [{ psnNo: P.WORKER, amountFen: 20_000, kind: 'in_service' }])
    const one = await settle(b, [outpatient()])
    expect(one.acct).toEqual([650])
    expect(one.out.map((o) => o.status)).toEqual(['settled'])
    const two = await settle(b, [outpatient(), outpatient()])
    expect(two.acct).toEqual([500, 50])
    expect(two.out.map((o) => o.status)).toEqual(['settled', 'settled'])
    // nothing left: claim 4 pays all 500 in cash
    expect((await settle(b, [outpatient()])).acct).toEqual([0])
    // February's credit: 200.00 more; reversing claim 3 refunds its 50.00 → 250.00
    await b.accounts.creditMonth('2026-02', [{ psnNo: P.WORKER, amountFen: 20_000, kind: 'in_service' }])
    const third = two.out[1] as { setlId: string }
    await b.port.reverse({ setlId: third.setlId, msgid: 'R' + third.setlId, bodyHash: 'r' })
    const { history } = await b.port.readHistory(P.WORKER)
    // 20,000 + 20,000 − (65,000 + 50,000 + 5,000 − 5,000) = −75,000 fen; with the opening 100,000 → 25,000
    expect(history.accountNetFen(P.WORKER)).toBe(-75_000)
    const { credits, payments } = await b.accounts.accountEntries(P.WORKER)
    const st = accountStatement(TABLES.persons.get(P.WORKER)!, credits, payments, 2026)
    expect(st).toMatchObject({ opening_balance_yuan: 1000, credits_yuan: 400, payments_yuan: 1150, closing_balance_yuan: 250 })
    expect(st.entries.map((e) => [e.date, e.kind, e.amount_yuan, e.balance_yuan])).toEqual([
      ['2026-01-01', 'credit', 200, 1200], ['2026-02-01', 'credit', 200, 1400],
      ['2026-09-09', 'payment', -650, 750], ['2026-09-09', 'payment', -500, 250], ['2026-09-09', 'payment', -50, 200],
      ['2026-09-09', 'refund', 50, 250],
    ])
  })
}

describe('personal accounts on SQLite', () => suite(async () => {
  const tmp = tempDir()
  const l = new SqliteLedger(tmp.file('ledger.sqlite'), { now: NOW })
  return { port: l.port(), accounts: sqliteAccounts(l.db, NOW), close: async () => { l.close(); tmp.cleanup() } }
}))

describePg('personal accounts on PostgreSQL', (url) => suite(async () => {
  const db = await freshDatabase(url, 'acct')
  const l = await PgLedger.open(db.url, { now: NOW })
  return { port: l, accounts: l.accounts, close: async () => { await l.close(); await db.drop() } }
}))
