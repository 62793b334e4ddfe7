// 辅助目录 (SPEC §5, issue #22): severity (Charlson index of the secondary diagnoses), tumour and age types; the
// highest coefficient wins; deviation against a × coefficient; the result and the trace say why. Every figure is
// worked by hand beside it. Group J18.9 / C34.1 groups: average 10,000 yuan, score 1,000 (scale 1000) unless stated.
import { describe, expect, it } from 'vitest'
import { groupClaim } from '../../engine/grouping/index.js'
import { charlsonIndex } from '../../engine/grouping/charlson.js'
import { ageAt } from '../../engine/grouping/auxiliary.js'
import { validatePolicy } from '../../engine/policy/validate.js'
import type { Policy } from '../../engine/policy/types.js'
import type { CharlsonCondition, Person, Tables } from '../../engine/tables/types.js'
import { readCharlson, DEFAULT_CHARLSON_FILE } from '../../grouper-data/read-charlson.js'
import { Problems } from '../../grouper-data/source-fields.js'
import { specPolicyDoc } from '../fixtures/spec-policy.js'
import { claim, ctx, group, hospital, tables } from './helpers.js'

/** The shipped Quan 2005 coding, read the way the builder reads it. */
function shippedCharlson(): CharlsonCondition[] {
  const p = new Problems()
  const rows = readCharlson(DEFAULT_CHARLSON_FILE, p)
  if (p.count > 0) throw new Error(p.list.join('\n'))
  return rows.map((r) => ({ ...r, icd10Prefixes: r.icd10Prefixes.split(' ') }))
}
const CHARLSON = shippedCharlson()

const AUX = {
  cci_levels: [{ min: 0, coef: 1 }, { min: 1, coef: 1.1 }, { min: 3, coef: 1.2 }, { min: 5, coef: 1.3 }],
  tumour: { metastasis: 1.25, radiotherapy: 1.15, chemotherapy: 1.2 },
  age_bands: [{ max_days: 28, coef: 1.3 }, { max_years: 6, coef: 1.15 }, { min_years: 66, coef: 1.1 }],
}

/** The SPEC §9 policy with a 辅助目录, validated by the published schema. */
export function auxPolicy(dip: Record<string, unknown> = {}): Policy {
  const doc = specPolicyDoc()
  const r = validatePolicy({ ...doc, dip: { ...doc.dip, auxiliary: AUX, ...dip } })
  if (!r.ok) throw new Error(JSON.stringify(r.problems))
  return r.policy
}

function person(psnNo: string, brdy: string | null): Person {
  return { psnNo, insutype: '390', psnKind: 'resident', poverty: false, assistance: false, city: 'T', acctBalanceFen: 0, brdy }
}

function auxTables(o: { persons?: Person[]; derived?: Record<string, number>; coef?: number } = {}): Tables {
  const t = tables([
    group('J18.9', 10000, { score: 1000 }), group('C34.1:99.2501', 10000, { score: 1000 }),
    group('C34.1:92.2401', 10000, { score: 1000 }), group('C34.1', 10000, { score: 1000 }), group('J18:BSZL', 10000, { score: 1000 }),
  ], { hospitals: [hospital('H1', { dipCoefficientMicro: Math.round((o.coef ?? 1) * 1e6) })] })
  return {
    ...t, charlson: CHARLSON, persons: new Map((o.persons ?? []).map((p) => [p.psnNo, p])),
    auxCoefficients: new Map(Object.entries(o.derived ?? {})),
  }
}

describe('Charlson index of the secondary diagnoses (Quan et al. 2005 coding, Charlson weights)', () => {
  it('sums the weights of the conditions found: I50.000 heart failure 1 + E11.200 diabetes with complication 2 = 3', () => {
    expect(charlsonIndex(['I50.000', 'E11.200X001'], CHARLSON)).toEqual({ index: 3, conditions: [
      { condition: 'congestive_heart_failure', weight: 1, dx: 'I50.000' },
      { condition: 'diabetes_with_complication', weight: 2, dx: 'E11.200X001' }] })
  })
  it('counts a condition once however many diagnoses show it (I21.0 and I22.1: one myocardial infarction, 1)', () => {
    expect(charlsonIndex(['I21.000', 'I22.100'], CHARLSON).index).toBe(1)
  })
  it('a more severe condition replaces the one it supersedes: C78.000 metastasis 6 with C34.100 malignancy 2 = 6, not 8', () => {
    expect(charlsonIndex(['C78.000', 'C34.100'], CHARLSON)).toMatchObject({ index: 6, conditions: [{ condition: 'metastatic_solid_tumour' }] })
    // K70.3 mild (1) and K72.1 moderate/severe (3) liver disease: 3; E11.9 (1) and E11.2 (2) diabetes: 2
    expect(charlsonIndex(['K70.300', 'K72.100', 'E11.900', 'E11.200'], CHARLSON).index).toBe(5)
  })
  it('matches on the 4th character where the coding does: I42.0 heart failure 1, I42.1 nothing; C44 skin is no malignancy', () => {
    expect(charlsonIndex(['I42.000'], CHARLSON).index).toBe(1)
    expect(charlsonIndex(['I42.100', 'C44.300'], CHARLSON).index).toBe(0)
  })
  it('the shipped file holds the 17 conditions with weights 1, 2, 3 and 6', () => {
    expect(CHARLSON).toHaveLength(17)
    // ten conditions weigh 1, four weigh 2 (diabetes with complication, hemiplegia, renal, any malignancy), moderate or
    // severe liver disease 3, metastatic tumour and AIDS/HIV 6
    expect(CHARLSON.map((c) => c.weight).sort((a, b) => a - b)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 6, 6])
  })
})

describe('types and coefficients (policy: CCI ≥1 1.1, ≥3 1.2, ≥5 1.3; metastasis 1.25, radiotherapy 1.15, chemotherapy 1.2; ≤28 days 1.3, ≤6 years 1.15, ≥66 years 1.1)', () => {
  const policy = auxPolicy()
  it('severity: J18.9 with I50.000 and E11.200 (CCI 3) at cost 12,000 → 1,000 × 1.2 = 1,200 points, normal against 12,000', () => {
    const r = groupClaim(claim('J18.900', [], 12000, { otherDx: ['I50.000', 'E11.200'] }), ctx(auxTables(), policy))
    expect(r).toMatchObject({ group_code: 'J18.9', points: 1200, deviation: 'normal',
      auxiliary: { type: 'cci:3', coefficient: 1.2, source: 'policy', cci: { index: 3 } } })
    expect(r.auxiliary?.cci?.conditions.map((c) => c.condition)).toEqual(['congestive_heart_failure', 'diabetes_with_complication'])
  })
  it("issue #22's case: J18.9 with secondary C78.0 and I50.0 at a 1.08 hospital — CCI 6 + 1 = 7 → 1.3: " +
    '576.444152 × 1.3 × 1.08 = 809.3276 (plain 622.5597)', () => {
    const t = { ...auxTables({ coef: 1.08 }) }
    const real = { ...group('J18.9', 3296.196142, { score: 576.444152 }), avgCostMicro: 3_296_196_142 }
    const tt: Tables = { ...t, dipGroups: new Map([['J18.9', real]]) }
    // cost 4,000 against 3,296.196142 × 1.3 = 4,285.054985: normal
    const typed = groupClaim(claim('J18.900', [], 4000, { otherDx: ['C78.000', 'I50.000'] }), ctx(tt, policy))
    expect(typed).toMatchObject({ points: 809.3276, points_1e4: 8_093_276, auxiliary: { type: 'cci:5', coefficient: 1.3 } })
    expect(typed.auxiliary?.cci?.index).toBe(7)
    const plain = groupClaim(claim('J18.900', [], 4000), ctx(tt, policy))
    // CCI 0 is the band min 0, coefficient 1
    expect(plain).toMatchObject({ points: 622.5597, auxiliary: { type: 'cci:0', coefficient: 1 } })
  })
  it('tumour: C34.1 with chemotherapy 99.2501, CCI 0 → chemotherapy 1.2 wins over CCI 1 → 1,200', () => {
    const r = groupClaim(claim('C34.100', ['99.2501'], 12000), ctx(auxTables(), policy))
    expect(r).toMatchObject({ group_code: 'C34.1:99.2501', points: 1200, auxiliary: { type: 'tumour:chemotherapy', coefficient: 1.2 } })
  })
  it('tumour: radiotherapy 92.2401 → 1.15 → 1,150 at cost 11,500', () => {
    const r = groupClaim(claim('C34.100', ['92.2401'], 11500), ctx(auxTables(), policy))
    expect(r).toMatchObject({ points: 1150, auxiliary: { type: 'tumour:radiotherapy', coefficient: 1.15 } })
  })
  it('tumour: metastasis C79.500 → 1.25 when severity is not banded (with CCI bands the metastasis weighs 6 → 1.3 wins)', () => {
    const noCci = auxPolicy({ auxiliary: { tumour: AUX.tumour } })
    expect(groupClaim(claim('C34.100', [], 12500, { otherDx: ['C79.500'] }), ctx(auxTables(), noCci)))
      .toMatchObject({ points: 1250, auxiliary: { type: 'tumour:metastasis', coefficient: 1.25 } })
    expect(groupClaim(claim('C34.100', [], 12500, { otherDx: ['C79.500'] }), ctx(auxTables(), noCci), { trace: true }).trace?.auxiliary)
      .toEqual([{ type: 'tumour:metastasis', coefficient: 1.25, source: 'policy', why: 'malignant C34.100 with metastasis C79.500', chosen: true }])
    expect(groupClaim(claim('C34.100', [], 13000, { otherDx: ['C79.500'] }), ctx(auxTables(), policy)))
      .toMatchObject({ points: 1300, auxiliary: { type: 'cci:5', coefficient: 1.3 } })
  })
  it('tumour types need a malignant main diagnosis: J18.9 with chemotherapy is not typed as tumour', () => {
    const t = auxTables()
    const g = { ...group('J18.9:99.2501', 10000, { score: 1000 }) }
    const tt: Tables = { ...t, dipGroups: new Map([...t.dipGroups, [g.groupCode, g]]) }
    expect(groupClaim(claim('J18.900', ['99.2501'], 10000), ctx(tt, policy)).auxiliary?.type).toBe('cci:0')
  })
  it('age: a 10-day-old (≤ 28 days 1.3, also ≤ 6 years 1.15) → 1.3; a 70-year-old → 1.1', () => {
    const t = auxTables({ persons: [person('P1', '2026-09-21'), person('P2', '1956-03-01')] })
    expect(groupClaim(claim('J18.900', [], 13000), ctx(t, policy)))
      .toMatchObject({ points: 1300, auxiliary: { type: 'age:max_days=28', coefficient: 1.3 } })
    expect(groupClaim(claim('J18.900', [], 13000), ctx(t, policy), { trace: true }).trace?.auxiliary?.map((a) => [a.type, a.why, a.chosen])).toEqual([
      ['cci:0', 'Charlson index 0 ≥ 0', false], ['age:max_days=28', '10 days old at admission (≤ 28)', true],
      ['age:max_years=6', '0 years old at admission (≤ 6)', false]])
    expect(groupClaim(claim('J18.900', [], 11000, { psnNo: 'P2' }), ctx(t, policy)))
      .toMatchObject({ points: 1100, auxiliary: { type: 'age:min_years=66', coefficient: 1.1 } })
  })
  it('age bounds are inclusive, in completed years at admission (2026-10-01)', () => {
    expect(ageAt('1960-10-01', '2026-10-01')).toEqual({ days: 24106, years: 66 })
    expect(ageAt('1960-10-02', '2026-10-01')?.years).toBe(65)
    const t = auxTables({ persons: [person('P1', '1960-10-01'), person('P2', '1960-10-02')] })
    expect(groupClaim(claim('J18.900', [], 11000), ctx(t, policy)).auxiliary?.type).toBe('age:min_years=66')
    expect(groupClaim(claim('J18.900', [], 11000, { psnNo: 'P2' }), ctx(t, policy)).auxiliary?.type).toBe('cci:0')
  })
  it('a tie between types: CCI 1 (1.1) and age 70 (1.1) → the first in the order severity, tumour, age: cci:1; the trace lists both', () => {
    const t = auxTables({ persons: [person('P1', '1956-03-01')] })
    const r = groupClaim(claim('J18.900', [], 11000, { otherDx: ['J44.900'] }), ctx(t, policy), { trace: true })
    expect(r).toMatchObject({ points: 1100, auxiliary: { type: 'cci:1', coefficient: 1.1 } })
    expect(r.trace?.auxiliary).toEqual([
      { type: 'cci:1', coefficient: 1.1, source: 'policy', why: 'Charlson index 1 ≥ 1: chronic_pulmonary_disease J44.900 (1)', chosen: true },
      { type: 'age:min_years=66', coefficient: 1.1, source: 'policy', why: '70 years old at admission (≥ 66)', chosen: false },
    ])
  })
  it('deviation is measured against a × coefficient: CCI 1.2 at cost 25,000 → high (25,000 ÷ 12,000 − 2) + 1 → 1,200 × 13/12 = 1,300', () => {
    const r = groupClaim(claim('J18.900', [], 25000, { otherDx: ['I50.000', 'E11.200'] }), ctx(auxTables(), policy))
    expect(r).toMatchObject({ deviation: 'high', points: 1300 })
  })
  it('… and at cost 5,500 → low against 6,000 (plain it would be normal): 1,200 × 5,500 ÷ 12,000 = 550', () => {
    const r = groupClaim(claim('J18.900', [], 5500, { otherDx: ['I50.000', 'E11.200'] }), ctx(auxTables(), policy))
    expect(r).toMatchObject({ deviation: 'low', points: 550 })
  })
  it('a coefficient derived from the history for this group replaces the policy\'s: J18.9|cci:3 = 1.35 → 1,350', () => {
    const t = auxTables({ derived: { 'J18.9|cci:3': 1_350_000 } })
    expect(groupClaim(claim('J18.900', [], 13500, { otherDx: ['I50.000', 'E11.200'] }), ctx(t, policy)))
      .toMatchObject({ points: 1350, auxiliary: { type: 'cci:3', coefficient: 1.35, source: 'history' } })
  })
  it('only core cases are typed: the composite J18:BSZL case keeps its points', () => {
    const r = groupClaim(claim('J18.000', [], 10000, { otherDx: ['I50.000', 'E11.200'] }), ctx(auxTables(), policy))
    expect(r).toMatchObject({ group_code: 'J18:BSZL', points: 1000 })
    expect(r.auxiliary).toBeUndefined()
  })
  it('a policy without dip.auxiliary types nothing (today\'s points)', () => {
    const plain = auxPolicy({ auxiliary: undefined })
    expect(groupClaim(claim('J18.900', [], 10000, { otherDx: ['I50.000', 'E11.200'] }), ctx(auxTables(), plain)).auxiliary).toBeUndefined()
  })
})

describe('policy checks of dip.auxiliary', () => {
  const bad = (aux: unknown) => {
    const doc = specPolicyDoc()
    const r = validatePolicy({ ...doc, dip: { ...doc.dip, auxiliary: aux } })
    return r.ok ? [] : r.problems
  }
  it('CCI bands must ascend; an age band names exactly one bound; unknown keys are refused', () => {
    expect(bad({ cci_levels: [{ min: 3, coef: 1.2 }, { min: 1, coef: 1.1 }] })).toEqual([{ path: 'dip.auxiliary.cci_levels.1.min', message: 'levels must ascend by min' }])
    expect(bad({ age_bands: [{ max_days: 28, min_years: 66, coef: 1.1 }] })).toEqual([{ path: 'dip.auxiliary.age_bands.0', message: 'needs exactly one of max_days, max_years, min_years' }])
    expect(bad({ tumor: {} })).toEqual([{ path: 'dip.auxiliary.tumor', message: 'unknown key "tumor"' }])
  })
})
