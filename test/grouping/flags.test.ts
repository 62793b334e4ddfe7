import { describe, expect, it } from 'vitest'
import { groupClaim } from '../../engine/grouping/index.js'
import { claim, ctx, group, historyOf, hospital, stay, tables, testPolicy } from './helpers.js'

// K80.1: average 10,000 yuan, 8 days. Claim stays 2026-10-01 → 2026-10-09 (8 days) unless said otherwise.
const T = tables([group('K80.1', 10000, { days: 8 })], {
  hospitals: [hospital('H1', { allianceId: 'A1', level: 1 }), hospital('H2', { allianceId: 'A1', level: 2 }), hospital('H3')],
})
const flags = (c = claim('K80.100', [], 10000), h = historyOf([]), p = testPolicy()) => groupClaim(c, ctx(T, p, h)).flags

describe('F_READMISSION (分解住院), window 15 days', () => {
  it('a same-category stay ending 11 days before admission is flagged', () => {
    expect(flags(undefined, historyOf([stay('M0', '2026-09-10', '2026-09-20', 'K80')]))).toEqual(['F_READMISSION'])
  })
  it('ending exactly 15 days before is still within the window; 16 days before is not', () => {
    expect(flags(undefined, historyOf([stay('M0', '2026-09-10', '2026-09-16', 'K80')]))).toEqual(['F_READMISSION'])
    expect(flags(undefined, historyOf([stay('M0', '2026-09-10', '2026-09-15', 'K80')]))).toEqual([])
  })
  it('another category is not a readmission', () => {
    expect(flags(undefined, historyOf([stay('M0', '2026-09-10', '2026-09-20', 'J18')]))).toEqual([])
  })
  it('an alliance-merged referral (same alliance, next day) is one admission, not flagged', () => {
    const prior = stay('M0', '2026-09-25', '2026-10-01', 'K80', { fixmedins_code: 'H1', alliance_id: 'A1' })
    const c = claim('K80.100', [], 10000, { hospitalCode: 'H2', referralFrom: 'M0', begn: '2026-10-02' })
    expect(flags(c, historyOf([prior]))).toEqual([])
  })
  it('a referral from a hospital outside the alliance is flagged', () => {
    const prior = stay('M0', '2026-09-25', '2026-10-01', 'K80', { fixmedins_code: 'H3', alliance_id: null })
    const c = claim('K80.100', [], 10000, { hospitalCode: 'H2', referralFrom: 'M0', begn: '2026-10-02' })
    expect(flags(c, historyOf([prior]))).toEqual(['F_READMISSION'])
  })
  it('with alliance.merge_gap_days null the referral is not merged (SPEC §3 step 3), so it is flagged', () => {
    // same alliance, next day: merged (test above); merging off → two admissions, K80 within 15 days
    const off = testPolicy()
    const p = { ...off, alliance: { ...off.alliance, merge_gap_days: null } }
    const prior = stay('M0', '2026-09-25', '2026-10-01', 'K80', { fixmedins_code: 'H1', alliance_id: 'A1' })
    const c = claim('K80.100', [], 10000, { hospitalCode: 'H2', referralFrom: 'M0', begn: '2026-10-02' })
    expect(flags(c, historyOf([prior]), p)).toEqual(['F_READMISSION'])
    // settle_as_one off only changes month-end: still merged, not flagged
    expect(flags(c, historyOf([prior]), { ...off, alliance: { ...off.alliance, settle_as_one: false } })).toEqual([])
  })
  it('an alliance referral beyond merge_gap_days is not merged, so it is flagged', () => {
    const prior = stay('M0', '2026-09-20', '2026-09-25', 'K80', { fixmedins_code: 'H1', alliance_id: 'A1' })
    const c = claim('K80.100', [], 10000, { hospitalCode: 'H2', referralFrom: 'M0', begn: '2026-10-02' })
    expect(flags(c, historyOf([prior]))).toEqual(['F_READMISSION'])
  })
})

describe('F_LOW_STANDARD_ADMISSION (低标入院): cost < 0.3 × avg and stay ≤ 3 days (schema defaults)', () => {
  it('2,999.99 yuan over 3 days is flagged (0.3 × 10,000 = 3,000)', () => {
    expect(flags(claim('K80.100', [], 2999.99, { end: '2026-10-04' }))).toEqual(['F_LOW_STANDARD_ADMISSION'])
  })
  it('exactly 3,000 yuan is not', () => {
    expect(flags(claim('K80.100', [], 3000, { end: '2026-10-04' }))).toEqual([])
  })
  it('a 4-day stay is not', () => {
    expect(flags(claim('K80.100', [], 2000, { end: '2026-10-05' }))).toEqual([])
  })
  it('policy keys override the defaults: ratio 0.25 → 2,999.99 no longer flagged', () => {
    expect(flags(claim('K80.100', [], 2999.99, { end: '2026-10-04' }), historyOf([]), testPolicy({ low_standard_cost_ratio: 0.25 }))).toEqual([])
  })
})

describe('F_LONG_STAY: days > 3 × the group average (8 → above 24)', () => {
  it('25 days is flagged, 24 is not', () => {
    expect(flags(claim('K80.100', [], 10000, { end: '2026-10-26' }))).toEqual(['F_LONG_STAY'])
    expect(flags(claim('K80.100', [], 10000, { end: '2026-10-25' }))).toEqual([])
  })
})

describe('F_UNGROUPABLE', () => {
  it('an ungroupable claim keeps its readmission flag beside it', () => {
    const r = groupClaim(claim('K80.100', ['51.2200'], 10000), ctx(T, testPolicy(), historyOf([stay('M0', '2026-09-10', '2026-09-20', 'K80')])))
    expect(r.flags).toEqual(['F_READMISSION', 'F_UNGROUPABLE'])
  })
})
