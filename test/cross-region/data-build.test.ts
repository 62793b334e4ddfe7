// SPEC §13 sources: persons.csv `insuplc_admdvs` (empty = insured here), the insuring regions' policies in
// other-regions/<admdvs>.json (the policy schema, problems naming the file and path), built into the tables.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildTables, SourceError } from '../../grouper-data/build.js'
import { NEIGHBOUR_POLICY_FILE } from '../../grouper-data/generate-demo.js'
import { loadTables } from '../../engine/tables/load.js'
import { MINI_FILES, writeMiniSources } from '../grouper-data/mini-sources.js'

const PERSONS = [
  'psn_no,insutype,psn_kind,poverty,assistance,city,acct_balance_yuan,insuplc_admdvs',
  'PB0001,390,resident,0,0,包头,,', // row 2: insured here
  'PB0002,310,in_service,0,0,包头,1234.56,150000', // row 3: this region's own admdvs: insured here
  'PV0001,390,resident,0,0,包头,,640000', // row 4: a visitor
].join('\n') + '\n'

const neighbour = (): Record<string, unknown> => JSON.parse(readFileSync(NEIGHBOUR_POLICY_FILE, 'utf8')) as Record<string, unknown>

/** Mini sources with the persons above and other-regions/<name> files. */
function sources(others: Record<string, string>, persons = PERSONS): string {
  const dir = writeMiniSources({ 'persons.csv': persons })
  mkdirSync(join(dir, 'other-regions'))
  for (const [name, text] of Object.entries(others)) writeFileSync(join(dir, 'other-regions', name), text)
  return dir
}

function problemsOf(dir: string): readonly string[] {
  try {
    buildTables({ sourcesDir: dir, outFile: join(dir, 'out.sqlite') })
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError)
    return (e as SourceError).problems
  }
  throw new Error('expected the build to fail')
}

describe('data build: 异地就医 sources', () => {
  it('builds the visitors and the insuring region\'s policy into the tables', () => {
    const dir = sources({ '640000.json': JSON.stringify(neighbour()) })
    const out = join(dir, 'out.sqlite')
    const report = buildTables({ sourcesDir: dir, outFile: out })
    expect(report.counts).toMatchObject({ persons: 3, otherRegions: 1, visitors: 1 })
    const t = loadTables(out)
    expect(t.persons.get('PB0001')?.insuplcAdmdvs).toBeNull()
    expect(t.persons.get('PB0002')?.insuplcAdmdvs).toBeNull()
    expect(t.persons.get('PV0001')?.insuplcAdmdvs).toBe('640000')
    expect(t.otherPolicies?.get('640000')?.basic['390'].annual_cap_yuan).toBe(150000)
  })

  it('a sources directory without insuplc_admdvs or other-regions builds as before', () => {
    const dir = writeMiniSources({ 'persons.csv': MINI_FILES['persons.csv'] })
    buildTables({ sourcesDir: dir, outFile: join(dir, 'out.sqlite') })
    const t = loadTables(join(dir, 'out.sqlite'))
    expect([...t.persons.values()].every((p) => p.insuplcAdmdvs === null)).toBe(true)
    expect(t.otherPolicies?.size).toBe(0)
  })

  it('an unknown insuring region names the file, row and column', () => {
    expect(problemsOf(sources({}))).toEqual([
      'persons.csv:4:insuplc_admdvs: unknown insuring region "640000": no other-regions/640000.json in the sources',
    ])
    const bad = PERSONS.replace('PV0001,390,resident,0,0,包头,,640000', 'PV0001,390,resident,0,0,包头,,64000X')
    expect(problemsOf(sources({ '640000.json': JSON.stringify(neighbour()) }, bad))).toEqual([
      'persons.csv:4:insuplc_admdvs: not a 6-digit admdvs "64000X"',
    ])
  })

  it('an insuring region\'s policy is validated by the policy schema, naming the file and the path', () => {
    const p = neighbour()
    ;(p['basic'] as Record<string, Record<string, unknown>>)['390']!['annual_cap_yuan'] = -1
    ;(p['assistance'] as Record<string, unknown>)['extra'] = 1
    expect(problemsOf(sources({ '640000.json': JSON.stringify(p) }))).toEqual([
      'other-regions/640000.json: basic.390.annual_cap_yuan: must be >= 0',
      'other-regions/640000.json: assistance.extra: unknown key "extra"',
      'persons.csv:4:insuplc_admdvs: unknown insuring region "640000": no other-regions/640000.json in the sources',
    ])
  })

  it('refuses a file not named by an admdvs, one whose admdvs differs from its name, bad JSON, and this region\'s own', () => {
    const other = { ...neighbour(), admdvs: '640000' }
    expect(problemsOf(sources({
      '640000.json': JSON.stringify(other),
      'ningxia.json': JSON.stringify(other),
      '650000.json': JSON.stringify(other),
      '660000.json': '{ not json',
      '150000.json': JSON.stringify({ ...other, admdvs: '150000' }),
    }))).toEqual([
      'other-regions/150000.json: 150000 is this region\'s own admdvs (policy.json admdvs)',
      'other-regions/650000.json: admdvs: "640000" differs from the file name\'s 650000',
      expect.stringMatching(/^other-regions\/660000\.json: \(root\): not valid JSON: /),
      'other-regions/ningxia.json: the file name must be the region\'s 6-digit admdvs (e.g. 150400.json)',
    ])
  })
})
