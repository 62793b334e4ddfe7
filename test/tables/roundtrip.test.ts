// What goes into the sources comes out of loadTables: values in = values out, in the engine's units.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildTables } from '../../grouper-data/build.js'
import { loadTables } from '../../engine/tables/load.js'
import { writeMiniSources } from '../grouper-data/mini-sources.js'

describe('loadTables round-trips the mini sources', () => {
  const dir = writeMiniSources()
  const out = join(dir, 'tables.sqlite')
  const report = buildTables({ sourcesDir: dir, outFile: out })
  const t = loadTables(out)

  it('diagnoses and procedures, upper-case, with the kinds given, derived and overridden', () => {
    expect([...t.diagnoses].sort()).toEqual(['A46.X00', 'E11.900', 'J18.900', 'J18.900X001', 'K80.100'])
    expect(Object.fromEntries(t.procedures)).toEqual({
      '88.4101': 'diagnostic', // 造影
      '33.2400X001': 'diagnostic', // 镜检查
      '51.2300': 'surgery', // 切除
      '99.1800': 'therapeutic', // given in the file
      '36.0700': 'therapeutic', // 置入 → surgery by the rule, overridden
    })
    expect(report.kindRules).toEqual({ 'diagnostic-keyword': 2, 'surgery-keyword': 1, given: 1, override: 1 })
  })

  it('catalogue items in fen and ppm, with empty cells as null', () => {
    expect(t.catalogue.get('SD001')).toEqual({ code: 'SD001', name: '头孢呋辛酯片', listType: '101', chrgitmLv: '01',
      priceCapFen: null, selfpayPropPpm: null, minHospLv: null, dxPrefix: null, vbp: true, refPriceFen: 120 })
    // cap 80 yuan → 8,000 fen; prop 0.2 → 200,000 ppm
    expect(t.catalogue.get('SC001')).toMatchObject({ priceCapFen: 8_000, selfpayPropPpm: 200_000, minHospLv: 2, vbp: false,
      refPriceFen: 10_000 })
    // dx_prefix written `e11` is held upper-case
    expect(t.catalogue.get('SD004')).toMatchObject({ dxPrefix: 'E11', refPriceFen: null })
    expect(t.catalogue.get('SD002')?.selfpayPropPpm).toBe(50_000)
  })

  it('DIP groups: given scores kept, missing ones computed, indexed by 亚目 and category:kind', () => {
    expect(t.dipGroups.get('J18.9')).toEqual({ groupCode: 'J18.9', kind: 'core', mainDx: 'J18.9', mainOp: null, otherOps: [],
      avgCostFen: 329_620, avgCostMicro: 3_296_196_142, cases: 29_626, avgIptDays: 7.765657, scoreMicro: 576_444_152,
      compositeKind: null })
    // computed: 7615.642328 / 5718.153489 × 1000 = 1331.835940… → 1,331,835,940 micro (the real catalogue says 1331.83594)
    expect(t.dipGroups.get('J18.9:33.2400x001')?.scoreMicro).toBe(1_331_835_940)
    expect(t.dipGroups.get('J18.9:33.2400x001')?.mainOp).toBe('33.2400X001')
    // 12000 / 5718.153489 × 1000 = 2098.580… → 2,098,580,xxx micro; other ops from the quoted field
    expect(t.dipGroups.get('K80.1:51.2300_88.4101')).toMatchObject({ mainOp: '51.2300', otherOps: ['88.4101'], avgCostFen: 1_200_000 })
    expect(t.dipGroupsByDx.get('J18.9')?.map((g) => g.groupCode)).toEqual(['J18.9', 'J18.9:33.2400x001'])
    expect(t.dipGroupsByDx.get('A46.X')?.map((g) => g.groupCode)).toEqual(['A46.x'])
    expect(t.compositeGroups.get('E11:BSZL')).toMatchObject({ groupCode: 'E11:BSZL', compositeKind: 'BSZL', kind: 'composite' })
    expect(t.dipGroupsByDx.has('E11')).toBe(false)
    expect(report.scoresComputed).toBe(3)
  })

  it('hospitals and persons, with coefficients in 1e-6 and balances in fen', () => {
    expect(t.hospitals.get('H15020300002')).toEqual({ code: 'H15020300002', name: '固阳县医院', city: '包头', level: 2,
      allianceId: 'GY01', allianceLead: true, dipCoefficientMicro: 900_000, tcm: false })
    expect(t.hospitals.get('H15020300003')).toMatchObject({ allianceId: null, allianceLead: false, dipCoefficientMicro: 1_050_000, tcm: true })
    // empty dip_coefficient: neutral 1.0
    expect(t.hospitals.get('H15020300004')?.dipCoefficientMicro).toBe(1_000_000)
    expect(report.coefficientsDefaulted).toBe(1)
    expect(t.persons.get('PB0002')).toEqual({ psnNo: 'PB0002', insutype: '310', psnKind: 'in_service', poverty: false,
      assistance: false, city: '包头', acctBalanceFen: 123_456, brdy: null, gend: null, insuplcAdmdvs: null })
    expect(t.persons.get('PB0003')).toMatchObject({ poverty: true, assistance: true, acctBalanceFen: 0 })
  })

  it('the policy as validated at build time, with the meta', () => {
    expect(t.policy.region).toBe('mini')
    expect(t.policy.dip.tcm_groups).toEqual(['J18.9'])
    expect(t.meta).toMatchObject({ region: 'mini', policyVersion: 'demo-2026-01-01', sourcesChecksum: report.checksum })
  })
})
