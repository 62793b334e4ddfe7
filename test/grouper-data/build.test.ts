// The builder: the real data builds with the expected counts; each kind of bad source fails with its exact
// `file:row:column` message and leaves no output file; a rebuild is skipped while the sources are unchanged.
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { buildTables, SourceError, type BuildReport } from '../../grouper-data/build.js'
import { demoTablesFile } from '../fixtures/tables.js'
import { withExtra, withLine, writeMiniSources } from './mini-sources.js'

function outFor(dir: string): string {
  return join(dir, 'out', 'tables.sqlite')
}

/** Build and return the problems (the build must fail). */
function problemsOf(dir: string): readonly string[] {
  const out = outFor(dir)
  try {
    buildTables({ sourcesDir: dir, outFile: out })
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError)
    // nothing at `out`, and no temp file left behind
    expect(existsSync(out)).toBe(false)
    if (existsSync(dirname(out))) expect(readdirSync(dirname(out))).toEqual([])
    return (e as SourceError).problems
  }
  throw new Error('expected the build to fail')
}

describe('building the demo region from the real lists', () => {
  const file = demoTablesFile()
  const db = new Database(file, { readonly: true })
  const report = JSON.parse((db.prepare("SELECT value FROM meta WHERE key = 'report'").get() as { value: string }).value) as BuildReport

  it('holds every diagnosis, procedure and DIP group of the reference data', () => {
    expect(report.counts.diagnoses).toBe(32_189)
    expect(report.counts.procedures).toBe(13_520)
    expect(report.counts.dipGroups).toBe(4_444)
    expect(report.counts.dipByKind).toEqual({ core: 3_877, composite: 567, primary: 0, per_diem: 0 })
    const n = (t: string): number => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
    expect([n('diagnoses'), n('procedures'), n('dip_groups')]).toEqual([32_189, 13_520, 4_444])
  })

  it('keeps J18.9 at score 576.444152 from its average cost 3,296.196142', () => {
    // 3296.196142 / 5718.153489 × 1000 = 576.444152 (given in the catalogue and checked by the builder)
    const g = db.prepare("SELECT avg_cost_yuan, avg_cost_fen, score_micro, score_given FROM dip_groups WHERE group_code = 'J18.9'").get()
    expect(g).toEqual({ avg_cost_yuan: 3296.196142, avg_cost_fen: 329_620, score_micro: 576_444_152, score_given: 1 })
  })

  it('derives every procedure kind and reports how many codes each rule classified', () => {
    const total = Object.values(report.kindRules).reduce((a, b) => a + (b ?? 0), 0)
    expect(total).toBe(13_520)
    // procedures.csv leaves kind empty; the 6 codes of procedure-kind-overrides.csv are applied last
    expect(report.kindRules.given ?? 0).toBe(0)
    expect(report.kindRules.override).toBe(6)
    const kinds = db.prepare('SELECT kind, count(*) AS n FROM procedures GROUP BY kind ORDER BY kind').all() as { kind: string; n: number }[]
    expect(kinds.map((k) => k.kind)).toEqual(['diagnostic', 'surgery', 'therapeutic'])
    // 88.4101 脑动脉造影 looks (diagnostic); 32.4100 胸腔镜下肺叶切除术 operates; 36.0700 stenting is overridden to 介入 therapeutic
    const kind = (c: string): string => (db.prepare('SELECT kind FROM procedures WHERE code_uc = ?').get(c) as { kind: string }).kind
    expect([kind('88.4101'), kind('32.4100'), kind('36.0700')]).toEqual(['diagnostic', 'surgery', 'therapeutic'])
  })

  it('stores the policy, its version and the sources checksum in meta', () => {
    const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]))
    expect(meta.region).toBe('demo')
    expect(meta.policy_version).toBe('demo-2026-01-01')
    expect(meta.sources_checksum).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.parse(meta.policy_json ?? '{}').dip.region_avg_cost_yuan).toBe(5718.153489)
  })
})

describe('a bad source fails naming file, row and column, and writes nothing', () => {
  it('a price cap that is not a number', () => {
    const dir = writeMiniSources({ 'catalogue.csv': withLine('catalogue.csv', 3, 'SD002,蒙药 珍宝丸,103,02,abc,0.05,,,0,4.52') })
    expect(problemsOf(dir)).toEqual(['catalogue.csv:3:price_cap_yuan: not a number "abc"'])
  })

  it('a diagnosis restriction that no diagnosis code starts with', () => {
    const dir = writeMiniSources({ 'catalogue.csv': withLine('catalogue.csv', 5, 'SD004,甘精胰岛素注射液,101,02,,,,Z99,0,') })
    expect(problemsOf(dir)).toEqual(['catalogue.csv:5:dx_prefix: unknown diagnosis prefix "Z99" (no code in diagnoses.csv starts with it)'])
  })

  it('a duplicate code (case-insensitive: x and X are the same code)', () => {
    const dir = writeMiniSources({ 'diagnoses.csv': withExtra('diagnoses.csv', 'J18.900X001,重复') })
    // the new line is row 7 (header + 5 codes + it); the first J18.900x001 is row 3
    expect(problemsOf(dir)).toEqual(['diagnoses.csv:7:code: duplicate code "J18.900X001" (first at row 3)'])
  })

  it('a county alliance without a lead', () => {
    const dir = writeMiniSources({ 'hospitals.csv': withLine('hospitals.csv', 3, 'H15020300002,固阳县医院,包头,2,GY01,0,0.9,0') })
    expect(problemsOf(dir)).toEqual(['hospitals.csv:2:alliance_id: alliance "GY01" has no lead (exactly one member needs alliance_lead 1)'])
  })

  it('an alliance with two leads', () => {
    const dir = writeMiniSources({ 'hospitals.csv': withLine('hospitals.csv', 2, 'H15020300001,金山镇卫生院,包头,1,GY01,1,0.75,0') })
    expect(problemsOf(dir)).toEqual(['hospitals.csv:3:alliance_lead: alliance "GY01" already has a lead at row 2'])
  })

  it('a DIP score that disagrees with its costs', () => {
    const dir = writeMiniSources({ 'dip-groups.csv': withLine('dip-groups.csv', 2, 'J18.9,core,J18.9,,,3296.196142,29626,7.765657,600') })
    // 3296.196142 / 5718.153489 × 1000 = 576.4441525… (shown to 6 decimals: 576.444153; the catalogue's 576.444152
    // was computed before its average cost was rounded), not 600
    expect(problemsOf(dir)).toEqual([
      'dip-groups.csv:2:score: 600 does not equal avg_cost_yuan / dip.region_avg_cost_yuan × dip.scale = 576.444153',
    ])
  })

  it('an unknown key in the policy', () => {
    const dir = writeMiniSources({}, (p) => { (p.dip as Record<string, unknown>).surprise = 1 })
    expect(problemsOf(dir)).toEqual(['policy.json: dip.surprise: unknown key "surprise"'])
  })

  it('a policy group code that is not in the DIP catalogue', () => {
    const dir = writeMiniSources({}, (p) => { (p.dip as Record<string, unknown>).primary_groups = ['A46.x', 'Q99.9'] })
    expect(problemsOf(dir)).toEqual(['policy.json: dip.primary_groups.1: unknown DIP group "Q99.9" (not in dip-groups.csv)'])
  })

  it('a DIP group whose diagnosis or procedure is not listed', () => {
    const dir = writeMiniSources({ 'dip-groups.csv': withExtra('dip-groups.csv',
      'Q99.9,core,Q99.9,,,1000,20,5,', 'J18.9:99.9999,core,J18.9,99.9999,,1000,20,5,') })
    expect(problemsOf(dir)).toEqual([
      'dip-groups.csv:7:main_dx_code: unknown diagnosis "Q99.9" (no code in diagnoses.csv starts with it)',
      'dip-groups.csv:8:main_op_code: unknown procedure "99.9999" (not in procedures.csv)',
    ])
  })

  it('enumerations, flags and missing columns, all reported at once', () => {
    const dir = writeMiniSources({
      'catalogue.csv': withLine('catalogue.csv', 2, 'SD001,头孢呋辛酯片,101,04,,1.5,4,,2,1.20'),
      'persons.csv': withLine('persons.csv', 3, 'PB0002,310,resident,0,yes,包头,1234.56'),
      'hospitals.csv': 'fixmedins_code,name,city,level,alliance_id,alliance_lead,tcm\n',
    })
    // a missing column is found when the file is opened, before any row is read
    expect(problemsOf(dir)).toEqual([
      'hospitals.csv:1:dip_coefficient: missing column',
      'catalogue.csv:2:chrgitm_lv: "04" is not one of 01, 02, 03',
      'catalogue.csv:2:selfpay_prop: out of range [0, 1]: 1.5',
      'catalogue.csv:2:min_hosp_lv: "4" is not one of 1, 2, 3',
      'catalogue.csv:2:vbp: "2" is not one of 0, 1',
      'persons.csv:3:psn_kind: "resident" does not fit insutype 310 (in_service or retired)',
      'persons.csv:3:assistance: "yes" is not one of 0, 1',
    ])
  })

  it('a missing file', () => {
    expect(problemsOf(writeMiniSources({ 'hospitals.csv': null }))).toEqual(['hospitals.csv: missing file'])
  })

  it('persons.csv may be missing: a region whose persons are imported into its ledger (SPEC §11)', () => {
    const dir = writeMiniSources({ 'persons.csv': null })
    const r = buildTables({ sourcesDir: dir, outFile: outFor(dir) })
    expect(r.counts.persons).toBe(0)
  })
})

describe('rebuilding', () => {
  it('is skipped while the sources are unchanged, and happens when one changes or when forced', () => {
    const dir = writeMiniSources()
    const out = outFor(dir)
    const first = buildTables({ sourcesDir: dir, outFile: out })
    expect(first.skipped).toBeUndefined()
    // make the file look old so that a rewrite would be visible in its mtime
    utimesSync(out, new Date(2000, 0, 1), new Date(2000, 0, 1))
    const second = buildTables({ sourcesDir: dir, outFile: out })
    expect(second.skipped).toBe(true)
    expect(second.counts).toEqual(first.counts)
    expect(statSync(out).mtime.getFullYear()).toBe(2000)

    const forced = buildTables({ sourcesDir: dir, outFile: out, force: true })
    expect(forced.skipped).toBeUndefined()
    expect(statSync(out).mtime.getFullYear()).toBeGreaterThan(2000)

    utimesSync(out, new Date(2000, 0, 1), new Date(2000, 0, 1))
    writeFileSync(join(dir, 'persons.csv'), withExtra('persons.csv', 'PB0005,390,resident,0,0,包头,'))
    const changed = buildTables({ sourcesDir: dir, outFile: out })
    expect(changed.skipped).toBeUndefined()
    expect(changed.counts.persons).toBe(5)
    expect(statSync(out).mtime.getFullYear()).toBeGreaterThan(2000)
  })

  it('a failed rebuild leaves the previous tables in place', () => {
    const dir = writeMiniSources()
    const out = outFor(dir)
    buildTables({ sourcesDir: dir, outFile: out })
    writeFileSync(join(dir, 'persons.csv'), withExtra('persons.csv', 'PB0001,390,resident,0,0,包头,'))
    expect(() => buildTables({ sourcesDir: dir, outFile: out })).toThrow('persons.csv:6:psn_no: duplicate code "PB0001" (first at row 2)')
    expect(existsSync(out)).toBe(true)
    expect(readdirSync(dirname(out))).toEqual(['tables.sqlite'])
  })
})

it('a sources directory that does not exist is a source error', () => {
  expect(() => buildTables({ sourcesDir: join(tmpdir(), 'dipsettle-test', 'no-such-dir'), outFile: join(tmpdir(), 'x.sqlite') }))
    .toThrow(SourceError)
})
