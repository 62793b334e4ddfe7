// HTML pages of the month-end feedback (seed 001 月度反馈) with echarts charts. A page never needs the network:
// echarts.min.js is inlined, or referenced beside the page (`{ echarts: { src: 'echarts.min.js' } }`) when many
// pages share one copy.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { HospitalFeedback, RegionOverview } from './feedback.js'

export interface HtmlOptions {
  /** 'inline' (default): the library inside the page; { src }: a <script src> relative to the page. */
  readonly echarts?: 'inline' | { readonly src: string }
}

let echartsSource: string | undefined

/** The path of node_modules/echarts/dist/echarts.min.js (to copy beside pages). */
export function echartsFile(): string {
  return createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js')
}

function echartsTag(opts: HtmlOptions): string {
  const e = opts.echarts ?? 'inline'
  if (e !== 'inline') return `<script src="${attr(e.src)}"></script>`
  echartsSource ??= readFileSync(echartsFile(), 'utf8')
  return `<script>${echartsSource.replace(/<\/script/gi, '<\\/script')}</script>`
}

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}
const attr = esc

/** JSON safe inside a <script> element. */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

function yuan(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

function num(n: number, d = 4): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: d })
}

interface Chart { readonly id: string; readonly title: string; readonly option: unknown }

const STYLE = `
body{font-family:-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#1f2937;background:#f8fafc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.sub{color:#6b7280;margin-bottom:16px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.kpi{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}.kpi b{display:block;font-size:18px;margin-top:4px}
.kpi.neg b{color:#b91c1c}.kpi.pos b{color:#047857}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px;margin-top:12px}
.chart{background:#fff;border:1px solid #e5e7eb;border-radius:8px;height:320px}
table{border-collapse:collapse;background:#fff;font-size:13px;width:100%}th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:right}
th{background:#f1f5f9}td.l,th.l{text-align:left}.status{display:inline-block;padding:1px 8px;border-radius:10px;background:#e0e7ff;font-size:12px}
`

function page(title: string, head: string, charts: readonly Chart[], details: string, opts: HtmlOptions): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>${head}
<div class="charts">${charts.map((c) => `<div class="chart" id="${attr(c.id)}" role="img" aria-label="${attr(c.title)}"></div>`).join('')}</div>
${details}
${echartsTag(opts)}
<script>
(function(){var charts=${scriptJson(charts)};
if(typeof echarts==='undefined'){return}
charts.forEach(function(c){var el=document.getElementById(c.id);var ch=echarts.init(el,null,{renderer:'canvas'});
var o=c.option;o.animation=false;o.title=Object.assign({text:c.title,left:10,top:6,textStyle:{fontSize:14}},o.title||{});ch.setOption(o);
window.addEventListener('resize',function(){ch.resize()})});})();
</script></body></html>
`
}

function kpi(label: string, value: string, tone: '' | 'pos' | 'neg' = ''): string {
  return `<div class="kpi ${tone}">${esc(label)}<b>${esc(value)}</b></div>`
}

const tone = (n: number): '' | 'pos' | 'neg' => (n > 0 ? 'pos' : n < 0 ? 'neg' : '')

/** A hospital's monthly feedback page (JSON from hospitalReport). */
export function renderHospitalReportHtml(r: HospitalFeedback, opts: HtmlOptions = {}): string {
  const s = r.settlement
  const title = `${r.name || r.fixmedins_code} — DIP 月度反馈 ${r.month} (${r.pool === '310' ? '职工' : '居民'} ${r.pool})`
  const top = r.groups.slice(0, 15)
  const charts: Chart[] = [
    {
      id: 'groups', title: '病种分值 (前 15 组)',
      option: {
        tooltip: { trigger: 'axis' }, grid: { left: 90, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: top.map((g) => g.dip_group_code) },
        series: [{ type: 'bar', name: '分值', data: top.map((g) => g.points), itemStyle: { color: '#2563eb' } }],
      },
    },
    {
      id: 'gain', title: 'DIP 金额 vs 按项目 (前 15 组, 元)',
      option: {
        tooltip: { trigger: 'axis' }, legend: { top: 28 }, grid: { left: 90, right: 20, top: 60, bottom: 30 },
        xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: top.map((g) => g.dip_group_code) },
        series: [
          { type: 'bar', name: 'DIP 金额', data: top.map((g) => g.dip_amount_yuan), itemStyle: { color: '#2563eb' } },
          { type: 'bar', name: '按项目费用', data: top.map((g) => g.medfee_sumamt_yuan), itemStyle: { color: '#9ca3af' } },
        ],
      },
    },
    {
      id: 'mix', title: '病例构成 (组类型)',
      option: {
        tooltip: { trigger: 'item' }, legend: { bottom: 0 },
        series: [{ type: 'pie', radius: ['35%', '65%'], data: r.case_mix.map((m) => ({ name: m.kind, value: m.cases })) }],
      },
    },
    {
      id: 'deviation', title: '偏差病例',
      option: {
        tooltip: { trigger: 'axis' }, grid: { left: 50, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: ['normal', 'low', 'high', 'review'] }, yAxis: { type: 'value' },
        series: [{ type: 'bar', data: ['normal', 'low', 'high', 'review'].map((k) => r.deviation_counts[k] ?? 0), itemStyle: { color: '#f59e0b' } }],
      },
    },
    {
      id: 'trend', title: `${r.month.slice(0, 4)} 年趋势 (元)`,
      option: {
        tooltip: { trigger: 'axis' }, legend: { top: 28 }, grid: { left: 80, right: 20, top: 60, bottom: 30 },
        xAxis: { type: 'category', data: r.trend.map((t) => t.month) }, yAxis: { type: 'value' },
        series: [
          { type: 'line', name: 'DIP 金额', data: r.trend.map((t) => t.dip_amount_yuan) },
          { type: 'line', name: '按项目费用', data: r.trend.map((t) => t.item_total_yuan) },
          { type: 'bar', name: '预拨付', data: r.trend.map((t) => t.payout_yuan) },
        ],
      },
    },
  ]
  const flags = Object.entries(r.flag_counts)
  const body = `
<h1>${esc(title)}</h1>
<div class="sub">${esc(r.fixmedins_code)} · ${esc(r.city)} · ${r.level ?? '-'} 级${r.settled_as !== r.fixmedins_code ? ` · 医共体结算单位 ${esc(r.settled_as)}` : ''}
 · <span class="status">${r.status === 'closed' ? '已结算 closed' : '草稿 draft'}</span> · 生成 ${esc(r.generated_at)}</div>
<div class="kpis">
${kpi('点值 (元/分)', r.point_value_yuan.toFixed(6))}
${kpi('总分值', num(s?.points ?? 0))}
${kpi('出院人次', String(s?.discharges ?? 0))}
${kpi('CMI', num(r.cmi))}
${kpi('DIP 金额', yuan(s?.dip_amount_yuan ?? 0))}
${kpi('统筹基金 (按项目)', yuan(s?.item_fund_yuan ?? 0))}
${kpi('个人及其他基金已付', yuan(s?.patient_paid_yuan ?? 0))}
${kpi('盈亏 (DIP − 按项目)', yuan(s?.gain_yuan ?? 0), tone(s?.gain_yuan ?? 0))}
${kpi('应拨付', yuan(s?.payable_yuan ?? 0), tone(s?.payable_yuan ?? 0))}
${kpi('预拨付', yuan(s?.payout_yuan ?? 0))}
${kpi('质量保证金', yuan(s?.withheld_yuan ?? 0))}
${s?.adjustment ? kpi('结算后冲正调整', yuan(s.adjustment.dip_amount_yuan), tone(s.adjustment.dip_amount_yuan)) : ''}
</div>`
  const details = `
<h2>病种明细 (${r.groups.length} 组)</h2>
<table><tr><th class="l">病种</th><th class="l">类型</th><th>病例</th><th>分值</th><th>按项目费用</th><th>DIP 金额</th><th>盈亏</th></tr>
${r.groups.slice(0, 50).map((g) => `<tr><td class="l">${esc(g.dip_group_code)}</td><td class="l">${esc(g.dip_kind)}</td><td>${g.cases}</td><td>${num(g.points)}</td><td>${yuan(g.medfee_sumamt_yuan)}</td><td>${yuan(g.dip_amount_yuan)}</td><td>${yuan(g.gain_yuan)}</td></tr>`).join('\n')}
</table>
<h2>偏差病例 (${r.deviation_cases.length})</h2>
${caseTable(r.deviation_cases.slice(0, 50))}
<h2>监测标记 ${flags.map(([f, n]) => `${esc(f)}: ${n}`).join(' · ') || '无'}</h2>
${caseTable(r.flagged_cases.slice(0, 50))}
<h2>特例单议 (${r.special_cases.length})</h2>
<table><tr><th class="l">setl_id</th><th class="l">病种</th><th>费用</th><th class="l">状态</th><th>分组分值</th><th>结算分值</th></tr>
${r.special_cases.map((c) => `<tr><td class="l">${esc(c.setl_id)}</td><td class="l">${esc(c.dip_group_code ?? '')}</td><td>${yuan(c.medfee_sumamt_yuan)}</td><td class="l">${esc(c.status)}</td><td>${num(c.grouped_points)}</td><td>${num(c.paid_points)}</td></tr>`).join('\n')}
</table>`
  return page(title, body, charts, details, opts)
}

function caseTable(cases: HospitalFeedback['deviation_cases']): string {
  if (cases.length === 0) return '<p>无</p>'
  return `<table><tr><th class="l">setl_id</th><th class="l">mdtrt_id</th><th class="l">出院</th><th class="l">病种</th><th class="l">偏差</th><th class="l">标记</th><th>分值</th><th>费用</th></tr>
${cases.map((c) => `<tr><td class="l">${esc(c.setl_id)}</td><td class="l">${esc(c.mdtrt_id)}</td><td class="l">${esc(c.enddate)}</td><td class="l">${esc(c.dip_group_code ?? '')}</td><td class="l">${esc(c.deviation ?? '')}</td><td class="l">${esc(c.flags.join(' '))}</td><td>${num(c.points)}</td><td>${yuan(c.medfee_sumamt_yuan)}</td></tr>`).join('\n')}</table>`
}

/** The bureau's overview page of a month-end run (JSON from regionOverview). */
export function renderRegionOverviewHtml(r: RegionOverview, opts: HtmlOptions & { hospitalHref?: (code: string) => string } = {}): string {
  const title = `DIP 月度预结算总览 ${r.month} (${r.pool === '310' ? '职工' : '居民'} ${r.pool})`
  const top = [...r.hospitals].sort((a, b) => b.points - a.points).slice(0, 20)
  const href = opts.hospitalHref
  const charts: Chart[] = [
    {
      id: 'hospitals', title: 'DIP 金额 vs 按项目 (分值前 20 家, 元)',
      option: {
        tooltip: { trigger: 'axis' }, legend: { top: 28 }, grid: { left: 110, right: 20, top: 60, bottom: 30 },
        xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: top.map((h) => h.fixmedins_code) },
        series: [
          { type: 'bar', name: 'DIP 金额', data: top.map((h) => h.dip_amount_yuan), itemStyle: { color: '#2563eb' } },
          { type: 'bar', name: '按项目费用', data: top.map((h) => h.item_total_yuan), itemStyle: { color: '#9ca3af' } },
        ],
      },
    },
    {
      id: 'cities', title: '分值构成 (盟市)',
      option: { tooltip: { trigger: 'item' }, legend: { bottom: 0 }, series: [{ type: 'pie', radius: ['35%', '65%'], data: r.cities.map((c) => ({ name: c.city || '-', value: c.points })) }] },
    },
    {
      id: 'gain', title: '盈亏分布 (DIP − 按项目, 元)',
      option: {
        tooltip: { trigger: 'axis' }, grid: { left: 80, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: [...r.hospitals].sort((a, b) => a.gain_yuan - b.gain_yuan).map((h) => h.fixmedins_code), axisLabel: { show: false } },
        yAxis: { type: 'value' },
        series: [{ type: 'bar', data: [...r.hospitals].sort((a, b) => a.gain_yuan - b.gain_yuan).map((h) => ({ value: h.gain_yuan, itemStyle: { color: h.gain_yuan < 0 ? '#dc2626' : '#059669' } })) }],
      },
    },
    {
      id: 'trend', title: `${r.month.slice(0, 4)} 年点值 (元/分)`,
      option: {
        tooltip: { trigger: 'axis' }, grid: { left: 60, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: r.trend.map((t) => t.month) }, yAxis: { type: 'value', scale: true },
        series: [{ type: 'line', data: r.trend.map((t) => t.point_value_yuan), label: { show: true } }],
      },
    },
  ]
  const body = `
<h1>${esc(title)}</h1>
<div class="sub"><span class="status">${r.status === 'closed' ? '已结算 closed' : '草稿 draft'}</span> · ${r.hospitals.length} 家结算单位</div>
<div class="kpis">
${kpi('点值 (元/分)', r.point_value_yuan.toFixed(6))}
${kpi('总分值', num(r.total_points))}
${kpi('出院人次', String(r.discharges))}
${kpi('DIP 总额', yuan(r.dip_total_yuan))}
${kpi('特例单议', String(r.special_cases.length))}
</div>`
  const details = `
<h2>医疗机构</h2>
<table><tr><th class="l">机构</th><th class="l">名称</th><th class="l">盟市</th><th>级别</th><th>出院</th><th>分值</th><th>DIP 金额</th><th>按项目费用</th><th>盈亏</th><th>预拨付</th><th>保证金</th></tr>
${r.hospitals.map((h) => `<tr><td class="l">${href ? `<a href="${attr(href(h.fixmedins_code))}">${esc(h.fixmedins_code)}</a>` : esc(h.fixmedins_code)}</td><td class="l">${esc(h.name)}</td><td class="l">${esc(h.city)}</td><td>${h.level ?? '-'}</td><td>${h.discharges}</td><td>${num(h.points)}</td><td>${yuan(h.dip_amount_yuan)}</td><td>${yuan(h.item_total_yuan)}</td><td>${yuan(h.gain_yuan)}</td><td>${yuan(h.payout_yuan)}</td><td>${yuan(h.withheld_yuan)}</td></tr>`).join('\n')}
</table>`
  return page(title, body, charts, details, opts)
}

/** The page of a hospital that is not a settlement unit this month: settled under its alliance lead, or no discharges. */
export function renderNoUnitHtml(r: { fixmedins_code: string; name: string; month: string; pool: string; settles_under: string | null }, leadHref?: string): string {
  const why = r.settles_under !== null
    ? `settles under its county-alliance lead (医共体牵头医院) <a href="${esc(leadHref ?? '')}">${esc(r.settles_under)}</a>: its discharges and points are in the lead's report`
    : 'had no settled inpatient discharge of this pool in this month: nothing to pay or withhold'
  return `<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>${esc(r.fixmedins_code)} — DIP 月度反馈 ${esc(r.month)} (${esc(r.pool)})</title>
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>${esc(r.name)} — DIP 月度反馈 ${esc(r.month)} (${esc(r.pool)})</h1>
<p>${esc(r.fixmedins_code)} ${why}.</p></body></html>
`
}
