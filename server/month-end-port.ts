// The month-end port over the real engine (engine/settlement): runs, the hospital feedback report and its page, all in
// the ledger file. A closed month is data here (`closed`), turned into 409 by routes/month-end.ts.
import type Database from 'better-sqlite3'
import { parseYuan } from '../engine/money.js'
import type { Policy } from '../engine/policy/types.js'
import { hospitalReport, type HospitalFeedback } from '../engine/settlement/feedback.js'
import { settleMonth } from '../engine/settlement/month-end.js'
import { renderHospitalReportHtml } from '../engine/settlement/report-html.js'
import type { MonthEndReport as EngineReport } from '../engine/settlement/types.js'
import type { Tables } from '../engine/tables/types.js'
import type { MonthEndPort } from './engine-port.js'
import { echartsAsset } from './routes/report-assets.js'

export function monthEndPort(db: Database.Database, tables: Tables, policy: Policy): MonthEndPort {
  const ledger = { db }
  const hasRuns = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'month_end_runs'").get() !== undefined
  return {
    run(req) {
      const budget = parseYuan(req.budgetYuan)
      if (!budget.ok) return { status: 'invalid', field: 'budget_yuan', message: 'budget_yuan must be yuan with at most 2 decimals' }
      const out = settleMonth(ledger, tables, policy, { month: req.month, pool: req.pool, budgetFen: budget.fen, close: req.close })
      if (out.status === 'refused') return { status: 'closed' }
      if (out.status === 'invalid') return { status: 'invalid', field: out.field, message: out.message }
      return { status: 'ok', report: out.report }
    },
    hospitalReport(month, pool, code) {
      if (!hasRuns()) return undefined
      const r = hospitalReport(ledger, tables, policy, { month, pool, code })
      return r as unknown as Record<string, unknown> | undefined
    },
    renderHospitalReportHtml(report) {
      return renderHospitalReportHtml(report as unknown as HospitalFeedback, { echarts: { src: echartsAsset().url } })
    },
    listRuns() {
      if (!hasRuns()) return []
      const rows = db.prepare('SELECT month, pool, status, report_json FROM month_end_runs ORDER BY month DESC, pool').all() as
        { month: string; pool: string; status: string; report_json: string }[]
      return rows.map((r) => {
        const report = JSON.parse(r.report_json) as EngineReport
        const codes = new Set<string>()
        for (const h of report.hospitals) {
          codes.add(h.fixmedins_code)
          for (const m of h.members) codes.add(m)
        }
        return { month: r.month, pool: r.pool, status: r.status, hospitals: [...codes].sort() }
      })
    },
  }
}
