// Each hospital's feedback report shows its own 智能监控 flags (SPEC §14): of its settlements of the run's month and
// pool that the run saw (seq ≤ the run's ledger seq), by severity.
import { expect, it } from 'vitest'
import { hospitalReport } from '../../engine/settlement/feedback.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { renderHospitalReportHtml } from '../../engine/settlement/report-html.js'
import { fen, testPolicy, testTables, TestLedger } from '../settlement/fixtures.js'

const H1 = 'H00000000001'
const H2 = 'H00000000002'
const flag = (code: string, severity: 'warn' | 'block', detail: string) => ({ code, label: `标签 ${code}`, severity, detail })

it('lists the hospital\'s own flags of the run, by severity', async () => {
  const policy = testPolicy()
  const tables = testTables(policy)
  const l = new TestLedger(':memory:')
  const base = { enddate: '2026-10-05', points: 1000, medfeeYuan: 9_000, hifpYuan: 6_000 }
  l.discharge({ ...base, code: H1, monitoring: [flag('M_READMISSION', 'warn', '再入院')] })
  l.discharge({ ...base, code: H1, monitoring: [flag('M_QTY_PER_DAY', 'warn', '护理 25'), flag('M_OVERLAPPING_STAY', 'block', '重叠')] })
  l.discharge({ ...base, code: H2, monitoring: [flag('M_SEX_AGE', 'warn', '性别')] })
  l.discharge({ ...base, code: H1, insutype: '310', monitoring: [flag('M_SEX_AGE', 'warn', '职工')] }) // another pool
  expect((await settleMonth(l, tables, policy, { month: '2026-10', pool: '390', budgetFen: fen(14_000), close: false })).status).toBe('ok')
  l.discharge({ ...base, code: H1, monitoring: [flag('M_FEE_OUTSIDE_STAY', 'warn', '之后')] }) // after the run
  const r = await hospitalReport(l, tables, policy, { month: '2026-10', pool: '390', code: H1 })
  if (!r?.monitoring) throw new Error('no monitoring section')
  // H1, pool 390, seen by the run: two settlements, three flags; the block first, then warn in the rule order
  expect([r.monitoring.settlements, r.monitoring.by_severity]).toEqual([2, { block: 1, warn: 2 }])
  expect(r.monitoring.items.map((i) => `${i.severity} ${i.code} ${i.detail}`)).toEqual([
    'block M_OVERLAPPING_STAY 重叠', 'warn M_QTY_PER_DAY 护理 25', 'warn M_READMISSION 再入院'])
  const html = renderHospitalReportHtml(r)
  expect(html).toContain('智能监控 (拒付 1 · 预警 2)')
  expect(html).toContain('护理 25')
})
