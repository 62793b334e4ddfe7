// 辅助目录 in the tables (SPEC §5, #22): the Charlson conditions (shipped Quan 2005 coding, or the region's
// charlson.csv), persons' optional brdy, and type coefficients derived from case-history.csv — type mean ÷ group
// mean, only with at least the policy's minimum cases — reported by `data build`.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildTables, formatReport, SourceError } from '../../grouper-data/build.js'
import { loadTables } from '../../engine/tables/load.js'
import { groupClaim } from '../../engine/grouping/index.js'
import { EMPTY_HISTORY } from '../../engine/ledger/types.js'
import { claim } from '../grouping/helpers.js'
import { MINI_FILES, writeMiniSources } from './mini-sources.js'

// J18.9, all in 2025 (one year of the window: plain means). Group mean (4,000 + 4,000 + 6,000 + 8,000) ÷ 4 = 5,500.
//   cci:0 (no condition) A, B: 4,000 ÷ 5,500 = 0.727273
//   cci:1 (I50 heart failure) C, D: 7,000 ÷ 5,500 = 1.272727
//   age ≥ 66: D only — 1 case < min_cases 2: not derived (the policy's 1.1 stands)
const HISTORY = [
  'group_code,year,cost_yuan,other_dx_codes,begndate,brdy',
  'J18.9,2025,4000,,,',
  'J18.9,2025,4000,,,',
  'J18.9,2025,6000,I50.000,,',
  'J18.9,2025,8000,"I50.900,J18.000",2025-03-01,1950-01-01',
].join('\n') + '\n'

function historySources(extra: Record<string, string> = {}): string {
  const dir = writeMiniSources({ 'dip-groups.csv': null }, (p) => {
    const dip = p.dip as Record<string, unknown>
    Object.assign(dip, { min_cases: 2, tcm_groups: [], primary_groups: [],
      auxiliary: { cci_levels: [{ min: 0, coef: 1 }, { min: 1, coef: 1.1 }], age_bands: [{ min_years: 66, coef: 1.1 }], min_cases: 2 } })
  })
  writeFileSync(join(dir, 'case-history.csv'), HISTORY)
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text)
  return dir
}

describe('data build: 辅助目录', () => {
  it('derives type coefficients from the history, reports them, and grouping pays them', () => {
    const dir = historySources()
    const out = join(dir, 'tables.sqlite')
    const report = buildTables({ sourcesDir: dir, outFile: out })
    expect(report.auxCoefficients).toEqual([
      { group_code: 'J18.9', type: 'cci:0', cases: 2, coefficient: 0.727273 },
      { group_code: 'J18.9', type: 'cci:1', cases: 2, coefficient: 1.272727 },
    ])
    expect(formatReport(report)).toContain('    J18.9 cci:1: 1.272727 (2 cases)')
    const t = loadTables(out)
    expect(Object.fromEntries(t.auxCoefficients ?? [])).toEqual({ 'J18.9|cci:0': 727_273, 'J18.9|cci:1': 1_272_727 })
    expect(t.charlson).toHaveLength(17)
    // a J18.9 stay with I50.0 at 7,000 against 5,500 × 1.272727 = 6,999.9985 → normal: points = score × 1.272727 ×
    // the hospital's coefficient, one rounding to 1/10,000
    const r = groupClaim(claim('J18.900', [], 7000, { hospitalCode: 'H15020300001', otherDx: ['I50.000'] }),
      { tables: t, policy: t.policy, history: EMPTY_HISTORY })
    expect(r.auxiliary).toMatchObject({ type: 'cci:1', coefficient: 1.272727, source: 'history' })
    const score = BigInt(t.dipGroups.get('J18.9')?.scoreMicro ?? 0)
    const coef = BigInt(t.hospitals.get('H15020300001')?.dipCoefficientMicro ?? 0)
    const num = score * 1_272_727n * coef
    const den = 10n ** 14n // 1e-6 × 1e-6 × 1e-6 → 1e-4 points
    expect(r).toMatchObject({ deviation: 'normal' })
    expect(BigInt(r.points_1e4)).toBe((num + den / 2n) / den)
  })

  it("a region's charlson.csv replaces the shipped coding; a bad one is refused naming file, row and column", () => {
    const own = 'condition,name,weight,icd10_prefixes,supersedes\ncopd,COPD,2,J44,\n'
    const dir = historySources({ 'charlson.csv': own })
    const out = join(dir, 'tables.sqlite')
    buildTables({ sourcesDir: dir, outFile: out })
    expect(loadTables(out).charlson).toEqual([{ condition: 'copd', name: 'COPD', weight: 2, icd10Prefixes: ['J44'], supersedes: null }])
    const bad = historySources({ 'charlson.csv': 'condition,name,weight,icd10_prefixes,supersedes\ncopd,COPD,2.5,J4-4,asthma\n' })
    let err: unknown
    try { buildTables({ sourcesDir: bad, outFile: join(bad, 'x.sqlite') }) } catch (e) { err = e }
    expect(err).toBeInstanceOf(SourceError)
    expect((err as SourceError).problems).toEqual([
      'charlson.csv:2:weight: not a whole number "2.5"',
      'charlson.csv:2:icd10_prefixes: not an ICD-10 prefix "J4-4"',
    ])
  })

  it('persons.csv may carry brdy (checked as a date)', () => {
    const persons = MINI_FILES['persons.csv'].split('\n')
    const header = `${persons[0]},brdy`
    const rows = persons.slice(1).filter((l) => l !== '').map((l, i) => `${l},${i === 0 ? '1950-01-01' : ''}`)
    const dir = writeMiniSources({ 'persons.csv': [header, ...rows].join('\n') + '\n' })
    const out = join(dir, 'tables.sqlite')
    buildTables({ sourcesDir: dir, outFile: out })
    const t = loadTables(out)
    expect([...t.persons.values()].map((p) => p.brdy)).toEqual(rows.map((_, i) => (i === 0 ? '1950-01-01' : null)))
    const bad = writeMiniSources({ 'persons.csv': [header, ...rows.map((l, i) => (i === 0 ? l.replace('1950-01-01', '1950-02-30') : l))].join('\n') + '\n' })
    let err: unknown
    try { buildTables({ sourcesDir: bad, outFile: join(bad, 'x.sqlite') }) } catch (e) { err = e }
    expect((err as SourceError).problems).toEqual(['persons.csv:2:brdy: not a birth date YYYY-MM-DD "1950-02-30"'])
  })
})
