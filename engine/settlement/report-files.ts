// Writes a month-end run's reports into a directory: the run's JSON, the region overview and one feedback page per
// settlement unit (JSON + HTML), with one copy of echarts.min.js beside the pages (viewable offline).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Policy } from '../policy/types.js'
import type { Tables } from '../tables/types.js'
import { hospitalReport, regionOverview, runReportContext } from './feedback.js'
import { echartsFile, renderHospitalReportHtml, renderNoUnitHtml, renderRegionOverviewHtml } from './report-html.js'
import { reportsOf, type LedgerDb, type Pool } from './types.js'

export interface WrittenReports {
  readonly dir: string
  readonly report: string
  readonly overview: string
  readonly hospitals: number
}

/** `<dir>/month-end-<month>-<pool>.json`, `overview-<month>-<pool>.html`, `hospitals/<code>-<month>-<pool>.{json,html}`. */
export async function writeMonthReports(ledger: LedgerDb, tables: Tables, policy: Policy, q: { month: string; pool: Pool; dir: string }): Promise<WrittenReports | undefined> {
  const port = reportsOf(ledger)
  // the run and its parsed report, read once for the run's JSON and every hospital page
  const context = await runReportContext(port, tables, policy, q.month, q.pool)
  const overview = await regionOverview(port, tables, q)
  if (!context || !overview) return undefined
  const report = context.report
  const hdir = join(q.dir, 'hospitals')
  mkdirSync(hdir, { recursive: true })
  copyFileSync(echartsFile(), join(q.dir, 'echarts.min.js'))
  const tag = `${q.month}-${q.pool}`
  const reportFile = join(q.dir, `month-end-${tag}.json`)
  writeFileSync(reportFile, JSON.stringify(report, null, 2) + '\n')
  const overviewFile = join(q.dir, `overview-${tag}.html`)
  writeFileSync(join(q.dir, `overview-${tag}.json`), JSON.stringify(overview, null, 2) + '\n')
  writeFileSync(overviewFile, renderRegionOverviewHtml(overview, {
    echarts: { src: 'echarts.min.js' }, hospitalHref: (code) => `hospitals/${code}-${tag}.html`,
  }))
  for (const h of report.hospitals) {
    const fb = await hospitalReport(port, tables, policy, { month: q.month, pool: q.pool, code: h.fixmedins_code }, context)
    if (!fb) continue
    writeFileSync(join(hdir, `${h.fixmedins_code}-${tag}.json`), JSON.stringify(fb, null, 2) + '\n')
    writeFileSync(join(hdir, `${h.fixmedins_code}-${tag}.html`), renderHospitalReportHtml(fb, { echarts: { src: '../echarts.min.js' } }))
  }
  // every other hospital of the region gets its page too: where its figures are (its alliance lead) or that it had
  // no discharge, so a hospital never finds its report missing
  const leadOf = new Map<string, string>()
  for (const h of report.hospitals) for (const m of h.members) if (m !== h.fixmedins_code) leadOf.set(m, h.fixmedins_code)
  const units = new Set(report.hospitals.map((h) => h.fixmedins_code))
  for (const hosp of tables.hospitals.values()) {
    if (units.has(hosp.code)) continue
    const lead = leadOf.get(hosp.code) ?? null
    const page = {
      fixmedins_code: hosp.code, name: hosp.name, month: q.month, pool: q.pool, settles_under: lead, discharges: 0,
      settles_under_name: lead === null ? null : tables.hospitals.get(lead)?.name ?? '',
    }
    writeFileSync(join(hdir, `${hosp.code}-${tag}.json`), JSON.stringify(page, null, 2) + '\n')
    writeFileSync(join(hdir, `${hosp.code}-${tag}.html`), renderNoUnitHtml(page, lead === null ? undefined : `${lead}-${tag}.html`))
  }
  return { dir: q.dir, report: reportFile, overview: overviewFile, hospitals: tables.hospitals.size }
}
