import { describe, expect, it } from 'vitest'
import { groupClaim } from '../../engine/grouping/index.js'
import { subcategoryOf, categoryOf } from '../../engine/grouping/subcategory.js'
import { claim, ctx, group, tables, testPolicy } from './helpers.js'

const J = tables([
  group('J18.9', 3000),
  group('J18.9:33.2200x003', 15000),
  group('J18.9:33.2302', 8000, { score: 900 }),
  group('J18.9:33.2403', 12000, { score: 800 }),
  group('J18.9:33.2302_33.2403', 20000),
])

describe('main diagnosis → 亚目 and category', () => {
  it('keeps the four characters and the dot, upper-cased', () => {
    expect(subcategoryOf('I63.900x001')).toBe('I63.9')
    expect(subcategoryOf('a46.x00')).toBe('A46.X')
    expect(categoryOf('I63.900x001')).toBe('I63')
  })
})

describe('core match', () => {
  it('a dx-only group takes a claim with no procedure', () => {
    expect(groupClaim(claim('J18.900', [], 3000), ctx(J)).group_code).toBe('J18.9')
  })

  it('a dx-only group does not take a claim with a counting procedure; a single-procedure group does', () => {
    expect(groupClaim(claim('J18.900', ['33.2200X003'], 3000), ctx(J)).group_code).toBe('J18.9:33.2200x003')
  })

  it('procedures match case-insensitively (group code written with x, claim with X)', () => {
    expect(groupClaim(claim('j18.900', ['33.2200x003'], 3000), ctx(J)).group_code).toBe('J18.9:33.2200x003')
  })

  it('the group with the most procedures matched wins over its single-procedure parts', () => {
    expect(groupClaim(claim('J18.900', ['33.2403', '33.2302'], 9000), ctx(J)).group_code).toBe('J18.9:33.2302_33.2403')
  })

  it('an extra procedure no group lists does not stop a group from fitting', () => {
    expect(groupClaim(claim('J18.900', ['33.2302', '99.9999'], 8000), ctx(J)).group_code).toBe('J18.9:33.2302')
  })

  it('tie on procedures → the group whose average cost is closest to the claim total', () => {
    const t = tables([group('J18.9:A', 8000), group('J18.9:B', 12000)])
    // |8000 − 10500| = 2500 > |12000 − 10500| = 1500 → B
    expect(groupClaim(claim('J18.900', ['A', 'B'], 10500), ctx(t)).group_code).toBe('J18.9:B')
    // |8000 − 9000| = 1000 < 3000 → A
    expect(groupClaim(claim('J18.900', ['A', 'B'], 9000), ctx(t)).group_code).toBe('J18.9:A')
  })

  it('tie on procedures and cost distance → the higher score', () => {
    const t = tables([group('J18.9:A', 8000, { score: 900 }), group('J18.9:B', 12000, { score: 800 })])
    // total 10,000: both 2,000 away; A scores 900 > 800
    expect(groupClaim(claim('J18.900', ['A', 'B'], 10000), ctx(t)).group_code).toBe('J18.9:A')
  })

  it('procedures under an ignored prefix do not count: the dx-only group fits', () => {
    const p = testPolicy({ ignored_procedure_prefixes: ['87.'] })
    expect(groupClaim(claim('J18.900', ['87.4401'], 3000), ctx(J, p)).group_code).toBe('J18.9')
    expect(groupClaim(claim('J18.900', ['87.4401'], 3000), ctx(J)).kind).toBe('ungroupable')
  })
})

describe('composite fallback and ungroupable', () => {
  const K = tables([
    group('K80.1:51.2300', 20000),
    group('K80:SS', 18000), group('K80:ZLXCZ', 9000), group('K80:ZDXCZ', 6000), group('K80:BSZL', 4000),
    group('E11:BSZL', 5000),
  ], { procedures: { '51.2300': 'surgery', '51.2200': 'surgery', '51.8800': 'therapeutic', '88.0100': 'diagnostic' } })

  it('surgery present → SS, even beside lower kinds', () => {
    expect(groupClaim(claim('K80.100', ['88.0100', '51.2200', '51.8800'], 9000), ctx(K)).group_code).toBe('K80:SS')
  })
  it('therapeutic as the highest kind → ZLXCZ', () => {
    expect(groupClaim(claim('K80.100', ['51.8800', '88.0100'], 9000), ctx(K)).group_code).toBe('K80:ZLXCZ')
  })
  it('diagnostic only → ZDXCZ', () => {
    expect(groupClaim(claim('K80.100', ['88.0100'], 9000), ctx(K)).group_code).toBe('K80:ZDXCZ')
  })
  it('no procedure and no dx-only core group → BSZL', () => {
    const r = groupClaim(claim('K80.100', [], 4000), ctx(K))
    expect([r.group_code, r.kind]).toEqual(['K80:BSZL', 'composite'])
  })
  it('a category without the composite kind needed → ungroupable, no_composite_group, flagged', () => {
    const r = groupClaim(claim('E11.900', ['51.2200'], 9000), ctx(K))
    expect(r).toMatchObject({ group_code: null, kind: 'ungroupable', ungroupable_reason: 'no_composite_group', points: 0, deviation: 'normal' })
    expect(r.flags).toEqual(['F_UNGROUPABLE'])
  })
  it('a category with no group at all → no_core_or_composite_group', () => {
    expect(groupClaim(claim('Z99.900', [], 100), ctx(K)).ungroupable_reason).toBe('no_core_or_composite_group')
  })
  it('no main diagnosis → no_main_diagnosis', () => {
    expect(groupClaim(claim('', [], 100), ctx(K)).ungroupable_reason).toBe('no_main_diagnosis')
  })
})

describe('match trace', () => {
  it('names every candidate with why it lost and the deciding rule', () => {
    const r = groupClaim(claim('J18.900', ['33.2302', '33.2403'], 9000), ctx(J), { trace: true })
    expect(r.trace?.rule).toBe('core: most procedures matched')
    expect(r.trace?.subcategory).toBe('J18.9')
    const notes = Object.fromEntries((r.trace?.candidates ?? []).map((c) => [c.group_code, c.note]))
    expect(notes).toEqual({
      'J18.9': 'dx-only group: the claim has counting procedures',
      'J18.9:33.2200x003': 'procedure missing: 33.2200X003',
      'J18.9:33.2302': 'fewer procedures matched (1 < 2)',
      'J18.9:33.2403': 'fewer procedures matched (1 < 2)',
      'J18.9:33.2302_33.2403': 'chosen',
    })
  })
  it('says when the composite fallback decided', () => {
    const t = tables([group('K80:BSZL', 4000)])
    expect(groupClaim(claim('K80.100', [], 4000), ctx(t), { trace: true }).trace?.rule).toBe('composite: BSZL')
  })
  it('is absent unless asked', () => {
    expect(groupClaim(claim('J18.900', [], 3000), ctx(J)).trace).toBeUndefined()
  })
})
