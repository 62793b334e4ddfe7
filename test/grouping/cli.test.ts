// `dipsettle group` end to end: JSON lines in → one { msgid, dip } line per claim, in order; exit codes (SPEC §8).
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromRoot } from '../../engine/paths.js'
import { demoTablesFile, loadDemoTables } from '../fixtures/tables.js'

const run = (args: string[], input = '') =>
  spawnSync(process.execPath, ['--import', 'tsx', fromRoot('engine', 'cli', 'main.ts'), 'group', ...args], { input, encoding: 'utf8' })

function body(n: number, dx: string, procs: string[]): string {
  const hosp = [...loadDemoTables().hospitals.keys()][0] as string
  const psn = (loadDemoTables().persons.values()[Symbol.iterator]().next().value as { psnNo: string }).psnNo
  const fee = [...loadDemoTables().catalogue.keys()][0] as string
  return JSON.stringify({
    msgid: `${hosp}20261009100000${String(n).padStart(4, '0')}`, fixmedins_code: hosp, psn_no: psn, insutype: loadDemoTables().persons.get(psn)?.insutype,
    mdtrt_id: `MG${n}`, med_type: '21', begndate: '2026-10-01', enddate: '2026-10-09', dscg_way: '1', referral_from: null,
    diagnoses: [{ code: dx, main: true }], procedures: procs.map((code, i) => ({ code, main: i === 0 })),
    fees: [{ feedetl_sn: '1', code: fee, qty: 1, price: 3000, amount: 3000 }],
  })
}

describe('dipsettle group', () => {
  it('answers one line per input line, in order: dip results, and rejections for bad JSON', () => {
    const input = [body(1, 'J18.900', []), '{not json', body(2, 'G45.900', ['88.4101'])].join('\n') + '\n'
    const p = run(['--tables', demoTablesFile()], input)
    expect(p.status).toBe(0)
    const out = p.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(out).toHaveLength(3)
    expect(out[0]).toMatchObject({ dip: { group_code: 'J18.9', kind: 'core' } })
    expect(Object.keys(out[0]?.dip as object)).toEqual(expect.arrayContaining(['group_code', 'kind', 'score', 'points', 'deviation', 'flags']))
    expect(out[1]).toMatchObject({ msgid: null, status: 'rejected', reasons: [{ code: 'E_BAD_JSON' }] })
    expect(out[2]).toMatchObject({ dip: { group_code: 'G45.9:88.4101' } })
  })

  it('--trace adds the match trace', () => {
    const p = run(['--tables', demoTablesFile(), '--trace'], body(3, 'J18.900', []) + '\n')
    expect(JSON.parse(p.stdout)).toMatchObject({ dip: { trace: { subcategory: 'J18.9', rule: 'core: the only fitting group' } } })
  })

  it('--ledger groups against the ledger\'s stays: a readmission within the window is flagged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dipsettle-group-'))
    try {
      const ledger = join(dir, 'ledger.sqlite')
      // the first J18 stay (discharged 10-09) settles into the ledger
      const settle = spawnSync(process.execPath, ['--import', 'tsx', fromRoot('engine', 'cli', 'main.ts'), 'adjudicate',
        '--tables', demoTablesFile(), '--ledger', ledger], { input: body(10, 'J18.900', []) + '\n', encoding: 'utf8' })
      expect(JSON.parse(settle.stdout)).toMatchObject({ status: 'settled' })
      // the same person back with J18 from 10-12 (3 days later, window 15): flagged with the ledger, not without it
      const again = JSON.stringify({ ...JSON.parse(body(11, 'J18.900', [])), begndate: '2026-10-12', enddate: '2026-10-20' }) + '\n'
      const withLedger = JSON.parse(run(['--tables', demoTablesFile(), '--ledger', ledger], again).stdout) as { dip: { flags: string[] } }
      expect(withLedger.dip.flags).toContain('F_READMISSION')
      const without = JSON.parse(run(['--tables', demoTablesFile()], again).stdout) as { dip: { flags: string[] } }
      expect(without.dip.flags).not.toContain('F_READMISSION')
      expect(run(['--tables', demoTablesFile(), '--ledger', join(dir, 'missing.sqlite')], again).status).toBe(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a missing tables file is bad usage: exit 2', () => {
    expect(run(['--tables', '/nonexistent/tables.sqlite']).status).toBe(2)
  })
})
