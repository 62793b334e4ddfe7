// `dipsettle month-end --ledger FILE|URL --month YYYY-MM --pool 310|390 --budget-yuan N [--close]` (SPEC §8, §9):
// run the month's pre-settlement (a draft, or final with --close), write the feedback reports, and print the JSON
// report as the last line of stdout. A closed month refuses: message on stderr, exit 1 (HTTP answers 409).
import { dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { parseYuan } from '../../money.js'
import { isPostgresUrl } from '../../ledger/postgres/ledger.js'
import { settleMonth } from '../../settlement/month-end.js'
import { writeMonthReports } from '../../settlement/report-files.js'
import { openContext } from '../context.js'
import { usageError } from '../usage.js'
import { LEDGER_FLAGS, requireLedger, withReportsLedger } from '../reports-ledger.js'

interface Opts {
  ledger?: string; month: string; pool: string; budgetYuan: string; close?: boolean; tables?: string; policy?: string
  reportDir?: string; reports: boolean
}

export function register(program: Command): void {
  program.command('month-end')
    .description('月度预结算: turn a pool\'s month of DIP points into payouts and feedback reports')
    .option(LEDGER_FLAGS, 'the ledger holding the month\'s settlements (runs are recorded in it): a file or postgres:// URL (default: DIPSETTLE_LEDGER)')
    .requiredOption('--month <YYYY-MM>', 'month of the discharges\' enddate')
    .requiredOption('--pool <310|390>', '310 职工 or 390 居民')
    .requiredOption('--budget-yuan <n>', 'the month\'s DIP fund budget in yuan (at most 2 decimals)')
    .option('--close', 'make the run final; a closed month refuses every later run')
    .option('--tables <file>', 'lookup tables (default: the demo region\'s)')
    .option('--policy <file>', 'policy file (default: the one in the tables)')
    .option('--report-dir <dir>', 'where to write the reports (default: <ledger dir>/reports/<month>-<pool>; on a URL, reports/<month>-<pool> here)')
    .option('--no-reports', 'print the JSON report only, write no report files')
    .addHelpText('after', `
Exit status: 0 the run was recorded; 1 the month is closed (nothing changed) or a fault; 2 bad usage.
Reports: month-end-<month>-<pool>.json, overview-<month>-<pool>.html (the bureau's view), hospitals/<code>-….{json,html}
(each hospital's feedback with charts; echarts.min.js is copied beside them, no network needed).`)
    .action(async (opts: Opts) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) usageError(`--month must be YYYY-MM, got "${opts.month}"`)
      if (opts.pool !== '310' && opts.pool !== '390') usageError(`--pool must be 310 or 390, got "${opts.pool}"`)
      const budget = parseYuan(Number(opts.budgetYuan), false, opts.budgetYuan)
      if (opts.budgetYuan.trim() === '' || !budget.ok) usageError(`--budget-yuan must be a non-negative amount of yuan with at most 2 decimals, got "${opts.budgetYuan}"`)
      const pool = opts.pool
      const target = requireLedger(opts.ledger)
      const ctx = openContext(opts)
      await withReportsLedger(target, async ({ reports, clearing }) => {
        // the year's 周转金 shown beside each hospital's month (seed 001: advanced at the start of the year)
        const issued = await clearing().advances(Number(opts.month.slice(0, 4)), pool)
        const advances = new Map([...issued.values()].map((a) => [a.code, a.amountFen]))
        const out = await settleMonth(reports, ctx.tables, ctx.policy, {
          month: opts.month, pool, budgetFen: budget.fen, close: opts.close === true, ...(advances.size > 0 ? { advances } : {}),
        })
        if (out.status === 'refused') {
          process.stderr.write(`dipsettle: ${out.message}\n`)
          process.exitCode = 1
          return
        }
        if (out.status === 'invalid') usageError(`${out.field}: ${out.message}`)
        if (opts.reports) {
          const home = isPostgresUrl(target) ? '.' : dirname(resolve(target))
          const dir = resolve(opts.reportDir ?? join(home, 'reports', `${opts.month}-${opts.pool}`))
          const w = await writeMonthReports(reports, ctx.tables, ctx.policy, { month: opts.month, pool, dir })
          if (w) process.stderr.write(`reports: ${w.overview} (+ ${w.hospitals} hospital pages)\n`)
        }
        process.stdout.write(JSON.stringify(out.report) + '\n')
      })
    })
}
