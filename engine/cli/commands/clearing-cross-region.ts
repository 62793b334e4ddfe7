// `dipsettle clearing cross-region --ledger FILE|URL --month YYYY-MM` (SPEC §13 异地就医): per insuring region, the
// funds this region advanced to its hospitals for that region's insured (per fund type), the number of settlements
// and their setl_ids. Prints the JSON report (last line of stdout) and writes it with its HTML page.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { ledgerTarget, openLedger } from '../../ledger/open.js'
import { isPostgresUrl } from '../../ledger/postgres/ledger.js'
import { SqliteCrossRegionReports } from '../../ledger/sqlite/cross-region-reports.js'
import { sqliteReports } from '../../ledger/sqlite/reports.js'
import { clearCrossRegion, type CrossRegionClearingReport } from '../../settlement/cross-region-clearing.js'
import { echartsFile, renderCrossRegionClearingHtml } from '../../settlement/report-html.js'
import { openContext } from '../context.js'
import { usageError } from '../usage.js'

interface Opts { ledger?: string; month: string; tables?: string; policy?: string; reportDir?: string; reports: boolean }

async function report(target: string, month: string, tables: Parameters<typeof clearCrossRegion>[1]): Promise<CrossRegionClearingReport> {
  const opened = await openLedger(target, isPostgresUrl(target) ? {} : { readonly: true })
  try {
    if (opened.kind === 'postgres') {
      const l = opened.ledger
      return await clearCrossRegion(l.crossRegion, tables, month, await l.ledgerSeq())
    }
    const db = opened.ledger.db
    return await clearCrossRegion(new SqliteCrossRegionReports(db), tables, month, await sqliteReports(db).ledgerSeq())
  } finally {
    await opened.ledger.close()
  }
}

/** `cross-region` under the `clearing` command. */
export function register(program: Command): void {
  const clearing = program.commands.find((c) => c.name() === 'clearing')
  if (clearing === undefined) throw new Error('clearing-cross-region: register the clearing command first')
  // commander checks the mandatory options of every ancestor: annual clearing's (--year, --pool, --fund-yuan) are not
  // this subcommand's, so they are made optional for the parse that dispatches to it (and only then)
  clearing.hook('preSubcommand', (cmd) => { for (const o of cmd.options) o.mandatory = false })
  clearing.command('cross-region')
    .description('异地就医清算: per insuring region, the funds advanced to this region\'s hospitals, by fund type')
    .option('--ledger <file|url>', 'the ledger (a file, or a postgres:// URL; default DIPSETTLE_LEDGER)')
    .requiredOption('--month <YYYY-MM>', 'month of the settlements\' enddate')
    .option('--tables <file>', 'lookup tables (default: the demo region\'s): names the insuring regions')
    .option('--report-dir <dir>', 'where to write the report (default: <ledger dir>/reports, or ./reports for a URL)')
    .option('--no-reports', 'print the JSON report only, write no files')
    .addHelpText('after', `
Reversals net out (they carry the original's month). Files: cross-region-<month>.json and .html (echarts.min.js beside).
Exit status: 0 done; 1 fault; 2 bad usage.`)
    .action(async (_own: Opts, cmd: Command) => {
      // --ledger and --tables are also the parent's options, which commander parses first: read them with the parent's
      const opts = cmd.optsWithGlobals<Opts>()
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) usageError(`--month must be YYYY-MM, got "${opts.month}"`)
      const target = ledgerTarget(opts.ledger)
      if (target === undefined) usageError('--ledger FILE|URL is required (or DIPSETTLE_LEDGER)')
      if (!isPostgresUrl(target) && !existsSync(target)) usageError(`ledger ${target} does not exist`)
      const ctx = openContext(opts)
      const out = await report(target, opts.month, ctx.tables)
      if (opts.reports) {
        const dir = resolve(opts.reportDir ?? (isPostgresUrl(target) ? 'reports' : join(dirname(resolve(target)), 'reports')))
        mkdirSync(dir, { recursive: true })
        copyFileSync(echartsFile(), join(dir, 'echarts.min.js'))
        writeFileSync(join(dir, `cross-region-${opts.month}.json`), JSON.stringify(out, null, 2) + '\n')
        writeFileSync(join(dir, `cross-region-${opts.month}.html`), renderCrossRegionClearingHtml(out, { echarts: { src: 'echarts.min.js' } }))
        process.stderr.write(`reports: ${join(dir, `cross-region-${opts.month}.html`)}\n`)
      }
      process.stdout.write(JSON.stringify(out) + '\n')
    })
}
