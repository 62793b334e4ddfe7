// HTML of the monitoring report (SPEC §14): the bureau's index of hospitals and one page per hospital listing its
// flags by severity, in the words of a settlement office. No script, no network.
import { esc } from '../settlement/report-html.js'
import type { HospitalMonitoring, MonitoringReport } from './report.js'

const STYLE = `body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#1f2937;background:#f8fafc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.sub{color:#6b7280;margin-bottom:16px}
table{border-collapse:collapse;background:#fff;font-size:13px}td,th{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f1f5f9}.block{color:#b91c1c;font-weight:600}.warn{color:#b45309}.rev{color:#6b7280;text-decoration:line-through}`

const SEVERITY_LABEL = { block: '拒付 (block)', warn: '预警 (warn)' } as const

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>
${body}
</body></html>
`
}

/** The items table of one hospital (also the monitoring section of its feedback page). */
export function monitoringItemsHtml(h: HospitalMonitoring): string {
  if (h.items.length === 0) return '<p>无</p>'
  return `<table><tr><th>级别</th><th>规则</th><th>说明</th><th>结算号</th><th>就诊号</th><th>参保人</th><th>日期</th></tr>
${h.items.map((i) => `<tr${i.reversed ? ' class="rev" title="已冲正"' : ''}><td class="${i.severity}">${esc(SEVERITY_LABEL[i.severity])}</td><td>${esc(i.label)}<br><small>${esc(i.code)}</small></td><td>${esc(i.detail)}</td><td>${esc(i.setl_id)}</td><td>${esc(i.mdtrt_id)}</td><td>${esc(i.psn_no)}</td><td>${esc(i.begndate)} 至 ${esc(i.enddate)}</td></tr>`).join('\n')}
</table>`
}

export function renderHospitalMonitoringHtml(r: MonitoringReport, h: HospitalMonitoring): string {
  const title = `${h.name || h.fixmedins_code} — 智能监控 ${r.month}`
  return page(title, `<h1>${esc(title)}</h1>
<div class="sub">${esc(h.fixmedins_code)} · 标记结算 ${h.settlements} 笔 · 拒付 ${h.by_severity.block} · 预警 ${h.by_severity.warn} · 生成于 ${esc(r.generated_at)}</div>
${monitoringItemsHtml(h)}`)
}

export function renderMonitoringIndexHtml(r: MonitoringReport, href: (code: string) => string): string {
  const title = `智能监控 ${r.month}`
  return page(title, `<h1>${esc(title)}</h1>
<div class="sub">标记结算 ${r.settlements} 笔 · 标记 ${r.flags} 条 · 生成于 ${esc(r.generated_at)}</div>
<table><tr><th>医疗机构</th><th>标记结算</th><th>拒付</th><th>预警</th><th>规则</th></tr>
${r.hospitals.map((h) => `<tr><td><a href="${esc(href(h.fixmedins_code))}">${esc(h.name || h.fixmedins_code)}</a><br><small>${esc(h.fixmedins_code)}</small></td><td>${h.settlements}</td><td class="block">${h.by_severity.block}</td><td class="warn">${h.by_severity.warn}</td><td>${Object.entries(h.by_code).map(([c, n]) => `${esc(c)} ${n}`).join('<br>')}</td></tr>`).join('\n')}
</table>`)
}
