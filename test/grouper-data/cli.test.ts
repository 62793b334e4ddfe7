// `dipsettle data build` and `dipsettle start` through the real command line (run from the TypeScript sources).
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../engine/paths.js'
import { parseCsv, toCsv } from '../../grouper-data/csv-file.js'
import { loadTables } from '../../engine/tables/load.js'
import { withLine, writeMiniSources } from './mini-sources.js'

function dipsettle(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'engine', 'cli', 'main.ts'), ...args],
    { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function tempDir(prefix: string): string {
  const root = join(tmpdir(), 'dipsettle-test')
  mkdirSync(root, { recursive: true })
  return mkdtempSync(join(root, prefix))
}

// The contract check's sample region (tests only: the project never reads ../shared at run time).
const SHARED = join(PACKAGE_ROOT, '..', 'shared')
const haveShared = existsSync(join(SHARED, 'contract', 'region')) && existsSync(join(SHARED, 'data'))

/** Lay out the contract region the way ../shared/contract/check does: real lists, EMPTY procedure kinds, score column. */
function contractSources(dst: string): void {
  const data = join(SHARED, 'data')
  copyFileSync(join(data, 'icd10-yb2.0.csv'), join(dst, 'diagnoses.csv'))
  const ops = parseCsv(readFileSync(join(data, 'icd9cm3-yb2.0.csv'), 'utf8'))
  writeFileSync(join(dst, 'procedures.csv'), toCsv(['code', 'name', 'kind'], ops.records.map((r) => [r.values.code ?? '', r.values.name ?? '', ''])))
  const cols = ['group_code', 'kind', 'main_dx_code', 'main_op_code', 'other_op_codes', 'avg_cost_yuan', 'cases', 'avg_ipt_days', 'score']
  const dip = parseCsv(readFileSync(join(data, 'dip-catalogue-pingdingshan-2025.csv'), 'utf8'))
  writeFileSync(join(dst, 'dip-groups.csv'), toCsv(cols, dip.records.map((r) => cols.map((c) => r.values[c] ?? ''))))
  for (const f of ['catalogue.csv', 'hospitals.csv', 'persons.csv', 'policy.json']) {
    copyFileSync(join(SHARED, 'contract', 'region', f), join(dst, f))
  }
}

describe('dipsettle data build', () => {
  it.skipIf(!haveShared)('builds the contract region (derived procedure kinds) and reports to stderr', () => {
    const dir = tempDir('contract-')
    contractSources(dir)
    const out = join(dir, 'tables.sqlite')
    const r = dipsettle('data', 'build', '--sources', dir, '--out', out)
    expect(r.stderr).toContain('DIP groups 4444: core 3877, composite 567')
    expect(r.status).toBe(0)
    const t = loadTables(out)
    expect(t.hospitals.get('H15020300002')).toMatchObject({ allianceId: 'GY01', allianceLead: true })
    expect(t.catalogue.get('SC001')?.priceCapFen).toBe(8_000)
    expect(t.procedures.get('88.4101')).toBe('diagnostic')
    // a second run leaves the file alone
    const again = dipsettle('data', 'build', '--sources', dir, '--out', out)
    expect(again.status).toBe(0)
    expect(again.stderr).toContain('tables up to date')
  })

  it('exits 1 naming file, row and column, and writes nothing', () => {
    const dir = writeMiniSources({ 'catalogue.csv': withLine('catalogue.csv', 3, 'SD002,蒙药 珍宝丸,103,02,abc,0.05,,,0,4.52') })
    const out = join(dir, 'tables.sqlite')
    const r = dipsettle('data', 'build', '--sources', dir, '--out', out)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('catalogue.csv:3:price_cap_yuan: not a number "abc"')
    expect(existsSync(out)).toBe(false)
  })
})

describe('a region other than the demo', () => {
  it('builds without code changes and `dipsettle start` summarises it', () => {
    // 赤峰: other hospitals, persons, catalogue and policy region; same real code lists shape
    const dir = writeMiniSources({
      'hospitals.csv': [
        'fixmedins_code,name,city,level,alliance_id,alliance_lead,dip_coefficient,tcm',
        'H15042900001,宁城县中心医院,赤峰,2,NC,1,0.92,0',
        'H15042900002,宁城县八里罕镇卫生院,赤峰,1,NC,0,0.74,0',
        'H15040200001,赤峰市医院,赤峰,3,,0,1.08,0',
        'H15040200002,赤峰市蒙医中医医院,赤峰,3,,0,1.02,1',
      ].join('\n') + '\n',
      'persons.csv': 'psn_no,insutype,psn_kind,poverty,assistance,city\nCF001,390,resident,1,1,赤峰\nCF002,310,retired,0,0,赤峰\n',
      'catalogue.csv': 'code,name,list_type,chrgitm_lv,price_cap_yuan,selfpay_prop,min_hosp_lv,dx_prefix\n' +
        'ZA01BA0001,血塞通软胶囊,102,02,,0.1,,\nT110300001,床位费,201,01,40,,,\n',
    }, (p) => { p.region = '赤峰'; p.version = 'chifeng-2026' })
    const out = join(dir, 'tables.sqlite')
    const r = dipsettle('start', '--no-serve', '--sources', dir, '--tables', out)
    expect(r.stderr).toContain('built')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('region 赤峰 (policy chifeng-2026)')
    expect(r.stdout).toContain('hospitals 4: level 1 1, 2 1, 3 2; 1 county alliances (医共体), 1 中蒙医')
    expect(r.stdout).toContain('persons 2: 310/retired 职工退休 1, 390/resident 城乡居民 1; poverty 1, assistance 1')
    const t = loadTables(out)
    expect(t.meta.region).toBe('赤峰')
    expect(t.catalogue.get('T110300001')?.priceCapFen).toBe(4_000)
    expect(t.persons.get('CF001')?.acctBalanceFen).toBe(0)
  })
})
