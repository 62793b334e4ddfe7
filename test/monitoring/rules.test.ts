// 智能监控 rules (SPEC §14), each worked by hand on the fixture region (test/fixtures/claims.ts): the claim's dates,
// the person's stays as the ledger would hold them, and what each rule must say. Day arithmetic in the comments.
import { describe, expect, it } from 'vitest'
import { adjudicate } from '../../engine/adjudicate/index.js'
import type { Outcome } from '../../engine/adjudicate/types.js'
import type { ClaimInput } from '../../engine/claim.js'
import { dayNumber } from '../../engine/claim.js'
import type { History, OutpatientVisit } from '../../engine/history.js'
import { claimScope } from '../../engine/ledger/decide.js'
import { validatePolicy } from '../../engine/policy/validate.js'
import { settlementToResult } from '../../engine/result.js'
import { C, H, P, POLICY, POLICY_DOC, claim, ctx, fee, history, stay } from '../fixtures/claims.js'
import { GIRL, MALE, dated, monitoringPolicy, monitoringTables } from './fixtures.js'

const POL = monitoringPolicy()
const day = (d: string): number => dayNumber(d) as number

function run(body: ClaimInput, h: History = history(), policy = POL): Outcome {
  return adjudicate(body, ctx(h, policy, monitoringTables(policy)))
}

/** The flags of a settled outcome as code: detail, or the rejection's reasons. */
function flags(o: Outcome): string[] {
  if (o.status === 'rejected') return o.reasons.map((r) => `rejected ${r.code} ${r.field}: ${r.message}`)
  return (o.settlement.monitoring ?? []).map((f) => `${f.code} ${f.severity}: ${f.detail}`)
}

describe('M_OVERLAPPING_STAY: one person in two hospitals at once', () => {
  // a stay at H.A1 from 09-01 to 09-05; the claim at H.L3 from 09-03 to 09-09 (fixture default)
  const at = (end: string, hosp: string = H.A1) => history({}, [stay({ mdtrt_id: 'MA', fixmedins_code: hosp, begn_day: day('2026-09-01'), enddate: end })])

  it('flags a stay at another hospital whose days overlap (09-01…09-05 vs 09-03…09-09: 09-01 < 09-09 and 09-03 < 09-05)', () => {
    expect(flags(run(claim(), at('2026-09-05')))).toEqual([
      'M_OVERLAPPING_STAY warn: 与 H15020300001 的住院 MA（2026-09-01至2026-09-05）时间重叠'])
  })

  it('a transfer admitted on the other stay\'s discharge day is no overlap (09-03 < 09-03 is false)', () => {
    expect(flags(run(claim(), at('2026-09-03')))).toEqual([])
  })

  it('two stays at the same hospital are not this rule\'s (SPEC §14: at two hospitals)', () => {
    expect(flags(run(claim({ diagnoses: [{ code: 'I63.900', main: true }] }), at('2026-09-05', H.L3)))).toEqual([])
  })

  it('block rejects with E_MONITORING_BLOCKED naming begndate, and computes no money', () => {
    const o = run(claim(), at('2026-09-05'), monitoringPolicy({ M_OVERLAPPING_STAY: 'block' }))
    expect(flags(o)).toEqual([
      'rejected E_MONITORING_BLOCKED begndate: M_OVERLAPPING_STAY 住院时间重叠: 与 H15020300001 的住院 MA（2026-09-01至2026-09-05）时间重叠'])
  })
})

describe('M_OUTPATIENT_DURING_STAY: an outpatient visit inside an inpatient stay', () => {
  // a stay at H.L3 from 09-01 to 09-10; an outpatient visit (11) at H.L1
  const h = history({}, [stay({ mdtrt_id: 'MS', fixmedins_code: H.L3, begn_day: day('2026-09-01'), enddate: '2026-09-10' })])
  const visit = (d: string) => claim({ fixmedins_code: H.L1, med_type: '11', begndate: d, enddate: d, fees: [fee(C.JIA, 1, 50)] })

  it('flags a visit on 09-05 (09-01 < 09-05 < 09-10)', () => {
    expect(flags(run(visit('2026-09-05'), h))).toEqual([
      'M_OUTPATIENT_DURING_STAY warn: 门诊就诊 2026-09-05 在 H15020300003 的住院 MS（2026-09-01至2026-09-10）期间'])
  })

  it('a visit on the admission or the discharge day is not inside the stay', () => {
    expect(flags(run(visit('2026-09-01'), h))).toEqual([])
    expect(flags(run(visit('2026-09-10'), h))).toEqual([])
  })
})

describe('M_OUTPATIENT_DURING_STAY: the stay settled at discharge, after the visits made during it', () => {
  // the stay MS at H.L3 from 09-01 to 09-10 settles now; the person's outpatient visits at H.L1 settled before it
  const stayClaim = claim({ mdtrt_id: 'MS', begndate: '2026-09-01', enddate: '2026-09-10' })
  const v = (id: string, d: string, hosp: string = H.L1): OutpatientVisit => ({ mdtrt_id: id, setl_id: `S-${id}`, fixmedins_code: hosp, begn_day: day(d), end_day: day(d) })
  const withVisits = (...visits: OutpatientVisit[]): History => history({}, [], visits)

  it('flags the stay when a visit on 09-03 settled first (09-01 < 09-03 < 09-10)', () => {
    expect(flags(run(stayClaim, withVisits(v('MV', '2026-09-03'))))).toEqual([
      'M_OUTPATIENT_DURING_STAY warn: 住院（2026-09-01至2026-09-10）期间有 1 次门诊结算，最早为 H15020300004 的门诊 MV（2026-09-03）'])
  })

  it('visits on the admission (09-01) or the discharge day (09-10), or outside the stay, do not flag it', () => {
    expect(flags(run(stayClaim, withVisits(v('V1', '2026-09-01'), v('V2', '2026-09-10'), v('V3', '2026-08-31'), v('V4', '2026-09-11'))))).toEqual([])
  })

  it('counts every visit inside and names the earliest, whatever the read order (09-07 at H.L1, 09-02 at H.A1, 09-10 outside)', () => {
    const detail = 'M_OUTPATIENT_DURING_STAY warn: 住院（2026-09-01至2026-09-10）期间有 2 次门诊结算，最早为 H15020300001 的门诊 VB（2026-09-02）'
    expect(flags(run(stayClaim, withVisits(v('VA', '2026-09-07'), v('VB', '2026-09-02', H.A1), v('VC', '2026-09-10'))))).toEqual([detail])
    expect(flags(run(stayClaim, withVisits(v('VC', '2026-09-10'), v('VB', '2026-09-02', H.A1), v('VA', '2026-09-07'))))).toEqual([detail])
  })

  it('block rejects the stay with E_MONITORING_BLOCKED naming begndate', () => {
    expect(flags(run(stayClaim, withVisits(v('MV', '2026-09-03')), monitoringPolicy({ M_OUTPATIENT_DURING_STAY: 'block' })))).toEqual([
      'rejected E_MONITORING_BLOCKED begndate: M_OUTPATIENT_DURING_STAY 住院期间门诊结算: 住院（2026-09-01至2026-09-10）期间有 1 次门诊结算，最早为 H15020300004 的门诊 MV（2026-09-03）'])
  })

  it('a visit does not look for visits, nor a stay for stays, under this rule', () => {
    // an outpatient claim on 09-05 beside a visit on 09-05: no stay, no flag
    const visit = claim({ fixmedins_code: H.L1, med_type: '11', begndate: '2026-09-05', enddate: '2026-09-05', fees: [fee(C.JIA, 1, 50)] })
    expect(flags(run(visit, withVisits(v('MV', '2026-09-05'))))).toEqual([])
  })

  it('asks the history for visits since the stay\'s begndate, inside the claim\'s scope (09-01 − 30 days)', () => {
    const asked: number[] = []
    const h: History = { ...withVisits(), outpatientVisits: (_p, since) => { asked.push(since); return [] } }
    run(stayClaim, h)
    expect(asked).toEqual([day('2026-09-01')])
    expect(claimScope(stayClaim, POL).sinceDay).toBe(day('2026-09-01') - 30)
  })
})

describe('M_QTY_PER_DAY: at most 24 hours of nursing a day', () => {
  // NURS01 / NURS02 are outside the fixture catalogue (全自费 lines): the limit counts quantity, not money
  it('flags 25 hours on 09-04 (20 h + 5 h on two lines of the same day > 24)', () => {
    const c = dated(claim({ fees: [fee('NURS01', 20, 5), fee('NURS02', 5, 5)] }), { 0: '2026-09-04 08:00:00', 1: '2026-09-04 20:00:00' })
    expect(flags(run(c))).toEqual(['M_QTY_PER_DAY warn: 护理（小时） 2026-09-04 数量 25 超过每日上限 24'])
  })

  it('24 hours in a day, or 25 hours over two days, pass', () => {
    expect(flags(run(dated(claim({ fees: [fee('NURS01', 20, 5), fee('NURS02', 4, 5)] }), { 0: '2026-09-04', 1: '2026-09-04' })))).toEqual([])
    expect(flags(run(dated(claim({ fees: [fee('NURS01', 20, 5), fee('NURS02', 5, 5)] }), { 0: '2026-09-04', 1: '2026-09-05' })))).toEqual([])
  })

  it('undated lines count against the limit × the stay\'s calendar days (09-03…09-09: 7 days × 24 = 168)', () => {
    expect(flags(run(claim({ fees: [fee('NURS01', 168, 5)] })))).toEqual([])
    expect(flags(run(claim({ fees: [fee('NURS01', 168.5, 5)] })))).toEqual(['M_QTY_PER_DAY warn: 护理（小时） 数量 168.5 超过 7 天 × 每日上限 24'])
  })
})

describe('M_SEX_AGE: diagnoses and items reserved to one sex or an age', () => {
  const obstetric = (psn: string) => claim({ psn_no: psn, diagnoses: [{ code: 'O80.000', main: true }] })

  it('flags a male with an obstetric diagnosis (O80: 女性 only)', () => {
    expect(flags(run(obstetric(MALE)))).toEqual(['M_SEX_AGE warn: 产科诊断：限女性，参保人为男性'])
  })

  it('a female, or a person whose sex is not known, is not flagged', () => {
    expect(flags(run(obstetric(GIRL)))).toEqual([])
    expect(flags(run(obstetric(P.RESIDENT)))).toEqual([])
  })

  it('flags a paediatric item (≤ 14) for a man of 36 (born 1990-05-01, admitted 2026-09-03), not for a girl of 6', () => {
    expect(flags(run(claim({ psn_no: MALE, fees: [fee(C.JIA, 1, 10), fee('PED01', 1, 10)] })))).toEqual(['M_SEX_AGE warn: 儿科项目：限 14 岁及以下，参保人 36 岁'])
    expect(flags(run(claim({ psn_no: GIRL, fees: [fee('PED01', 1, 10)] })))).toEqual([])
  })
})

describe('M_READMISSION: same hospital, same category, within 30 days', () => {
  const prior = (end: string, o: { hosp?: string; dx?: string } = {}) =>
    history({}, [stay({ mdtrt_id: 'MR', fixmedins_code: o.hosp ?? H.L3, enddate: end, dx_category: o.dx ?? 'J18' })])

  it('flags J18 at H.L3 again 24 days after the discharge (08-10 → 09-03)', () => {
    expect(flags(run(claim(), prior('2026-08-10')))).toEqual(['M_READMISSION warn: 2026-08-10 出院的同类（J18）住院 MR 后 24 天再入院'])
  })

  it('31 days after, at another hospital, in another category, or referred from it: no flag', () => {
    expect(flags(run(claim(), prior('2026-08-03')))).toEqual([])
    expect(flags(run(claim(), prior('2026-08-10', { hosp: H.L1 })))).toEqual([])
    expect(flags(run(claim(), prior('2026-08-10', { dx: 'I63' })))).toEqual([])
    expect(flags(run(claim({ referral_from: 'MR' }), prior('2026-08-10')))).toEqual([])
  })

  it('the claim\'s history scope reaches back the monitoring window when it is longer than dip.readmission_days (30 > 15)', () => {
    expect(claimScope(claim(), POL).sinceDay).toBe(day('2026-09-03') - 30)
    expect(claimScope(claim(), POLICY).sinceDay).toBe(day('2026-09-03') - 15)
  })
})

describe('M_FEE_OUTSIDE_STAY: a fee dated outside the stay', () => {
  it('flags a fee dated the day after the discharge (09-10 > 09-09), naming the line and the count', () => {
    const c = dated(claim({ fees: [fee(C.JIA, 1, 10), fee(C.JIA, 1, 10)] }), { 0: '2026-09-10 00:00:00', 1: '2026-09-02' })
    expect(flags(run(c))).toEqual(['M_FEE_OUTSIDE_STAY warn: 费用 1 发生于 2026-09-10，不在 2026-09-03 至 2026-09-09 内（共 2 条）'])
  })

  it('fees dated on the admission and the discharge day are inside', () => {
    expect(flags(run(dated(claim({ fees: [fee(C.JIA, 1, 10), fee(C.JIA, 1, 10)] }), { 0: '2026-09-03 00:00:00', 1: '2026-09-09 23:59:59' })))).toEqual([])
  })

  it('a bad fee_ocur_time is refused naming the line', () => {
    expect(flags(run(dated(claim(), { 0: '2026-09-31' })))).toEqual([
      'rejected E_FIELD_FORMAT fees[0].fee_ocur_time: fees[0].fee_ocur_time must be a real date YYYY-MM-DD or YYYY-MM-DD HH:mm:ss'])
  })
})

describe('flags in the settlement', () => {
  it('a warn flag changes no money: the same claim settles to the same setlinfo with and without the rules', () => {
    const h = history({}, [stay({ mdtrt_id: 'MA', fixmedins_code: H.A1, begn_day: day('2026-09-01'), enddate: '2026-09-05' })])
    const c = claim()
    const withRules = run(c, h)
    const without = adjudicate(c, ctx(h))
    if (withRules.status !== 'ok' || without.status !== 'ok') throw new Error('settles')
    expect(withRules.settlement.setlinfo).toEqual(without.settlement.setlinfo)
    expect(settlementToResult(withRules.settlement, 'computed').monitoring).toEqual([
      { code: 'M_OVERLAPPING_STAY', label: '住院时间重叠', severity: 'warn', detail: '与 H15020300001 的住院 MA（2026-09-01至2026-09-05）时间重叠' }])
    expect(settlementToResult(without.settlement, 'computed').monitoring).toEqual([])
  })

  it('several rules flag in the rule order of SPEC §14', () => {
    const h = history({}, [stay({ mdtrt_id: 'MA', fixmedins_code: H.A1, begn_day: day('2026-09-01'), enddate: '2026-09-05', psn_no: MALE })])
    const c = dated(claim({ psn_no: MALE, diagnoses: [{ code: 'O80.000', main: true }] }), { 0: '2026-09-12' })
    expect(flags(run(c, h)).map((f) => f.split(' ')[0])).toEqual(['M_OVERLAPPING_STAY', 'M_SEX_AGE', 'M_FEE_OUTSIDE_STAY'])
  })
})

describe('the policy section is validated, naming the bad path', () => {
  const problems = (monitoring: unknown): string[] => {
    const v = validatePolicy({ ...structuredClone(POLICY_DOC), monitoring })
    return v.ok ? [] : v.problems.map((p) => `${p.path}: ${p.message}`)
  }
  it('severity, unknown rule, and a sex check without a target', () => {
    expect(problems({ M_READMISSION: { label: '再入院', severity: 'stop', window_days: 15 } })[0]).toMatch(/^monitoring\.M_READMISSION\.severity: /)
    expect(problems({ M_FOO: { label: 'x', severity: 'warn' } })).toEqual(['monitoring.M_FOO: unknown key "M_FOO"'])
    expect(problems({ M_SEX_AGE: { label: 'x', severity: 'warn', checks: [{ name: 'y', gend: '1' }] } })).toEqual(['monitoring.M_SEX_AGE.checks.0: needs dx_prefixes or item_prefixes'])
    expect(problems({ M_QTY_PER_DAY: { label: 'x', severity: 'warn', limits: [{ name: 'n', code_prefixes: ['A'], max_per_day: 0 }] } })[0]).toMatch(/^monitoring\.M_QTY_PER_DAY\.limits\.0\.max_per_day: /)
    expect(problems({ M_OVERLAPPING_STAY: { severity: 'warn' } })).toEqual(['monitoring.M_OVERLAPPING_STAY.label: is required'])
  })
})
