// `dipsettle clearing cross-region` (SPEC §13): visitors' demo claims adjudicated into a ledger by the CLI, then the
// month's clearing — the JSON report on stdout and the files beside it; usage errors exit 2.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { cli, jsonLines } from '../cli/helpers.js'
import { demoTablesFile, loadDemoTables } from '../fixtures/tables.js'

const dir = mkdtempSync(join(tmpdir(), 'dipsettle-xr-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('dipsettle clearing cross-region', () => {
  it('reports per insuring region what the adjudicated visitors\' settlements answered', () => {
    const ledger = join(dir, 'ledger.sqlite')
    const claims = [...generateDemoClaims(loadDemoTables(), { count: 30, seed: 3, month: '2026-10', visitorEvery: 3 })]
    const adj = cli(['adjudicate', '--tables', demoTablesFile(), '--ledger', ledger], claims.map((c) => JSON.stringify(c)).join('\n') + '\n')
    expect(adj.status).toBe(0)
    const answers = jsonLines(adj.stdout) as { status: string; setl_id: string; psn_no?: string; setlinfo: { fund_pay_sumamt: number } }[]
    const visitors = answers.filter((a, i) => a.status === 'settled' && claims[i]!.psn_no.startsWith('V'))
    expect(visitors.length).toBeGreaterThanOrEqual(5)

    const out = join(dir, 'reports')
    const r = cli(['clearing', 'cross-region', '--ledger', ledger, '--month', '2026-10', '--tables', demoTablesFile(), '--report-dir', out])
    expect(r.status).toBe(0)
    const report = jsonLines(r.stdout).at(-1) as { regions: { insuplc_admdvs: string; settlements: number; setl_ids: string[]; fund_pay_sumamt_yuan: number }[] }
    expect(report.regions.map((g) => g.insuplc_admdvs)).toEqual(['640000'])
    const g = report.regions[0]!
    expect(g.settlements).toBe(visitors.length)
    expect(g.setl_ids).toEqual(visitors.map((a) => a.setl_id))
    // Σ in fen of what each answer said its funds paid
    expect(Math.round(g.fund_pay_sumamt_yuan * 100)).toBe(visitors.reduce((s, a) => s + Math.round(a.setlinfo.fund_pay_sumamt * 100), 0))
    expect(JSON.parse(readFileSync(join(out, 'cross-region-2026-10.json'), 'utf8'))).toEqual(report)
    expect(existsSync(join(out, 'cross-region-2026-10.html'))).toBe(true)
  })

  it('refuses a bad month or a missing ledger with exit 2', () => {
    expect(cli(['clearing', 'cross-region', '--ledger', join(dir, 'ledger.sqlite'), '--month', '2026-13']).status).toBe(2)
    expect(cli(['clearing', 'cross-region', '--ledger', join(dir, 'nope.sqlite'), '--month', '2026-10']).status).toBe(2)
  })
})
