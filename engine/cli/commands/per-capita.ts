// `dipsettle per-capita --ledger F --month YYYY-MM [--close] [--report-dir DIR]` (SPEC §15 按人头): settle each
// primary institution's contracted persons' outpatient spending against persons × the policy's monthly amount;
// stored as a draft (replaced by the next run) or closed (final: a later run refuses, exit 1); one JSON + HTML report
// per institution in the report directory; the run's JSON report is the last stdout line. --ledger: a file or URL.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { closeOpened, perCapitaOf } from '../../ledger/accounts-open.js'
import { isPostgresUrl } from '../../ledger/postgres/ledger.js'
import { ledgerTarget, openLedger } from '../../ledger/open.js'
import { perCapitaHtml } from '../../percapita/html.js'
import { runPerCapita } from '../../percapita/runs.js'
import { openContext } from '../context.js'
import { usageError } from '../usage.js'

interface Opts { ledger?: string; month: string; close?: boolean; reportDir?: string; tables?: string; policy?: string }

export function register(program: Command): void {
  program.command('per-capita')
    .description('按人头: settle each primary institution\'s contracted persons\' outpatient spending for a month')
    .option('--ledger <file|url>', 'the ledger (a file, or postgres://…; default DIPSETTLE_LEDGER)')
    .requiredOption('--month <YYYY-MM>', 'the month of the outpatient settlements (enddate)')
    .option('--close', 'close the month (final); without it the run is a draft, replaced by the next')
    .option('--report-dir <dir>', 'where the per-institution reports go (default: reports/per-capita-<month> beside a ledger file)')
    .option('--tables <file>', 'lookup tables with the persons\' contracts (default: the demo region\'s)')
    .option('--policy <file>', 'policy file (default: the one in the tables); needs a per_capita section')
    .addHelpText('after', `
Budget = Σ contracted persons × per_capita.<insutype>.monthly_yuan; spending = the basic fund's outpatient payments
for them anywhere in the region (care elsewhere is charged to the contracting institution); surplus kept and
overspend shared by the policy's bands. Exit status: 0 done; 1 fault or a closed month; 2 bad usage.`)
    .action(async (opts: Opts) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) usageError(`--month must be YYYY-MM, got "${opts.month}"`)
      const target = ledgerTarget(opts.ledger)
      if (target === undefined) usageError('--ledger is required (or set DIPSETTLE_LEDGER)')
      const ctx = openContext(opts)
      const opened = await openLedger(target)
      try {
        const out = await runPerCapita(perCapitaOf(opened), ctx.tables, ctx.policy, { month: opts.month, close: opts.close === true })
        if (out.status === 'invalid') usageError(`${out.field}: ${out.message}`)
        if (out.status === 'refused') {
          process.stderr.write(`dipsettle: ${out.message}\n`)
          process.exitCode = 1
          return
        }
        const dir = opts.reportDir !== undefined ? resolve(opts.reportDir)
          : isPostgresUrl(target) ? resolve('reports', `per-capita-${opts.month}`)
            : join(dirname(resolve(target)), 'reports', `per-capita-${opts.month}`)
        mkdirSync(dir, { recursive: true })
        for (const i of out.report.institutions) {
          writeFileSync(join(dir, `${i.fixmedins_code}.json`), JSON.stringify({ month: opts.month, status: out.report.status, institution: i }) + '\n')
          writeFileSync(join(dir, `${i.fixmedins_code}.html`), perCapitaHtml(opts.month, out.report.status, i))
        }
        process.stderr.write(`reports: ${dir}/ (${out.report.institutions.length} institutions, JSON + HTML)\n`)
        process.stdout.write(JSON.stringify(out.report) + '\n')
      } finally {
        await closeOpened(opened)
      }
    })
}
