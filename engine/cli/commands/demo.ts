// `dipsettle demo [--claims N] [--month YYYY-MM] [--out DIR]` (SPEC §8): a synthetic month of the demo region's
// claims through the real path (processClaim into a fresh ledger in DIR), then month-end for both pools, a
// per-hospital table on stdout and the reports' paths. The last stdout line is a JSON summary.
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { monthCredits } from '../../accounts/credits.js'
import { generateDemoClaims } from '../../demo/claims.js'
import { openLedger, type SqliteLedger } from '../../ledger/sqlite.js'
import { SqliteCrossRegionReports } from '../../ledger/sqlite/cross-region-reports.js'
import { sqliteReports } from '../../ledger/sqlite/reports.js'
import { clearCrossRegion } from '../../settlement/cross-region-clearing.js'
import { echartsFile, renderCrossRegionClearingHtml } from '../../settlement/report-html.js'
import type { Tables } from '../../tables/types.js'
import { sqliteAccounts } from '../../ledger/sqlite/accounts.js'
import { sqliteClearing } from '../../ledger/sqlite/clearing.js'
import { runClearing } from '../../settlement/clearing-runs.js'
import { sqlitePerCapita } from '../../ledger/sqlite/percapita.js'
import { perCapitaHtml } from '../../percapita/html.js'
import { runPerCapita } from '../../percapita/runs.js'
import { issueAdvances } from '../../settlement/turnover.js'
import { processBatch } from '../../ledger/settle.js'
import { fenToYuan, parseYuan, yuanToFen } from '../../money.js'
import { DEMO_VAR_DIR } from '../../paths.js'
import { loadPolicyFile } from '../../policy/validate.js'
import { settleMonth } from '../../settlement/month-end.js'
import { writeMonthReports } from '../../settlement/report-files.js'
import type { MonthEndReport, Pool } from '../../settlement/types.js'
import type { Policy } from '../../policy/types.js'
import { loadTables } from '../../tables/load.js'
import { usageError } from '../usage.js'
import { prepareRegion } from './start.js'

const MARKER = '.dipsettle-demo'
const BATCH = 500
/** One demo claim in this many is a visitor's (异地就医, SPEC §13). */
const VISITOR_EVERY = 50

interface Opts {
  claims: string; month: string; out: string; tables?: string; policy?: string; seed: string; close?: boolean
  budgetYuan310?: string; budgetYuan390?: string; top: string
}

function pad(s: string, n: number, right = false): string {
  const w = [...s].reduce((a, ch) => a + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)
  const fill = ' '.repeat(Math.max(0, n - w))
  return right ? fill + s : s + fill
}

function money(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

function table(r: MonthEndReport, top: number): string {
  const rows = [...r.hospitals].sort((a, b) => b.points - a.points).slice(0, top)
  const head = `${pad('hospital', 14)}${pad('name', 26)}${pad('disch', 7, true)}${pad('points', 14, true)}${pad('DIP yuan', 16, true)}${pad('item yuan', 16, true)}${pad('gain', 14, true)}${pad('payout', 16, true)}\n`
  return head + rows.map((h) => pad(h.fixmedins_code, 14) + pad(h.name.slice(0, 12), 26) + pad(String(h.discharges), 7, true)
    + pad(h.points.toFixed(4), 14, true) + pad(money(h.dip_amount_yuan), 16, true)
    + pad(money(h.item_fund_yuan + h.patient_paid_yuan), 16, true) + pad(money(h.gain_yuan), 14, true)
    + pad(money(h.payout_yuan), 16, true)).join('\n') + '\n'
    + (r.hospitals.length > rows.length ? `… ${r.hospitals.length - rows.length} more in the reports\n` : '')
}

/** 异地就医 clearing of the demo month (SPEC §13): a line per insuring region, the report's files, a summary. */
async function crossRegionSummary(ledger: SqliteLedger, tables: Tables, month: string, dir: string): Promise<Record<string, unknown>> {
  const r = await clearCrossRegion(new SqliteCrossRegionReports(ledger.db), tables, month, await sqliteReports(ledger.db).ledgerSeq())
  mkdirSync(dir, { recursive: true })
  copyFileSync(echartsFile(), join(dir, 'echarts.min.js'))
  const html = join(dir, `cross-region-${month}.html`)
  writeFileSync(join(dir, `cross-region-${month}.json`), JSON.stringify(r, null, 2) + '\n')
  writeFileSync(html, renderCrossRegionClearingHtml(r, { echarts: { src: 'echarts.min.js' } }))
  process.stdout.write(`\n== 异地就医 clearing ${month}: ${r.totals.settlements} visitors' settlements, funds ${money(r.totals.fund_pay_sumamt_yuan)} yuan owed\n`)
  for (const g of r.regions) {
    process.stdout.write(`${pad(g.insuplc_admdvs, 8)}${pad(g.region, 14)}${pad(String(g.settlements), 7, true)}${pad(money(g.fund_pay_sumamt_yuan), 16, true)}  `
      + g.funds.map((f) => `${f.fund_pay_type} ${money(f.fund_payamt_yuan)}`).join(', ') + '\n')
  }
  process.stdout.write(`report: ${html}\n`)
  return { settlements: r.totals.settlements, fund_pay_sumamt_yuan: r.totals.fund_pay_sumamt_yuan, regions: r.regions.length, report: html }
}

export function register(program: Command): void {
  program.command('demo')
    .description('a synthetic month of demo claims through the real path, then month-end for both pools with reports')
    .option('--claims <n>', 'number of claims', '2000')
    .option('--month <YYYY-MM>', 'month of the discharges', '2026-10')
    .option('--out <dir>', 'output directory (a fresh ledger.sqlite and reports/)', join(DEMO_VAR_DIR, 'run'))
    .option('--tables <file>', 'lookup tables (default: the demo region, built when missing)')
    .option('--policy <file>', 'policy file (default: the one in the tables)')
    .option('--seed <n>', 'generator seed', '20261001')
    .option('--budget-yuan-310 <n>', 'month budget of 职工 (default: what the basic fund paid item by item)')
    .option('--budget-yuan-390 <n>', 'month budget of 居民 (default: what the basic fund paid item by item)')
    .option('--close', 'close the month (final runs)')
    .option('--top <n>', 'hospitals listed per pool', '15')
    .action(async (opts: Opts) => {
      const count = Number(opts.claims)
      if (!Number.isInteger(count) || count < 1 || count > 10_000_000) usageError(`--claims must be a whole number 1–10,000,000, got "${opts.claims}"`)
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) usageError(`--month must be YYYY-MM, got "${opts.month}"`)
      const out = resolve(opts.out)
      const ledgerFile = join(out, 'ledger.sqlite')
      if (existsSync(ledgerFile) && !existsSync(join(out, MARKER))) {
        usageError(`${ledgerFile} exists and was not made by \`dipsettle demo\`: pass another --out`)
      }
      mkdirSync(out, { recursive: true })
      for (const f of ['ledger.sqlite', 'ledger.sqlite-wal', 'ledger.sqlite-shm']) rmSync(join(out, f), { force: true })
      writeFileSync(join(out, MARKER), 'made by dipsettle demo; its ledger is replaced on every run\n')

      const tables = opts.tables !== undefined ? loadTables(opts.tables) : prepareRegion().tables
      const policy = opts.policy !== undefined ? loadPolicyFile(opts.policy) : tables.policy
      const ledger = openLedger(ledgerFile)
      try {
        // 个人账户 (SPEC §15): the month's credits before its claims, so 职工 outpatient visits pay from the account
        let accounts: Record<string, number> | null = null
        if (policy.personal_account !== undefined) {
          const { credits } = monthCredits(tables.persons.values(), policy.personal_account)
          const c = await sqliteAccounts(ledger.db).creditMonth(opts.month, credits)
          accounts = { credited: c.credited, credited_yuan: fenToYuan(c.creditedFen), acct_pay_yuan: 0 }
          process.stdout.write(`个人账户 ${opts.month}: ${c.credited} accounts credited ${money(fenToYuan(c.creditedFen))} yuan\n`)
        }
        const t0 = Date.now()
        let batch: unknown[] = []
        const counts = { settled: 0, rejected: 0 }
        let acctPayFen = 0
        const flush = (): void => {
          for (const r of processBatch(batch, { tables, policy, ledger })) {
            counts[r.status === 'settled' ? 'settled' : 'rejected'] += 1
            if (r.status === 'settled') acctPayFen += yuanToFen(r.setlinfo?.acct_pay ?? 0)
          }
          batch = []
        }
        // 异地就医: one claim in 50 is a visitor's (insured in the neighbouring region, SPEC §13)
        const gen = { count, month: opts.month, seed: Number(opts.seed), outpatientShare: 0.1, referralShare: 0.05, visitorEvery: VISITOR_EVERY }
        for (const c of generateDemoClaims(tables, gen)) {
          batch.push(c)
          if (batch.length >= BATCH) flush()
        }
        flush()
        process.stdout.write(`${count} claims: ${counts.settled} settled, ${counts.rejected} rejected in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
        if (accounts !== null) {
          accounts.acct_pay_yuan = fenToYuan(acctPayFen)
          process.stdout.write(`个人账户: ${money(accounts.acct_pay_yuan)} yuan paid from accounts (\`dipsettle accounts statement --psn-no P\`)\n`)
        }

        const summary: Record<string, unknown> = { month: opts.month, ledger: ledgerFile, claims: count, ...counts, pools: {}, accounts }
        const budgets = new Map<Pool, number>()
        for (const pool of ['310', '390'] as const satisfies readonly Pool[]) {
          const given = pool === '310' ? opts.budgetYuan310 : opts.budgetYuan390
          let budgetFen: number
          if (given !== undefined) {
            const p = parseYuan(Number(given), false, given)
            if (!p.ok) usageError(`--budget-yuan-${pool} must be yuan with at most 2 decimals`)
            budgetFen = p.fen
          } else {
            // the demo's budget: what the basic fund paid item by item for the month's discharges of the pool
            budgetFen = ledger.inpatientHifpFen(opts.month, pool)
          }
          budgets.set(pool, budgetFen)
          const o = await settleMonth(ledger, tables, policy, { month: opts.month, pool, budgetFen, close: opts.close === true })
          if (o.status !== 'ok') { process.stderr.write(`month-end ${pool}: ${o.message}\n`); process.exitCode = 1; continue }
          const dir = join(out, 'reports', `${opts.month}-${pool}`)
          const w = await writeMonthReports(ledger, tables, policy, { month: opts.month, pool, dir })
          const r = o.report
          process.stdout.write(`\n== month-end ${r.month} pool ${pool} (${pool === '310' ? '职工' : '居民'}) ${r.status}: budget ${money(r.budget_yuan)} ÷ ${r.reimbursement_ratio} (${r.ratio_source})`
            + ` = ${money(r.dip_total_yuan)} yuan over ${r.total_points.toFixed(4)} points → ${r.point_value_yuan.toFixed(6)} yuan/point,`
            + ` ${r.discharges} discharges, ${r.hospitals.length} hospitals, ${r.special_cases.length} 特例单议 candidates\n`)
          process.stdout.write(table(r, Number(opts.top) || 15))
          if (w) process.stdout.write(`reports: ${w.overview}\n         ${join(dir, 'hospitals')}/ (${w.hospitals} pages)\n`)
          ;(summary.pools as Record<string, unknown>)[pool] = {
            budget_yuan: fenToYuan(budgetFen), reimbursement_ratio: r.reimbursement_ratio, ratio_source: r.ratio_source,
            point_value_yuan: r.point_value_yuan, total_points: r.total_points, dip_total_yuan: r.dip_total_yuan,
            hospitals: r.hospitals.length, overview: w?.overview ?? null,
          }
        }
        summary.cross_region = await crossRegionSummary(ledger, tables, opts.month, join(out, 'reports'))
        if (policy.annual_clearing !== undefined) summary.clearing = await demoClearing(ledger, tables, policy, opts, budgets)
        if (policy.per_capita !== undefined) summary.per_capita = await demoPerCapita(ledger, tables, policy, opts, join(out, 'reports', `per-capita-${opts.month}`))
        process.stdout.write(JSON.stringify(summary) + '\n')
      } finally {
        ledger.close()
      }
    })
}

/**
 * 年度清算 (SPEC §6) of the month's year as a stored draft, on the month's budget (the demo ledger holds one month),
 * and — when the month was closed — the next year's 周转金 issued from its payouts (`dipsettle turnover issue`).
 */
async function demoClearing(ledger: ReturnType<typeof openLedger>, tables: Tables, policy: Policy, opts: Opts,
  budgets: ReadonlyMap<Pool, number>): Promise<Record<string, unknown>> {
  const year = Number(opts.month.slice(0, 4))
  const clearing = sqliteClearing(ledger.db)
  const out: Record<string, unknown> = {}
  for (const [pool, fundFen] of budgets) {
    const c = await runClearing(ledger, clearing, tables, policy, { year, pool, fundFen, close: false })
    if (c.status !== 'ok') { process.stderr.write(`clearing ${pool}: ${c.message}\n`); continue }
    const r = c.report
    const advance = r.hospitals.reduce((a, h) => a + yuanToFen(h.turnover_advance_yuan), 0)
    const vbp = r.hospitals.reduce((a, h) => a + yuanToFen(h.vbp_saving_yuan), 0)
    const vbpKept = r.hospitals.reduce((a, h) => a + yuanToFen(h.vbp_saving_kept_yuan), 0)
    let next: Record<string, number> | null = null
    if (opts.close === true) {
      const i = await issueAdvances(ledger, clearing, tables, policy, year + 1, pool)
      if (!('status' in i)) next = { issued: i.issued, issued_yuan: fenToYuan(i.issuedFen) }
    }
    process.stdout.write(`\n== annual clearing ${year} pool ${pool} ${r.status} (on the month's budget): ${r.hospitals.length} hospitals,`
      + ` point value ${r.point_value_yuan.toFixed(6)}, 周转金 cleared ${money(fenToYuan(advance))},`
      + ` 集采 saving ${money(fenToYuan(vbp))} (kept whole ${money(fenToYuan(vbpKept))}), balance ${money(r.balance_total_yuan)} yuan`
      + ` (\`dipsettle clearing-report --year ${year} --pool ${pool} --hospital CODE\`)\n`
      + (next !== null ? `周转金 ${year + 1}: ${next.issued} hospitals advanced ${money(next.issued_yuan ?? 0)} yuan\n` : ''))
    out[pool] = {
      status: r.status, hospitals: r.hospitals.length, balance_total_yuan: r.balance_total_yuan, turnover_cleared_yuan: fenToYuan(advance),
      vbp_saving_yuan: fenToYuan(vbp), vbp_saving_kept_yuan: fenToYuan(vbpKept), next_year_turnover: next,
    }
  }
  return out
}

/** 按人头 (SPEC §15): the month's per-capita run for the contracted persons, one JSON + HTML page per institution. */
async function demoPerCapita(ledger: ReturnType<typeof openLedger>, tables: Tables, policy: Policy, opts: Opts, dir: string): Promise<Record<string, unknown> | null> {
  const o = await runPerCapita(sqlitePerCapita(ledger.db), tables, policy, { month: opts.month, close: opts.close === true })
  if (o.status !== 'ok') { process.stderr.write(`per-capita: ${o.message}\n`); return null }
  const r = o.report
  mkdirSync(dir, { recursive: true })
  for (const i of r.institutions) {
    writeFileSync(join(dir, `${i.fixmedins_code}.json`), JSON.stringify({ month: r.month, status: r.status, institution: i }) + '\n')
    writeFileSync(join(dir, `${i.fixmedins_code}.html`), perCapitaHtml(r.month, r.status, i))
  }
  const elsewhere = r.institutions.reduce((a, i) => a + yuanToFen(i.spending_elsewhere_yuan), 0)
  process.stdout.write(`\n== 按人头 per-capita ${r.month} ${r.status}: ${r.institutions.length} primary institutions, budget ${money(r.budget_yuan)},`
    + ` outpatient spending ${money(r.spending_yuan)} (of which ${money(fenToYuan(elsewhere))} at other institutions, charged to the contract),`
    + ` settlement ${money(r.settlement_yuan)} yuan\nreports: ${dir}/ (JSON + HTML per institution)\n`)
  return { status: r.status, institutions: r.institutions.length, budget_yuan: r.budget_yuan, spending_yuan: r.spending_yuan,
    spending_elsewhere_yuan: fenToYuan(elsewhere), settlement_yuan: r.settlement_yuan, reports: dir }
}
