import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeMonthReports } from '../../engine/settlement/report-files.js'
import { hospitalReport, regionOverview } from '../../engine/settlement/feedback.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { renderHospitalReportHtml, renderRegionOverviewHtml } from '../../engine/settlement/report-html.js'
import { fen, testPolicy, testTables } from './fixtures.js'
import { pgLedgers, sqliteLedgers, type LedgerMaker } from './backends.js'
import { describePg } from '../ledger/pg-server.js'

const H1 = 'H00000000001'
const H2 = 'H00000000002'

function feedbackSuite(m: LedgerMaker): void {
  async function setup() {
    const policy = testPolicy()
    const tables = testTables(policy)
    const l = m.newLedger()
    // September: H1 one case of 1,000 points; October: H1 three cases, H2 one
    l.discharge({ code: H1, enddate: '2026-09-10', points: 1000, medfeeYuan: 9_000, hifpYuan: 6_000 })
    l.discharge({ code: H2, enddate: '2026-09-10', points: 1000, medfeeYuan: 9_000, hifpYuan: 6_000 })
    expect((await settleMonth(l, tables, policy, { month: '2026-09', pool: '390', budgetFen: fen(14_000), close: true })).status).toBe('ok')
    l.discharge({ code: H1, enddate: '2026-10-01', points: 600, medfeeYuan: 5_000, hifpYuan: 3_000, group: 'I63.9' })
    l.discharge({ code: H1, enddate: '2026-10-02', points: 400, medfeeYuan: 5_000, hifpYuan: 3_000, group: 'I63.9', deviation: 'low', flags: ['F_READMISSION'] })
    l.discharge({ code: H1, enddate: '2026-10-03', points: 1000, medfeeYuan: 9_000, hifpYuan: 6_000, group: 'K80.1', deviation: 'high' })
    const gone = l.discharge({ code: H1, enddate: '2026-10-04', points: 5000, medfeeYuan: 50_000, hifpYuan: 30_000, group: 'C34.9' })
    l.reverse(gone)
    l.discharge({ code: H2, enddate: '2026-10-05', points: 2000, medfeeYuan: 15_000, hifpYuan: 10_000, group: 'K80.1' })
    // October: 28,000 ÷ 0.7 = 40,000 yuan over 4,000 points → 10 yuan per point
    expect((await settleMonth(l, tables, policy, { month: '2026-10', pool: '390', budgetFen: fen(28_000), close: false })).status).toBe('ok')
    return { policy, tables, l }
  }

  describe('hospital feedback report (seed 001 月度反馈)', () => {
    it('lists points by group, deviation cases, flags and DIP against item-based cost, without reversed cases', async () => {
      const { policy, tables, l } = await setup()
      const r = await hospitalReport(l, tables, policy, { month: '2026-10', pool: '390', code: H1 })
      if (!r) throw new Error('no report')
      expect(r.point_value_yuan).toBe(10)
      // I63.9: 2 cases, 1,000 points → 10,000 yuan against 10,000 of items: gain 0; K80.1: 10,000 vs 9,000 → +1,000
      expect(r.groups).toEqual([
        { dip_group_code: 'I63.9', dip_kind: 'core', cases: 2, points: 1000, medfee_sumamt_yuan: 10_000, item_fund_yuan: 6_000, dip_amount_yuan: 10_000, gain_yuan: 0 },
        { dip_group_code: 'K80.1', dip_kind: 'core', cases: 1, points: 1000, medfee_sumamt_yuan: 9_000, item_fund_yuan: 6_000, dip_amount_yuan: 10_000, gain_yuan: 1_000 },
      ])
      expect(r.deviation_counts).toEqual({ normal: 1, low: 1, high: 1 })
      expect(r.deviation_cases.map((c) => c.deviation)).toEqual(['low', 'high'])
      expect(r.flag_counts).toEqual({ F_READMISSION: 1 })
      // 2,000 points over 3 cases ÷ scale 1,000 = 0.6667
      expect(r.cmi).toBe(0.6667)
      expect(r.settlement).toMatchObject({ dip_amount_yuan: 20_000, gain_yuan: 1_000 })
      // trend over the year's runs: September (closed, 10 yuan/point: 1,000 points) and October
      expect(r.trend.map((t) => [t.month, t.status, t.points, t.dip_amount_yuan])).toEqual([
        ['2026-09', 'closed', 1000, 10_000], ['2026-10', 'draft', 2000, 20_000]])
    })

    it('renders a page that needs no network: echarts inlined, data embedded', async () => {
      const { policy, tables, l } = await setup()
      const r = await hospitalReport(l, tables, policy, { month: '2026-10', pool: '390', code: H1 })
      if (!r) throw new Error('no report')
      const html = renderHospitalReportHtml(r)
      expect(html).not.toMatch(/<script[^>]+src=/)
      expect(html).toContain('echarts.init')
      expect(html.length).toBeGreaterThan(500_000) // the library itself
      expect(html).toContain('K80.1')
      const beside = renderHospitalReportHtml(r, { echarts: { src: '../echarts.min.js' } })
      expect(beside).toContain('<script src="../echarts.min.js"></script>')
      expect(beside.length).toBeLessThan(100_000)
    })

    it('gives the bureau an overview of every hospital with the point value over the year', async () => {
      const { tables, l } = await setup()
      const o = await regionOverview(l, tables, { month: '2026-10', pool: '390' })
      if (!o) throw new Error('no overview')
      expect(o.hospitals.map((h) => [h.fixmedins_code, h.dip_amount_yuan, h.item_total_yuan, h.gain_yuan])).toEqual([
        [H1, 20_000, 19_000, 1_000], [H2, 20_000, 15_000, 5_000]])
      expect(o.trend.map((t) => [t.month, t.point_value_yuan])).toEqual([['2026-09', 10], ['2026-10', 10]])
      expect(renderRegionOverviewHtml(o, { echarts: { src: 'echarts.min.js' } })).toContain(H2)
    })

    it('answers undefined for a month without a run', async () => {
      const { policy, tables, l } = await setup()
      expect(await hospitalReport(l, tables, policy, { month: '2026-11', pool: '390', code: H1 })).toBeUndefined()
    })
  })

  describe('report files', () => {
    it('write a page for every hospital of the region: units get their feedback, the others say why they have none', async () => {
      const { policy, tables, l } = await setup()
      const dir = mkdtempSync(join(tmpdir(), 'dipsettle-reports-'))
      try {
        const w = await writeMonthReports(l, tables, policy, { month: '2026-10', pool: '390', dir })
        expect(w?.hospitals).toBe(tables.hospitals.size)
        for (const code of tables.hospitals.keys()) {
          expect(existsSync(join(dir, 'hospitals', `${code}-2026-10-390.html`))).toBe(true)
        }
        // a hospital with no discharge this month: a page saying so, not a missing file
        const quiet = [...tables.hospitals.keys()].find((c) => c !== H1 && c !== H2) as string
        const page = JSON.parse(readFileSync(join(dir, 'hospitals', `${quiet}-2026-10-390.json`), 'utf8')) as { discharges: number }
        expect(page.discharges).toBe(0)
        expect(readFileSync(join(dir, 'hospitals', `${quiet}-2026-10-390.html`), 'utf8')).toContain('没有已结算的住院出院病例')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}

describe('feedback reports on SQLite', () => feedbackSuite(sqliteLedgers))
describePg('feedback reports on PostgreSQL', (url) => feedbackSuite(pgLedgers(url)))
