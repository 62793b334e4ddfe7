// The loader turns the built SQLite file into the typed maps of engine/tables/types.ts.
import { describe, expect, it } from 'vitest'
import { loadDemoTables, DEMO_STABLE_CODES } from '../fixtures/tables.js'

describe('loadTables on the demo region', () => {
  const t = loadDemoTables()

  it('holds the real code lists and DIP catalogue with upper-case codes', () => {
    expect(t.diagnoses.size).toBe(32_189)
    expect(t.procedures.size).toBe(13_520)
    expect(t.dipGroups.size).toBe(4_444)
    // the list writes `A46.x00`; lookups are upper-case
    expect(t.diagnoses.has('A46.X00')).toBe(true)
    expect(t.procedures.get('33.2400X001')).toBeDefined()
  })

  it('indexes core groups by 亚目 and composite groups by category:kind', () => {
    // J18.9 has the dx-only group and procedure groups; group codes keep their written case
    const j189 = t.dipGroupsByDx.get('J18.9') ?? []
    expect(j189.map((g) => g.groupCode)).toContain('J18.9:33.2200x003')
    const dxOnly = j189.find((g) => g.groupCode === 'J18.9')
    // 3,296.196142 yuan → 329,620 fen; score 576.444152 → 576,444,152 micro
    expect(dxOnly).toMatchObject({ kind: 'core', mainOp: null, otherOps: [], avgCostFen: 329_620, scoreMicro: 576_444_152 })
    // group `A46.x` (dx written lower-case) is found under `A46.X`
    expect(t.dipGroupsByDx.get('A46.X')?.[0]?.groupCode).toBe('A46.x')
    const e11 = t.compositeGroups.get('E11:ZLXCZ')
    expect(e11).toMatchObject({ groupCode: 'E11:ZLXCZ', kind: 'composite', compositeKind: 'ZLXCZ', mainDx: 'E11' })
    // other procedures: `C34.1:32.4100_33.3903+40.5914`
    expect(t.dipGroups.get('C34.1:32.4100_33.3903+40.5914')).toMatchObject({ mainOp: '32.4100', otherOps: ['33.3903', '40.5914'] })
  })

  it('carries the stable catalogue codes documented for tests', () => {
    expect(t.catalogue.get(DEMO_STABLE_CODES.yiDrugProp5)).toMatchObject({ chrgitmLv: '02', selfpayPropPpm: 50_000, listType: '101' })
    expect(t.catalogue.get(DEMO_STABLE_CODES.cappedConsumable)).toMatchObject({ priceCapFen: 8_000, selfpayPropPpm: 200_000 })
    expect(t.catalogue.get(DEMO_STABLE_CODES.level2Drug)?.minHospLv).toBe(2)
    expect(t.catalogue.get(DEMO_STABLE_CODES.dxRestrictedDrug)?.dxPrefix).toBe('E11')
    expect(t.catalogue.get(DEMO_STABLE_CODES.jiaItemAbove200)).toMatchObject({ chrgitmLv: '01', listType: '201', refPriceFen: 26_000 })
  })

  it('carries the policy and the meta of the build', () => {
    expect(t.policy.region).toBe('demo')
    expect(t.meta.region).toBe('demo')
    expect(t.meta.sourcesChecksum).toMatch(/^[0-9a-f]{64}$/)
    expect(t.hospitals.size).toBeGreaterThan(250)
    // persons are not loaded (SPEC §11): read on demand, listed by streaming the file; 100,000 insured here and 300
    // visitors insured in 640000, whose policy the tables carry (SPEC §13)
    expect([...t.persons.values()].length).toBe(100_300)
    expect(t.persons.get('P000000001')?.psnNo).toBe('P000000001')
    expect(t.persons.get('V000000001')?.insuplcAdmdvs).toBe('640000')
    expect(t.persons.get('P000000001')?.insuplcAdmdvs).toBeNull()
    expect(t.policy.admdvs).toBe('150000')
    expect([...(t.otherPolicies?.keys() ?? [])]).toEqual(['640000'])
    expect(t.otherPolicies?.get('640000')?.basic['390'].deductible_yuan['3']).toBe(1000)
  })
})
