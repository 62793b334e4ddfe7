// `dipsettle monitoring report --month` (SPEC §14): per hospital, sorted by severity, from the flags recorded with
// the settlements. The pure report worked by hand on rows; then the CLI on the demo region (its policy has the rules).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { MonitoredSettlement } from '../../engine/ledger/monitoring-port.js'
import type { MonitoringFlag } from '../../engine/monitoring/types.js'
import { monitoringReport } from '../../engine/monitoring/report.js'
import { renderHospitalMonitoringHtml } from '../../engine/monitoring/report-html.js'
import { TABLES } from '../fixtures/claims.js'
import { cli, jsonLines } from '../cli/helpers.js'
import { demoTablesFile } from '../fixtures/tables.js'
import { tempDir } from '../ledger/fixtures.js'

const warn = (code: MonitoringFlag['code']): MonitoringFlag => ({ code, label: code, severity: 'warn', detail: 'd' })
const block = (code: MonitoringFlag['code']): MonitoringFlag => ({ code, label: code, severity: 'block', detail: 'd' })

function row(seq: number, code: string, flags: MonitoringFlag[], reversed = false): MonitoredSettlement {
  return {
    seq, setl_id: `S${seq}`, msgid: `m${seq}`, fixmedins_code: code, psn_no: 'P', insutype: '390', mdtrt_id: `M${seq}`,
    med_type: '21', begndate: '2026-09-01', enddate: '2026-09-05', reversed, flags,
  }
}

describe('the report, by hand', () => {
  // H1: S1 readmission (warn), S2 overlapping (warn) + sex (warn), S3 overlapping recorded when the rule was block
  // H2: S4 qty (warn), reversed. Sorted: H1 first (1 block), its items block, then by rule order, then seq.
  const rows = [
    row(1, 'H1', [warn('M_READMISSION')]), row(2, 'H1', [warn('M_OVERLAPPING_STAY'), warn('M_SEX_AGE')]),
    row(3, 'H1', [block('M_OVERLAPPING_STAY')]), row(4, 'H2', [warn('M_QTY_PER_DAY')], true), row(5, 'H2', []),
  ]
  const r = monitoringReport('2026-09', rows, TABLES, new Date('2026-10-01T00:00:00Z'))

  it('counts per hospital and per rule; items by severity, rule order, append order', () => {
    expect(r.settlements).toBe(4)
    expect(r.flags).toBe(5)
    expect(r.by_code).toEqual({ M_READMISSION: 1, M_OVERLAPPING_STAY: 2, M_SEX_AGE: 1, M_QTY_PER_DAY: 1 })
    expect(r.hospitals.map((h) => [h.fixmedins_code, h.settlements, h.by_severity])).toEqual([
      ['H1', 3, { block: 1, warn: 3 }], ['H2', 1, { block: 0, warn: 1 }]])
    expect(r.hospitals[0]!.items.map((i) => `${i.severity} ${i.code} ${i.setl_id}`)).toEqual([
      'block M_OVERLAPPING_STAY S3', 'warn M_OVERLAPPING_STAY S2', 'warn M_SEX_AGE S2', 'warn M_READMISSION S1'])
    expect(r.hospitals[1]!.items.map((i) => i.reversed)).toEqual([true])
  })

  it('the hospital page lists every item, a reversed one struck through', () => {
    const html = renderHospitalMonitoringHtml(r, r.hospitals[1]!)
    expect(html).toContain('<tr class="rev" title="已冲正">')
    expect(html).toContain('M_QTY_PER_DAY')
  })
})

describe('dipsettle monitoring report', () => {
  it('reports the month\'s flags of a ledger the CLI settled, JSON and one page per hospital', () => {
    const tmp = tempDir()
    const tables = demoTablesFile()
    const ledger = tmp.file('ledger.sqlite')
    // P000000001 lies at H15010200001 from 09-01 to 09-05 and at H15010200002 from 09-03 to 09-09: overlapping
    const stay = (n: number, hosp: string, mdtrt: string, begn: string, end: string) => ({
      msgid: `${hosp}2026091009000000${String(n).padStart(2, '0')}`, fixmedins_code: hosp, psn_no: 'P000000001', insutype: '390',
      mdtrt_id: mdtrt, med_type: '21', begndate: begn, enddate: end, dscg_way: '1', referral_from: null,
      diagnoses: [{ code: 'J18.000', main: true }], procedures: [],
      fees: [{ feedetl_sn: '1', code: 'XB01AC06A001', qty: 10, price: 0.5, amount: 5 }],
    })
    const claims = [stay(1, 'H15010200001', 'MA', '2026-09-01', '2026-09-05'), stay(2, 'H15010200002', 'MB', '2026-09-03', '2026-09-09')]
    const a = cli(['adjudicate', '--ledger', ledger, '--tables', tables], claims.map((c) => JSON.stringify(c)).join('\n') + '\n')
    expect(a.status, a.stderr).toBe(0)
    expect(jsonLines(a.stdout).map((r) => (r['monitoring'] as MonitoringFlag[]).map((f) => f.code))).toEqual([[], ['M_OVERLAPPING_STAY']])
    const out = tmp.file('reports')
    const p = cli(['monitoring', 'report', '--ledger', ledger, '--tables', tables, '--month', '2026-09', '--out', out])
    expect(p.status, p.stderr).toBe(0)
    const rep = jsonLines(p.stdout).at(-1) as unknown as ReturnType<typeof monitoringReport>
    expect(rep.hospitals.map((h) => [h.fixmedins_code, h.name, h.items.map((i) => `${i.severity} ${i.code} ${i.mdtrt_id}`)])).toEqual([
      ['H15010200002', '呼和浩特市第一人民医院', ['warn M_OVERLAPPING_STAY MB']]])
    expect(JSON.parse(readFileSync(join(out, 'monitoring-2026-09.json'), 'utf8'))).toEqual(rep)
    expect(existsSync(join(out, 'index-2026-09.html'))).toBe(true)
    expect(readFileSync(join(out, 'hospitals', 'H15010200002-2026-09.html'), 'utf8')).toContain('同一参保人在两家医院住院时间重叠')
    const bad = cli(['monitoring', 'report', '--ledger', ledger, '--month', '2026-13'])
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('--month must be YYYY-MM')])
    tmp.cleanup()
  })
})
