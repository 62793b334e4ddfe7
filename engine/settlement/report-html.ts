// HTML pages of the month-end feedback (seed 001 月度反馈; SPEC §6; issue #20 item 15) with echarts charts, in the
// words a hospital's settlement office uses: every group named (diagnosis — procedures), how the point value was
// derived, the hospital's coefficient and 中蒙医 bonus, the payment due date, the alliance it settles in, and every
// case with its group, cost, deviation and points so the hospital can reconcile case by case.
// echarts is never fetched from the network: inlined, or a <script src> to a copy the caller serves or writes beside
// the pages (`{ echarts: { src } }`: the server's cacheable /assets/echarts.min.js, or ../echarts.min.js on disk).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { CatalogueGroup } from './feedback-extras.js'
import type { HospitalFeedback, RegionOverview } from './feedback.js'
import { monitoringItemsHtml } from '../monitoring/report-html.js'
import type { CrossRegionClearingReport } from './cross-region-clearing.js'
import {
  DEVIATION_BANDS, deviationLabel, flagLabel, groupCodeLabel, kindLabel, levelLabel, poolLabel, ratioSourceLabel,
  specialCaseLabel, statusLabel,
} from './report-labels.js'

export interface HtmlOptions {
  /** 'inline' (default): the library inside the page; { src }: a <script src> (relative to the page, or absolute). */
  readonly echarts?: 'inline' | { readonly src: string }
}

let echartsSource: string | undefined

/** The path of node_modules/echarts/dist/echarts.min.js (to serve, or to copy beside pages). */
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

/** A long group name cut for a chart axis (the full name is in the tooltip and the tables). */
function short(s: string, n = 16): string {
  return [...s].length > n ? [...s].slice(0, n - 1).join('') + '…' : s
}

interface Chart { readonly id: string; readonly title: string; readonly option: unknown }

const FONT = '"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif'

const STYLE = `
body{font-family:${FONT};margin:24px;color:#1f2937;background:#f8fafc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.sub{color:#6b7280;margin-bottom:16px}
.note{background:#fffbeb;border:1px solid #fcd34d;border-radius:8px;padding:10px 12px;margin:12px 0}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.kpi{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}.kpi b{display:block;font-size:18px;margin-top:4px}
.kpi small{display:block;color:#6b7280;font-size:11px;margin-top:2px}
.kpi.neg b{color:#b91c1c}.kpi.pos b{color:#047857}
.cols{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px;margin-top:12px}
.chart{background:#fff;border:1px solid #e5e7eb;border-radius:8px;height:320px}
table{border-collapse:collapse;background:#fff;font-size:13px;width:100%}th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:right}
th{background:#f1f5f9}table.list th,table.list td{white-space:nowrap}table.list td.w{white-space:normal;min-width:14em}td.l,th.l{text-align:left}tr.sum td{font-weight:bold;background:#f8fafc}
td.neg{color:#b91c1c}td.pos{color:#047857}.code{color:#6b7280;font-size:11px;display:block}
.status{display:inline-block;padding:1px 8px;border-radius:10px;background:#e0e7ff;font-size:12px}
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
(function(){var charts=${scriptJson(charts)};var font=${scriptJson(FONT)};
if(typeof echarts==='undefined'){return}
charts.forEach(function(c){var el=document.getElementById(c.id);var ch=echarts.init(el,null,{renderer:'canvas'});
var o=c.option;o.animation=false;o.textStyle={fontFamily:font};
o.title=Object.assign({text:c.title,left:10,top:6,textStyle:{fontSize:14,fontFamily:font}},o.title||{});ch.setOption(o);
el.setAttribute('data-drawn','1');
window.addEventListener('resize',function(){ch.resize()})});})();
</script></body></html>
`
}

function kpi(label: string, value: string, tone: '' | 'pos' | 'neg' = '', hint = ''): string {
  return `<div class="kpi ${tone}">${esc(label)}<b>${esc(value)}</b>${hint ? `<small>${esc(hint)}</small>` : ''}</div>`
}

const tone = (n: number): '' | 'pos' | 'neg' => (n > 0 ? 'pos' : n < 0 ? 'neg' : '')

/** `<td>` with the code over its name. */
function groupCell(code: string | null, catalogue: Readonly<Record<string, CatalogueGroup>>): string {
  const c = groupCodeLabel(code)
  const name = code === null ? undefined : catalogue[code]?.name
  return name === undefined ? `<td class="l w">${esc(c)}</td>` : `<td class="l w">${esc(name)}<span class="code">${esc(c)}</span></td>`
}

function groupTitle(code: string, catalogue: Readonly<Record<string, CatalogueGroup>>): string {
  return catalogue[code]?.name ?? groupCodeLabel(code)
}

/** The point value's working (SPEC §6): budget ÷ ratio = DIP total; ÷ total points = point value. */
function derivationTable(r: HospitalFeedback): string {
  const d = r.point_value_derivation
  const due = d.payment_due_date ?? (r.status === 'closed' ? '运行结果未注明' : '月结关闭后确定')
  return `<table>
<tr><th class="l" colspan="2">点值测算 (全区 ${esc(poolLabel(r.pool))})</th></tr>
<tr><td class="l">① 月度 DIP 统筹基金预算</td><td>${yuan(d.budget_yuan)} 元</td></tr>
<tr><td class="l">② 报销比例 — ${esc(ratioSourceLabel(d.ratio_source))}</td><td>${num(d.reimbursement_ratio, 6)}</td></tr>
<tr><td class="l">③ DIP 总额 = ① ÷ ②</td><td>${yuan(d.dip_total_yuan)} 元</td></tr>
<tr><td class="l">④ 全区总分值</td><td>${num(d.total_points)}</td></tr>
<tr><td class="l">⑤ 点值 = ③ ÷ ④ (元/分; 精确值 ${esc(d.point_value_exact)})</td><td>${d.point_value_yuan.toFixed(6)}</td></tr>
<tr><td class="l">预结算比例 (其余留作质量保证金)</td><td>${num(d.presettle_ratio, 4)}</td></tr>
<tr><td class="l">运行时间 / 关闭时间</td><td>${esc(d.run_at)} / ${esc(d.closed_at ?? '未关闭')}</td></tr>
<tr><td class="l">拨付截止日</td><td>${esc(due)}</td></tr>
</table>`
}

function termsTable(r: HospitalFeedback): string {
  const t = r.terms
  return `<table>
<tr><th class="l" colspan="2">本院分值系数 (病例分值 = 病种分值 × 医院系数 × 中蒙医加成 × 偏差系数)</th></tr>
<tr><td class="l">医院等级系数</td><td>${num(t.hospital_coefficient, 6)}</td></tr>
<tr><td class="l">中蒙医医疗机构</td><td>${t.tcm_hospital ? '是' : '否'}</td></tr>
<tr><td class="l">中蒙医加成 (中蒙医优势病种: ${esc(t.tcm_groups.join('、') || '无')})</td><td>${num(t.tcm_bonus, 6)}</td></tr>
<tr><td class="l">基层病种 (各级同分值, 不乘医院系数)</td><td class="l">${esc(t.primary_groups.join('、') || '无')}</td></tr>
<tr><td class="l">偏差系数</td><td class="l">低倍率: 费用 ÷ 组均费用; 高倍率: (费用 ÷ 组均费用 − 高倍率界值) + 1; 其余 1</td></tr>
</table>`
}

/** Where this hospital's money is: its own unit, an alliance lead settling for members, or a member under its lead. */
function allianceNote(r: HospitalFeedback): string {
  if (r.settled_as !== r.fixmedins_code) {
    return `<div class="note">本院为县域医共体成员单位。本月住院病例并入医共体牵头医院 <b>${esc(r.settled_as_name)}</b> (${esc(r.settled_as)}) 统一结算,
DIP 金额、应拨付和预拨付均拨付给牵头医院;下方金额为牵头医院结算单位的合计,病例明细为本院病例。</div>`
  }
  if (r.members.length === 0) return ''
  const rows = r.members.map((m) => `<tr><td class="l">${esc(m.name)}<span class="code">${esc(m.fixmedins_code)}</span></td><td class="l">${m.fixmedins_code === r.fixmedins_code ? '牵头医院' : '成员单位'}</td><td>${num(m.hospital_coefficient, 6)}${m.tcm_hospital ? ' (中蒙医)' : ''}</td><td>${m.discharges}</td><td>${num(m.points)}</td></tr>`).join('')
  return `<div class="note">本院为县域医共体牵头医院,统一结算以下 ${r.members.length} 家医疗机构的住院病例 (成员单位的病例在病例明细中注明机构):
<table class="list" style="margin-top:8px"><tr><th class="l">医疗机构</th><th class="l">角色</th><th>医院系数</th><th>出院人次</th><th>分值</th></tr>${rows}</table></div>`
}

/** Every case: group, cost against the group's average, deviation band, flags, points (paid points when approved). */
function casesTable(r: HospitalFeedback): string {
  const special = new Map(r.special_cases.map((s) => [s.setl_id, s]))
  const several = new Set(r.cases.map((c) => c.fixmedins_code)).size > 1
  let costFen = 0
  let points1e4 = 0
  const rows = r.cases.map((c) => {
    const avg = c.dip_group_code === null ? undefined : r.group_catalogue[c.dip_group_code]?.avg_cost_yuan
    const sc = special.get(c.setl_id)
    const paid = sc?.status === 'approved' ? sc.paid_points : c.points
    costFen += Math.round(c.medfee_sumamt_yuan * 100)
    points1e4 += Math.round(paid * 10_000)
    return `<tr><td class="l">${esc(c.setl_id)}<span class="code">${esc(c.mdtrt_id)}</span></td>${several ? `<td class="l">${esc(c.fixmedins_code)}</td>` : ''}<td class="l">${esc(c.enddate)}</td>${groupCell(c.dip_group_code, r.group_catalogue)}<td class="l">${esc(kindLabel(c.dip_kind ?? 'ungroupable'))}</td><td>${yuan(c.medfee_sumamt_yuan)}</td><td>${avg === undefined ? '-' : yuan(avg)}</td><td>${avg ? num(c.medfee_sumamt_yuan / avg, 2) : '-'}</td><td class="l">${esc(deviationLabel(c.deviation))}</td><td class="l w">${esc(c.flags.map(flagLabel).join('、'))}</td><td>${num(c.points)}</td><td class="l">${sc ? esc(specialCaseLabel(sc.status)) : ''}</td><td>${num(paid)}</td></tr>`
  })
  const span = several ? 5 : 4
  return `<table class="list"><tr><th class="l">结算号 / 就诊号</th>${several ? '<th class="l">医疗机构</th>' : ''}<th class="l">出院日期</th><th class="l">病种</th><th class="l">类型</th><th>医疗总费用</th><th>组均费用</th><th>费用 ÷ 组均</th><th class="l">偏差</th><th class="l">监测标记</th><th>病例分值</th><th class="l">特例单议</th><th>结算分值</th></tr>
${rows.join('\n')}
<tr class="sum"><td class="l" colspan="${span}">合计 ${r.cases.length} 例</td><td>${yuan(costFen / 100)}</td><td colspan="5"></td><td class="l"></td><td>${num(points1e4 / 10_000)}</td></tr></table>`
}

/** A hospital's monthly feedback page (JSON from hospitalReport). */
export function renderHospitalReportHtml(r: HospitalFeedback, opts: HtmlOptions = {}): string {
  const s = r.settlement
  const cat = r.group_catalogue
  const title = `${r.name || r.fixmedins_code} — DIP 月度预结算反馈 ${r.month} (${poolLabel(r.pool)})`
  const top = r.groups.slice(0, 15)
  const labels = top.map((g) => short(groupTitle(g.dip_group_code, cat)))
  const charts: Chart[] = [
    {
      id: 'groups', title: '病种分值 (前 15 个病种)',
      option: {
        tooltip: { trigger: 'axis' }, grid: { left: 200, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: labels, axisLabel: { interval: 0, fontSize: 11 } },
        series: [{ type: 'bar', name: '分值', data: top.map((g) => g.points), itemStyle: { color: '#2563eb' } }],
      },
    },
    {
      id: 'gain', title: 'DIP 金额与按项目总费用 (前 15 个病种, 元)',
      option: {
        tooltip: { trigger: 'axis' }, legend: { top: 28 }, grid: { left: 200, right: 20, top: 60, bottom: 30 },
        xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: labels, axisLabel: { interval: 0, fontSize: 11 } },
        series: [
          { type: 'bar', name: 'DIP 金额', data: top.map((g) => g.dip_amount_yuan), itemStyle: { color: '#2563eb' } },
          { type: 'bar', name: '按项目总费用', data: top.map((g) => g.medfee_sumamt_yuan), itemStyle: { color: '#9ca3af' } },
        ],
      },
    },
    {
      id: 'mix', title: '病例构成 (病种类型)',
      option: {
        tooltip: { trigger: 'item' }, legend: { bottom: 0 },
        series: [{ type: 'pie', radius: ['35%', '65%'], data: r.case_mix.map((m) => ({ name: kindLabel(m.kind), value: m.cases })) }],
      },
    },
    {
      id: 'deviation', title: '费用偏差 (病例数)',
      option: {
        tooltip: { trigger: 'axis' }, grid: { left: 50, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: DEVIATION_BANDS.map((b) => deviationLabel(b)), axisLabel: { interval: 0, fontSize: 11 } },
        yAxis: { type: 'value' },
        series: [{ type: 'bar', data: DEVIATION_BANDS.map((k) => r.deviation_counts[k] ?? 0), itemStyle: { color: '#f59e0b' } }],
      },
    },
    {
      id: 'trend', title: `${r.month.slice(0, 4)} 年逐月 (元)`,
      option: {
        tooltip: { trigger: 'axis' }, legend: { top: 28 }, grid: { left: 80, right: 20, top: 60, bottom: 30 },
        xAxis: { type: 'category', data: r.trend.map((t) => t.month) }, yAxis: { type: 'value' },
        series: [
          { type: 'line', name: 'DIP 金额', data: r.trend.map((t) => t.dip_amount_yuan) },
          { type: 'line', name: '按项目总费用', data: r.trend.map((t) => t.item_total_yuan) },
          { type: 'bar', name: '预拨付', data: r.trend.map((t) => t.payout_yuan) },
        ],
      },
    },
  ]
  const itemTotal = s === null ? 0 : (Math.round(s.item_fund_yuan * 100) + Math.round(s.patient_paid_yuan * 100)) / 100
  const due = r.point_value_derivation.payment_due_date
  const unitNote = r.settled_as !== r.fixmedins_code ? ` (牵头医院 ${r.settled_as} 结算单位合计)` : ''
  const flags = Object.entries(r.flag_counts)
  const body = `
<h1>${esc(title)}</h1>
<div class="sub">${esc(r.fixmedins_code)} · ${esc(r.city)} · ${esc(levelLabel(r.level))}医院
 · <span class="status">${esc(statusLabel(r.status))}</span> · 生成于 ${esc(r.generated_at)}</div>
${allianceNote(r)}
<div class="kpis">
${kpi('点值 (元/分)', r.point_value_yuan.toFixed(6))}
${kpi('结算分值' + unitNote, num(s?.points ?? 0))}
${kpi('出院人次', String(s?.discharges ?? 0))}
${kpi('CMI (病例组合指数)', num(r.cmi))}
${kpi('DIP 金额', yuan(s?.dip_amount_yuan ?? 0), '', '结算分值 × 点值')}
${kpi('按项目总费用', yuan(itemTotal), '', '医疗总费用 = 统筹基金 + 个人及其他基金')}
${kpi('其中 统筹基金按项目支付', yuan(s?.item_fund_yuan ?? 0))}
${kpi('其中 个人及其他基金已付', yuan(s?.patient_paid_yuan ?? 0))}
${kpi('盈亏', yuan(s?.gain_yuan ?? 0), tone(s?.gain_yuan ?? 0), 'DIP 金额 − 按项目总费用')}
${kpi('应拨付', yuan(s?.payable_yuan ?? 0), tone(s?.payable_yuan ?? 0), 'DIP 金额 − 个人及其他基金已付')}
${kpi('预拨付', yuan(s?.payout_yuan ?? 0), '', `应拨付 × ${num(r.point_value_derivation.presettle_ratio)}`)}
${kpi('质量保证金', yuan(s?.withheld_yuan ?? 0), '', '应拨付 − 预拨付')}
${kpi('拨付截止日', due ?? (r.status === 'closed' ? '未注明' : '关闭后确定'))}
${s?.turnover_advance_yuan !== undefined ? kpi('年初周转金 (已预付)', yuan(s.turnover_advance_yuan), '', '年度清算时扣回') : ''}
${s?.adjustment ? kpi('已关闭月份冲正调整', yuan(s.adjustment.dip_amount_yuan), tone(s.adjustment.dip_amount_yuan), s.adjustment.from_months.join('、')) : ''}
</div>
<div class="cols" style="margin-top:12px">${derivationTable(r)}${termsTable(r)}</div>`
  const details = `
<h2>病种明细 (${r.groups.length} 个病种)</h2>
<table class="list"><tr><th class="l">病种</th><th class="l">类型</th><th>病例</th><th>分值</th><th>按项目总费用</th><th>DIP 金额</th><th>盈亏 (DIP 金额 − 按项目总费用)</th></tr>
${r.groups.map((g) => `<tr>${groupCell(g.dip_group_code === '(ungroupable)' ? null : g.dip_group_code, cat)}<td class="l">${esc(kindLabel(g.dip_kind))}</td><td>${g.cases}</td><td>${num(g.points)}</td><td>${yuan(g.medfee_sumamt_yuan)}</td><td>${yuan(g.dip_amount_yuan)}</td><td class="${tone(g.gain_yuan)}">${yuan(g.gain_yuan)}</td></tr>`).join('\n')}
</table>
<h2>特例单议 (${r.special_cases.length})</h2>
${r.special_cases.length === 0 ? '<p>无</p>' : `<table class="list"><tr><th class="l">结算号</th><th class="l">病种</th><th>医疗总费用</th><th class="l">状态</th><th>按偏差计分值</th><th>结算分值</th></tr>
${r.special_cases.map((c) => `<tr><td class="l">${esc(c.setl_id)}</td>${groupCell(c.dip_group_code, cat)}<td>${yuan(c.medfee_sumamt_yuan)}</td><td class="l">${esc(specialCaseLabel(c.status))}</td><td>${num(c.grouped_points)}</td><td>${num(c.paid_points)}</td></tr>`).join('\n')}
</table>`}
<h2>监测标记</h2>
<p>${flags.map(([f, n]) => `${esc(flagLabel(f))} ${n} 例`).join(' · ') || '无'}</p>
<h2>智能监控${r.monitoring === null ? '' : ` (拒付 ${r.monitoring.by_severity.block} · 预警 ${r.monitoring.by_severity.warn})`}</h2>
${r.monitoring === null ? '<p>本账本未提供智能监控数据</p>' : monitoringItemsHtml(r.monitoring)}
<h2>病例明细 (全部 ${r.cases.length} 例, 供逐例核对)</h2>
${casesTable(r)}`
  return page(title, body, charts, details, opts)
}

/** The bureau's overview page of a month-end run (JSON from regionOverview). */
export function renderRegionOverviewHtml(r: RegionOverview, opts: HtmlOptions & { hospitalHref?: (code: string) => string } = {}): string {
  const title = `DIP 月度预结算总览 ${r.month} (${poolLabel(r.pool)})`
  const top = [...r.hospitals].sort((a, b) => b.points - a.points).slice(0, 20)
  const href = opts.hospitalHref
  const byGain = [...r.hospitals].sort((a, b) => a.gain_yuan - b.gain_yuan)
  const charts: Chart[] = [
    {
      id: 'hospitals', title: 'DIP 金额与按项目总费用 (分值前 20 家, 元)',
      option: {
        tooltip: { trigger: 'axis' }, legend: { top: 28 }, grid: { left: 170, right: 20, top: 60, bottom: 30 },
        xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: top.map((h) => short(h.name || h.fixmedins_code, 12)) },
        series: [
          { type: 'bar', name: 'DIP 金额', data: top.map((h) => h.dip_amount_yuan), itemStyle: { color: '#2563eb' } },
          { type: 'bar', name: '按项目总费用', data: top.map((h) => h.item_total_yuan), itemStyle: { color: '#9ca3af' } },
        ],
      },
    },
    {
      id: 'cities', title: '分值构成 (盟市)',
      option: { tooltip: { trigger: 'item' }, legend: { bottom: 0 }, series: [{ type: 'pie', radius: ['35%', '65%'], data: r.cities.map((c) => ({ name: c.city || '-', value: c.points })) }] },
    },
    {
      id: 'gain', title: '盈亏分布 (DIP 金额 − 按项目总费用, 元)',
      option: {
        tooltip: { trigger: 'axis' }, grid: { left: 80, right: 20, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: byGain.map((h) => h.name || h.fixmedins_code), axisLabel: { show: false } },
        yAxis: { type: 'value' },
        series: [{ type: 'bar', data: byGain.map((h) => ({ value: h.gain_yuan, itemStyle: { color: h.gain_yuan < 0 ? '#dc2626' : '#059669' } })) }],
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
  const losing = r.hospitals.filter((h) => h.gain_yuan < 0).length
  const body = `
<h1>${esc(title)}</h1>
<div class="sub"><span class="status">${esc(statusLabel(r.status))}</span> · ${r.hospitals.length} 个结算单位 · 盈亏为负 ${losing} 家</div>
<div class="kpis">
${kpi('点值 (元/分)', r.point_value_yuan.toFixed(6))}
${kpi('总分值', num(r.total_points))}
${kpi('出院人次', String(r.discharges))}
${kpi('DIP 总额', yuan(r.dip_total_yuan), '', '预算 ÷ 报销比例')}
${kpi('特例单议', String(r.special_cases.length))}
</div>`
  const details = `
<h2>结算单位</h2>
<table class="list"><tr><th class="l">机构编码</th><th class="l">名称</th><th class="l">盟市</th><th>级别</th><th>出院</th><th>分值</th><th>DIP 金额</th><th>按项目总费用</th><th>盈亏</th><th>预拨付</th><th>质量保证金</th></tr>
${r.hospitals.map((h) => `<tr><td class="l">${href ? `<a href="${attr(href(h.fixmedins_code))}">${esc(h.fixmedins_code)}</a>` : esc(h.fixmedins_code)}</td><td class="l">${esc(h.name)}</td><td class="l">${esc(h.city)}</td><td>${esc(levelLabel(h.level))}</td><td>${h.discharges}</td><td>${num(h.points)}</td><td>${yuan(h.dip_amount_yuan)}</td><td>${yuan(h.item_total_yuan)}</td><td class="${tone(h.gain_yuan)}">${yuan(h.gain_yuan)}</td><td>${yuan(h.payout_yuan)}</td><td>${yuan(h.withheld_yuan)}</td></tr>`).join('\n')}
</table>`
  return page(title, body, charts, details, opts)
}

/** The page of a hospital that is not a settlement unit this month: settled under its alliance lead, or no discharges. */
export function renderNoUnitHtml(
  r: { fixmedins_code: string; name: string; month: string; pool: string; settles_under: string | null; settles_under_name?: string | null },
  leadHref?: string,
): string {
  const lead = r.settles_under
  const why = lead !== null
    ? `本院为县域医共体成员单位,本月住院病例并入医共体牵头医院 <a href="${attr(leadHref ?? '')}">${esc(r.settles_under_name ?? lead)} (${esc(lead)})</a>
统一结算、拨付;本院的出院病例、分值和金额见牵头医院的反馈报告。`
    : '本月本险种没有已结算的住院出院病例:无应拨付,也无质量保证金。'
  const title = `${r.name || r.fixmedins_code} — DIP 月度预结算反馈 ${r.month} (${poolLabel(r.pool)})`
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:${FONT};max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>${esc(title)}</h1>
<p>${esc(r.fixmedins_code)}: ${why}</p></body></html>
`
}

/** Fund pay types (SPEC §9) in the words of a clearing office. */
const FUND_TYPE_LABELS: Readonly<Record<string, string>> = {
  '310100': '职工统筹', '310200': '个人账户', '330100': '职工大额', '390100': '居民统筹', '390200': '居民大病', '610100': '医疗救助',
}

/** 异地就医 clearing (SPEC §13): per insuring region, the funds advanced by type, the settlements and their setl_ids. */
export function renderCrossRegionClearingHtml(r: CrossRegionClearingReport, opts: HtmlOptions = {}): string {
  const title = `异地就医清算 ${r.month}`
  const types = [...new Set(r.regions.flatMap((g) => g.funds.map((f) => f.fund_pay_type)))].sort()
  const label = (t: string): string => `${FUND_TYPE_LABELS[t] ?? t} ${t}`
  const charts: Chart[] = r.regions.length === 0 ? [] : [{
    id: 'regions', title: '参保地应付基金 (元, 按基金类型)',
    option: {
      tooltip: { trigger: 'axis' }, legend: { top: 28 }, grid: { left: 120, right: 20, top: 60, bottom: 30 },
      xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: r.regions.map((g) => `${g.region || g.insuplc_admdvs} ${g.insuplc_admdvs}`) },
      series: types.map((t) => ({
        type: 'bar', stack: 'funds', name: label(t),
        data: r.regions.map((g) => g.funds.find((f) => f.fund_pay_type === t)?.fund_payamt_yuan ?? 0),
      })),
    },
  }]
  const head = `<h1>${esc(title)}</h1>
<div class="sub">就医地垫付、参保地应付 (省内/跨省清算); 冲正已冲减; 账本序号 ≤ ${esc(r.ledger_seq)}</div>
<div class="kpis">${kpi('参保地', String(r.regions.length))}${kpi('结算笔数', String(r.totals.settlements))}
${kpi('基金支付合计', yuan(r.totals.fund_pay_sumamt_yuan))}${kpi('个人账户支付', yuan(r.totals.acct_pay_yuan))}</div>`
  const rows = r.regions.map((g) => `<tr><td class="l">${esc(g.region)}<span class="code">${esc(g.insuplc_admdvs)}</span></td>
<td>${g.settlements}</td><td>${yuan(g.medfee_sumamt_yuan)}</td>${types.map((t) => `<td>${yuan(g.funds.find((f) => f.fund_pay_type === t)?.fund_payamt_yuan ?? 0)}</td>`).join('')}
<td>${yuan(g.fund_pay_sumamt_yuan)}</td><td>${yuan(g.acct_pay_yuan)}</td></tr>`).join('\n')
  const summary = `<h2>按参保地</h2><table class="list"><tr><th class="l">参保地</th><th>结算笔数</th><th>医疗费总额</th>
${types.map((t) => `<th>${esc(label(t))}</th>`).join('')}<th>基金支付合计</th><th>个人账户</th></tr>
${rows}</table>`
  const details = r.regions.map((g) => `<h2>${esc(g.region || g.insuplc_admdvs)} ${esc(g.insuplc_admdvs)}: 医疗机构</h2>
<table class="list"><tr><th class="l">医疗机构</th><th>结算笔数</th><th>基金支付</th></tr>
${g.hospitals.map((h) => `<tr><td class="l">${esc(h.fixmedins_code)}</td><td>${h.settlements}</td><td>${yuan(h.fund_pay_sumamt_yuan)}</td></tr>`).join('\n')}</table>
<p class="sub">setl_id: ${g.setl_ids.map(esc).join(' ')}</p>`).join('\n')
  return page(title, head, charts, summary + details, opts)
}
