// A hospital's annual clearing report as an HTML page (SPEC §6): the stored line (clearing-runs.ts), one row per
// figure with its label, in the order clearing derives them.
import { esc } from './report-html.js'

const LABELS: readonly (readonly [string, string])[] = [
  ['points', '年度点数 points'], ['discharges', '出院人次 discharges'], ['dip_amount_yuan', 'DIP 金额 DIP amount'],
  ['item_fund_yuan', '按项目基金 item-based fund'], ['patient_paid_yuan', '个人及其他 patient paid'],
  ['dip_fund_yuan', 'DIP 基金部分 DIP fund share'], ['surplus_yuan', '结余 surplus'], ['surplus_kept_yuan', '结余留用 kept'],
  ['overspend_yuan', '超支 overspend'], ['overspend_shared_yuan', '合理超支分担 shared'], ['vbp_saving_yuan', '集采节约 集采 saving'], ['vbp_saving_kept_yuan', '集采结余留用 集采 saving kept whole'],
  ['fund_due_yuan', '年度应付 fund due'], ['monthly_payouts_yuan', '月度预拨 monthly payouts'],
  ['turnover_advance_yuan', '周转金 advance'], ['withheld_yuan', '质量保证金 deposit withheld'], ['quality_score', '考核得分 quality score'],
  ['deposit_released_yuan', '保证金返还 released'], ['deposit_kept_yuan', '保证金扣留 kept'], ['balance_yuan', '清算结果 balance'],
]

export function clearingHospitalHtml(doc: { year: number; pool: string; status: string; point_value_yuan: number; hospital: Record<string, unknown> }): string {
  const h = doc.hospital
  const rows = LABELS.filter(([k]) => h[k] !== undefined)
    .map(([k, label]) => `<tr><th>${esc(label)}</th><td>${esc(String(h[k]))}</td></tr>`).join('\n')
  return `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>年度清算 ${esc(doc.year)} ${esc(h['fixmedins_code'])}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 10px}td{text-align:right}</style></head>
<body><h1>年度清算 annual clearing ${esc(doc.year)} · pool ${esc(doc.pool)} · ${esc(h['fixmedins_code'])}</h1>
<p>status ${esc(doc.status)} · point value ${esc(doc.point_value_yuan)} yuan</p>
<table>
${rows}
</table></body></html>
`
}
