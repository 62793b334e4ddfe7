// SPEC §6: the point value divides by the month's ACTUAL reimbursement ratio (Σ hifp_pay ÷ Σ medfee_sumamt of its
// DIP discharges, reversals netted) unless the policy fixes one; a closed run states the payment due date.
import { describe, expect, it } from 'vitest'
import { addWorkingDays } from '../../engine/settlement/due-date.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import type { MonthEndReport } from '../../engine/settlement/types.js'
import { fen, testPolicy, testTables, TestLedger } from './fixtures.js'

const H1 = 'H00000000001'
const H2 = 'H00000000002'
const H3 = 'H00000000003'

function ok(o: Awaited<ReturnType<typeof settleMonth>>): MonthEndReport {
  if (o.status !== 'ok') throw new Error(JSON.stringify(o))
  return o.report
}

const actual = () => testPolicy((p) => { delete (p.month_end as { reimbursement_ratio?: unknown }).reimbursement_ratio })

describe('the actual reimbursement ratio (SPEC §6)', () => {
  it('divides the budget by Σ hifp_pay ÷ Σ medfee_sumamt of the month, reversals netted', async () => {
    const policy = actual()
    const l = new TestLedger(':memory:')
    l.discharge({ code: H1, enddate: '2026-10-03', points: 1000, medfeeYuan: 10_000, hifpYuan: 6_000 })
    l.discharge({ code: H2, enddate: '2026-10-04', points: 3000, medfeeYuan: 20_000, hifpYuan: 12_000 })
    l.reverse(l.discharge({ code: H1, enddate: '2026-10-05', points: 9000, medfeeYuan: 50_000, hifpYuan: 40_000 }))
    const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(24_000), close: false }))
    // ratio 18,000 ÷ 30,000 = 0.6 (the reversed 40,000 / 50,000 nets out); 24,000 ÷ 0.6 = 40,000 yuan over
    // 4,000 points = 10 yuan per point: H1 10,000, H2 30,000
    expect(r).toMatchObject({ ratio_source: 'actual', reimbursement_ratio: 0.6, reimbursement_ratio_exact: '1800000/3000000',
      budget_yuan: 24_000, total_points: 4000, dip_total_yuan: 40_000, point_value_yuan: 10 })
    expect(r.hospitals.map((h) => [h.fixmedins_code, h.dip_amount_yuan])).toEqual([[H1, 10_000], [H2, 30_000]])
  })

  it('spends the budget ÷ the actual ratio to the fen (the issue\'s 0.645), not ÷ the policy\'s 0.7', async () => {
    const policy = actual()
    const l = new TestLedger(':memory:')
    for (const code of [H1, H2, H3]) l.discharge({ code, enddate: '2026-10-09', points: 1000, medfeeYuan: 10_000, hifpYuan: 6_450 })
    const r = ok(await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(10_000), close: false }))
    // ratio 19,350 ÷ 30,000 = 0.645; 10,000 ÷ 0.645 = 15,503.875968… → 15,503.88 yuan (1,550,388 fen, rounded once),
    // 516,796 fen to each of three equal hospitals; point value 15,503.875968 ÷ 3,000 = 5.167959 shown
    expect(r.reimbursement_ratio).toBe(0.645)
    expect(r.dip_total_yuan).toBe(15_503.88)
    expect(r.hospitals.map((h) => h.dip_amount_yuan)).toEqual([5_167.96, 5_167.96, 5_167.96])
    expect(r.hospitals.reduce((a, h) => a + fen(h.dip_amount_yuan), 0)).toBe(1_550_388)
    expect(r.point_value_yuan).toBe(5.167959)
    // the policy fixing 0.7 instead: 10,000 ÷ 0.7 = 14,285.71
    const fixed = testPolicy((p) => { p.month_end.reimbursement_ratio['390'] = 0.7 })
    const f = ok(await settleMonth(l, testTables(fixed), fixed, { month: '2026-10', pool: '390', budgetFen: fen(10_000), close: false }))
    expect(f).toMatchObject({ ratio_source: 'policy', reimbursement_ratio: 0.7, dip_total_yuan: 14_285.71 })
  })

  it('a month without fund payment has no actual ratio: invalid, naming the policy key to set', async () => {
    const policy = actual()
    const l = new TestLedger(':memory:')
    const o = await settleMonth(l, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(100), close: false })
    expect(o).toMatchObject({ status: 'invalid', code: 'E_MONTH_ARGS', field: 'reimbursement_ratio' })
  })
})

describe('payment due date (SPEC §6, seed 001: 20 working days)', () => {
  const calendar = {
    holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
    working_weekend_days: ['2026-10-10'],
  }

  it('counts working days after the close on the calendar: holidays skipped, a worked Saturday counted', () => {
    // closed Monday 2026-09-28: Sep 29, 30 (2); Oct 1–7 holidays; Oct 8, 9 (4); Sat Oct 10 worked (5); Oct 12–16 (10),
    // 19–23 (15), 26–30 (20) → 2026-10-30
    expect(addWorkingDays('2026-09-28', 20, calendar)).toBe('2026-10-30')
    // weekends only: four weeks → Monday 2026-10-26
    expect(addWorkingDays('2026-09-28', 20, undefined)).toBe('2026-10-26')
    // a close on Friday: the next working day is Monday
    expect(addWorkingDays('2026-10-16', 1, calendar)).toBe('2026-10-19')
  })

  it('a closed run states each hospital\'s due date; a draft states none', async () => {
    const policy = testPolicy((p) => {
      (p.month_end as Record<string, unknown>)['payment_due_working_days'] = 20
      ;(p as Record<string, unknown>)['calendar'] = calendar
    })
    const l = new TestLedger(':memory:')
    l.discharge({ code: H1, enddate: '2026-08-20', points: 1000, medfeeYuan: 10_000, hifpYuan: 6_000 })
    l.discharge({ code: H2, enddate: '2026-08-21', points: 1000, medfeeYuan: 10_000, hifpYuan: 6_000 })
    const opts = { month: '2026-08', pool: '390', budgetFen: fen(14_000), now: () => new Date('2026-09-28T09:30:00Z') } as const
    const draft = ok(await settleMonth(l, testTables(policy), policy, { ...opts, close: false }))
    expect(draft.payment_due_date).toBeUndefined()
    expect(draft.hospitals.every((h) => h.payment_due_date === undefined)).toBe(true)
    const closed = ok(await settleMonth(l, testTables(policy), policy, { ...opts, close: true }))
    expect(closed.payment_due_date).toBe('2026-10-30')
    expect(closed.hospitals.map((h) => h.payment_due_date)).toEqual(['2026-10-30', '2026-10-30'])
  })
})

describe('policy keys of month-end (additive)', () => {
  it('the calendar, the due term, the quota minimum and episode_points are validated naming the path', async () => {
    const { validatePolicy } = await import('../../engine/policy/validate.js')
    const { POLICY_DOC } = await import('./fixtures.js')
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a policy document patched into bad shapes on purpose
    type Doc = any
    const with_ = (patch: (d: Doc) => void) => { const d = structuredClone(POLICY_DOC) as Doc; patch(d); return validatePolicy(d) }
    expect(with_((d) => { d.calendar = { holidays: ['2026-13-01'], working_weekend_days: [] } }))
      .toMatchObject({ ok: false, problems: [{ path: 'calendar.holidays.0' }] })
    expect(with_((d) => { d.month_end.payment_due_working_days = 2.5 })).toMatchObject({ ok: false, problems: [{ path: 'month_end.payment_due_working_days' }] })
    expect(with_((d) => { d.alliance.episode_points = 'by_days' })).toMatchObject({ ok: false })
    expect(with_((d) => { d.dip.review_quota_min = -1 })).toMatchObject({ ok: false, problems: [{ path: 'dip.review_quota_min' }] })
    // absent: the quota minimum defaults to 1 and episodes split by cost
    const plain = with_(() => {})
    expect(plain.ok && [plain.policy.dip.review_quota_min, plain.policy.alliance.episode_points]).toEqual([1, 'split_by_cost'])
  })
})
