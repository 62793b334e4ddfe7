// The demo region generator is deterministic and writes a region the builder accepts.
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SEED, DEMO_STABLE_CODES, generateDemo } from '../../grouper-data/generate-demo.js'
import { mulberry32 } from '../../engine/demo/prng.js'
import { parseCsv } from '../../grouper-data/csv-file.js'
import { DEMO_SOURCES_DIR } from '../../engine/paths.js'

const FILES = ['hospitals.csv', 'persons.csv', 'catalogue.csv', 'policy.json', 'other-regions/640000.json']

function tempDir(): string {
  const root = join(tmpdir(), 'dipsettle-test')
  mkdirSync(root, { recursive: true })
  return mkdtempSync(join(root, 'gen-'))
}

const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8')

describe('generate-demo', () => {
  it('writes the same bytes for the same seed and different ones for another seed', () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()]
    generateDemo({ seed: 7, outDir: a, persons: 2_000 })
    generateDemo({ seed: 7, outDir: b, persons: 2_000 })
    generateDemo({ seed: 8, outDir: c, persons: 2_000 })
    for (const f of FILES) expect(read(b, f)).toBe(read(a, f))
    expect(read(c, 'persons.csv')).not.toBe(read(a, 'persons.csv'))
    expect(read(c, 'catalogue.csv')).not.toBe(read(a, 'catalogue.csv'))
  })

  it('reproduces the checked-in demo sources from the default seed', () => {
    const dir = tempDir()
    generateDemo({ seed: DEFAULT_SEED, outDir: dir })
    for (const f of FILES) expect(read(dir, f), f).toBe(read(DEMO_SOURCES_DIR, f))
  })

  it('mulberry32 is a fixed sequence', () => {
    const r = mulberry32(1)
    const first = [r(), r(), r()]
    const again = mulberry32(1)
    expect([again(), again(), again()]).toEqual(first)
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true)
  })

  it('models the region: 12-char hospital codes, one lead per county alliance, a realistic insured mix', () => {
    const hospitals = parseCsv(read(DEMO_SOURCES_DIR, 'hospitals.csv')).records.map((r) => r.values)
    expect(hospitals.length).toBeGreaterThanOrEqual(250)
    expect(hospitals.every((h) => /^H15[0-9]{9}$/.test(h.fixmedins_code ?? ''))).toBe(true)
    const leads = new Map<string, number>()
    for (const h of hospitals) if (h.alliance_id) leads.set(h.alliance_id, (leads.get(h.alliance_id) ?? 0) + Number(h.alliance_lead))
    expect([...leads.values()].every((n) => n === 1)).toBe(true)
    // the lead is the county hospital (level 2), the members are primary (level 1)
    for (const h of hospitals.filter((x) => x.alliance_id)) expect(h.level).toBe(h.alliance_lead === '1' ? '2' : '1')
    expect(hospitals.some((h) => h.tcm === '1')).toBe(true)

    const all = parseCsv(read(DEMO_SOURCES_DIR, 'persons.csv')).records.map((r) => r.values)
    // 异地就医: 300 visitors insured in the neighbouring region (other-regions/640000.json), after the 100,000 locals
    const persons = all.filter((p) => p.insuplc_admdvs === '')
    expect(persons.length).toBe(100_000)
    expect(all.slice(100_000).map((p) => p.insuplc_admdvs)).toEqual(Array(300).fill('640000'))
    const share = (f: (p: (typeof persons)[number]) => boolean): number => persons.filter(f).length / persons.length
    expect(share((p) => p.insutype === '310')).toBeCloseTo(0.35, 1)
    expect(share((p) => p.psn_kind === 'retired') / share((p) => p.insutype === '310')).toBeCloseTo(0.3, 1)
    expect(share((p) => p.poverty === '1')).toBeGreaterThan(0.01)
    expect(share((p) => p.poverty === '1')).toBeLessThan(0.08)
  })

  it('keeps the documented stable catalogue codes', () => {
    const cat = new Map(parseCsv(read(DEMO_SOURCES_DIR, 'catalogue.csv')).records.map((r) => [r.values.code, r.values]))
    expect(cat.size).toBeGreaterThan(3_000)
    expect(cat.get(DEMO_STABLE_CODES.jiaDrug)).toMatchObject({ chrgitm_lv: '01', list_type: '101' })
    expect(cat.get(DEMO_STABLE_CODES.yiDrugProp5)).toMatchObject({ chrgitm_lv: '02', selfpay_prop: '0.05' })
    expect(cat.get(DEMO_STABLE_CODES.bingDrug)).toMatchObject({ chrgitm_lv: '03' })
    expect(cat.get(DEMO_STABLE_CODES.cappedConsumable)).toMatchObject({ price_cap_yuan: '80.00', list_type: '301' })
    expect(cat.get(DEMO_STABLE_CODES.jiaItemAbove200)).toMatchObject({ chrgitm_lv: '01', list_type: '201', price_yuan: '260.00' })
    expect(cat.get(DEMO_STABLE_CODES.jiaItemBelow200)).toMatchObject({ chrgitm_lv: '01', list_type: '201', price_yuan: '80.00' })
    expect(cat.get(DEMO_STABLE_CODES.level2Drug)).toMatchObject({ min_hosp_lv: '2' })
    expect(cat.get(DEMO_STABLE_CODES.dxRestrictedDrug)).toMatchObject({ dx_prefix: 'E11' })
    expect(cat.get(DEMO_STABLE_CODES.mongolianDrug)).toMatchObject({ list_type: '103' })
    const kinds = new Set([...cat.values()].map((v) => `${v.list_type}`))
    expect([...kinds].sort()).toEqual(['101', '102', '103', '201', '301'])
  })
})
