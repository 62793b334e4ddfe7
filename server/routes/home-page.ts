// The home page: what the service does, its routes, and the month-end reports. Reports need a bearer token, which a
// plain link cannot carry: the page asks for the token once and fetches the report with it (kept in this tab only).

import { esc } from '../../engine/settlement/report-html.js'
import { NATIONAL_PATH, TRANSACTIONS } from '../national/envelope.js'

const ROUTES: readonly [string, string, string][] = [
  ['POST', '/v1/presettlements', 'compute a claim, record nothing (2303)'],
  ['POST', '/v1/settlements', 'settle and record a claim (2304); msgid is the idempotency key'],
  ['GET', '/v1/settlements/:setl_id', 'your own settlement'],
  ['POST', '/v1/settlements/:setl_id/reversal', 'reverse your own settlement (2305); body {"msgid": …}'],
  ['GET', '/v1/persons/:psn_no/accumulators?year=YYYY', 'the person\'s year totals (5206)'],
  ['POST', '/v1/batches', 'many claims (application/x-ndjson or application/x-msgpack), answers in order'],
  ['POST', '/v1/month-end/:month/:pool', 'admin: run month-end ({"budget_yuan": …, "close": false})'],
  ['GET', '/v1/month-end/:month/:pool/hospitals/:code', 'a hospital\'s feedback report (JSON, or HTML with Accept: text/html)'],
  ['GET', '/reports/month-end/:month/:pool/hospitals/:code', 'the same report as its page (HTML with charts)'],
  ['GET', '/assets/echarts.min.js', 'the report pages\' charting script, cached (immutable, ETag)'],
  ['POST', '/fsi/api/rsfComIfsService/callService', 'the national 两定机构 interface (infno envelope; see below)'],
  ['GET', '/healthz', 'liveness'],
  ['GET', '/metrics', 'Prometheus metrics'],
]

export function homePage(region: string, runs: readonly { month: string; pool: string; status: string; hospitals: readonly string[] }[]): string {
  const nationalRows = Object.entries(TRANSACTIONS).map(([infno, t]) => `<tr><td>${esc(infno)}</td><td>${esc(t.name)}</td></tr>`).join('')
  const routeRows = ROUTES.map(([m, p, w]) => `<tr><td>${m}</td><td><code>${esc(p)}</code></td><td>${esc(w)}</td></tr>`).join('')
  const runRows = runs.length === 0
    ? '<p>No month-end run yet. The admin runs one with <code>POST /v1/month-end/2026-10/390</code>.</p>'
    : '<ul>' + runs.map((r) => `<li>${esc(r.month)} pool ${esc(r.pool)} (${esc(r.status)}): ` + r.hospitals.map((h) => {
      const href = `/reports/month-end/${encodeURIComponent(r.month)}/${encodeURIComponent(r.pool)}/hospitals/${encodeURIComponent(h)}`
      return `<a href="${esc(href)}" data-report>${esc(h)}</a>`
    }).join(' · ') + '</li>').join('') + '</ul>'
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dipsettle — ${esc(region)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse}td{padding:.2rem .6rem;border-bottom:1px solid #ddd}code{font-size:.9em}</style></head>
<body>
<h1>dipsettle</h1>
<p>Claims settlement and DIP (按病种分值付费) engine of the medical-insurance bureau, region <b>${esc(region)}</b>.
Designated hospitals submit each settlement in real time and get back, exact to the fen, what each fund pays, what the
patient pays and the claim's DIP group and points; a repeated <code>msgid</code> replays the first answer and is never
applied twice. The bureau runs month-end pre-settlement (月度预结算) and each hospital reads its feedback report.</p>
<p>Every <code>/v1</code> route needs <code>Authorization: Bearer &lt;token&gt;</code>: a hospital's credential sees only
that hospital's records; the admin credential runs month-end. Tokens are made with
<code>dipsettle credentials add --ledger FILE (--hospital CODE | --admin)</code>.</p>
<h2>Routes</h2><table>${routeRows}</table>
<h2>For HIS integrators: the national interface (两定机构接口)</h2>
<p>A hospital HIS that already speaks the national interface changes only its base URL and token: point it at
<code>POST ${esc(NATIONAL_PATH)}</code> on this server, with <code>Authorization: Bearer &lt;the hospital's token&gt;</code>
and the usual <code>infno</code> envelope (<code>fixmedins_code</code> must be the token's hospital; <code>msgid</code>
is the idempotency key). Answers are <code>{ infcode, inf_refmsgid, refmsg_time, respond_time, err_msg, warn_msg,
output }</code>, HTTP 200 (401 for a bad token). Supported:</p>
<table>${nationalRows}</table>
<p>Amounts are those of <code>/v1/settlements</code> to the fen; stays between calls are kept in the ledger. The
documented optional national fields (and <code>exp_content</code>) are accepted and type-checked; any other key is
refused, named in <code>err_msg</code>. Month-end pays the DIP group of the latest 4101A 结算清单 of a settlement
(refused once its month is closed). 中途结算 (<code>mid_setl_flag</code> 1) is refused: settle a stay whole after 2402.
Field mapping, error codes and a worked example: <code>docs/national-interface.md</code> in the repository.</p>
<h2>Month-end reports</h2>
<p><label>Bearer token (admin, or the hospital's own): <input id="token" type="password" size="50"></label></p>
${runRows}
<script>
document.querySelectorAll('a[data-report]').forEach(function (a) {
  a.addEventListener('click', function (ev) {
    ev.preventDefault()
    var token = document.getElementById('token').value.trim()
    fetch(a.getAttribute('href'), { headers: { Authorization: 'Bearer ' + token, Accept: 'text/html' } })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, t: t } }) })
      .then(function (x) {
        if (!x.ok) { alert(x.t); return }
        // the page loads its script from this server (/assets/…): a blob: page resolves it against this origin
        var html = x.t.replace('<head>', '<head><base href="' + location.origin + '/">')
        window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank')
      })
  })
})
</script>
</body></html>
`
}
