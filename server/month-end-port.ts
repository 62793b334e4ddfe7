// The month-end port over the real engine (engine/settlement): runs, the hospital feedback report and its page, and
// 特例单议 applications, all through the ledger's reports port (engine/ledger/reports-port.ts). A closed month is data
// here (`closed`), turned into 409 by routes/month-end.ts.
import { parseYuan } from '../engine/money.js'
import type { ReportsPort } from '../engine/ledger/reports-port.js'
import type { Policy } from '../engine/policy/types.js'
import { hospitalReport, type HospitalFeedback } from '../engine/settlement/feedback.js'
import { settleMonth } from '../engine/settlement/month-end.js'
import { renderHospitalReportHtml } from '../engine/settlement/report-html.js'
import { applyForSpecialCase } from '../engine/settlement/runs.js'
import type { MonthEndReport as EngineReport } from '../engine/settlement/types.js'
import type { Tables } from '../engine/tables/types.js'
import type { MonthEndPort } from './engine-port.js'
import { echartsAsset } from './routes/report-assets.js'

export function monthEndPort(reports: ReportsPort, tables: Tables, policy: Policy): MonthEndPort {
  return {
    async run(req) {
      const budget = parseYuan(req.budgetYuan)
      if (!budget.ok) return { status: 'invalid', field: 'budget_yuan', message: 'budget_yuan must be yuan with at most 2 decimals' }
      const out = await settleMonth(reports, tables, policy, { month: req.month, pool: req.pool, budgetFen: budget.fen, close: req.close })
      if (out.status === 'refused') return { status: 'closed' }
      if (out.status === 'invalid') return { status: 'invalid', field: out.field, message: out.message }
      return { status: 'ok', report: out.report }
    },
    async hospitalReport(month, pool, code) {
      const r = await hospitalReport(reports, tables, policy, { month, pool, code })
      return r as unknown as Record<string, unknown> | undefined
    },
    renderHospitalReportHtml(report) {
      return renderHospitalReportHtml(report as unknown as HospitalFeedback, { echarts: { src: echartsAsset().url } })
    },
    async listRuns() {
      return (await reports.listRuns()).map((r) => {
        const report = JSON.parse(r.report_json) as EngineReport
        const codes = new Set<string>()
        for (const h of report.hospitals) {
          codes.add(h.fixmedins_code)
          for (const m of h.members) codes.add(m)
        }
        return { month: r.month, pool: r.pool, status: r.status, hospitals: [...codes].sort() }
      })
    },
    async applySpecialCase(req) {
      const out = await applyForSpecialCase(reports, req.setlId, req.hospital, req.note)
      if (out.status === 'refused') return { status: 'refused', code: out.refusal.code, message: out.refusal.message }
      return { status: 'applied', applied_at: out.applied_at }
    },
  }
}
