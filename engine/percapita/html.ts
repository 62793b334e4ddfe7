// An institution's per-capita month as an HTML page (SPEC §15): budget, spending (own and elsewhere, with the rule
// that care elsewhere is charged to the contracting institution), the band result and the settlement.
import { esc } from '../settlement/report-html.js'
import type { PerCapitaInstitution } from './settle.js'

export function perCapitaHtml(month: string, status: string, i: PerCapitaInstitution): string {
  const row = (label: string, v: number | string): string => `<tr><th>${esc(label)}</th><td>${esc(String(v))}</td></tr>`
  const elsewhere = i.elsewhere.map((e) => `<tr><td class="l">${esc(e.fixmedins_code)}</td><td>${e.visits}</td><td>${esc(e.hifp_yuan)}</td></tr>`).join('\n')
  return `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>按人头 ${esc(month)} ${esc(i.fixmedins_code)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}th,td{border:1px solid #ccc;padding:4px 10px}td{text-align:right}td.l{text-align:left}</style></head>
<body><h1>按人头付费 per-capita ${esc(month)} · ${esc(i.fixmedins_code)} ${esc(i.name)}</h1>
<p>status ${esc(status)}</p>
<table>
${row('签约人数 contracted persons', i.persons)}
${row('人头预算 budget (yuan)', i.budget_yuan)}
${row('门诊统筹支出 spending (yuan)', i.spending_yuan)}
${row('本机构 at this institution', i.spending_own_yuan)}
${row('其他机构 elsewhere (charged here)', i.spending_elsewhere_yuan)}
${row('结余 surplus', i.surplus_yuan)}
${row('结余留用 kept', i.surplus_kept_yuan)}
${row('超支 overspend', i.overspend_yuan)}
${row('超支分担 shared by the fund', i.overspend_shared_yuan)}
${row('结算 settlement (+ paid, − recovered)', i.settlement_yuan)}
</table>
<p>${esc(i.note)}</p>
<h2>其他机构 care elsewhere</h2>
<table><tr><th>institution</th><th>visits</th><th>统筹 yuan</th></tr>
${elsewhere}
</table></body></html>
`
}
