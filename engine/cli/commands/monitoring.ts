// `dipsettle monitoring report --month YYYY-MM [--ledger FILE|URL] [--out DIR]` (SPEC §14): the month's 智能监控
// flags per hospital, sorted by severity. Writes monitoring-<month>.json, index-<month>.html and one page per hospital
// (hospitals/<code>-<month>.html) into DIR (default <ledger dir>/reports/monitoring-<month>, or ./reports/… for a
// PostgreSQL ledger) and prints the JSON report as the last line of stdout.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import pg from 'pg'
import type { MonitoredSettlement } from '../../ledger/monitoring-port.js'
import { ledgerTarget, redactUrl } from '../../ledger/open.js'
import { pgMonitoring } from '../../ledger/postgres/monitoring.js'
import { isPostgresUrl, PgLedger } from '../../ledger/postgres/ledger.js'
import { openLedger } from '../../ledger/sqlite.js'
import { sqliteMonitoring } from '../../ledger/sqlite/monitoring.js'
import { monitoringReport, type MonitoringReport } from '../../monitoring/report.js'
import { renderHospitalMonitoringHtml, renderMonitoringIndexHtml } from '../../monitoring/report-html.js'
import { openContext } from '../context.js'
import { usageError } from '../usage.js'

interface Opts { ledger?: string; month: string; out?: string; tables?: string; policy?: string }

async function flaggedRows(target: string, month: string): Promise<MonitoredSettlement[]> {
  if (isPostgresUrl(target)) {
    // opened first as a ledger: a database that is not a dipsettle ledger is refused before anything is read
    const l = await PgLedger.open(target, { readonly: true, maxConnections: 1 })
    await l.close()
    const pool = new pg.Pool({ connectionString: target, max: 1 })
    // a connection the server drops is this command's failed query, not an unhandled 'error' event
    pool.on('error', () => {})
    try {
      return await pgMonitoring(pool).monitoredSettlements(month)
    } finally {
      await pool.end()
    }
  }
  if (!existsSync(target)) usageError(`ledger ${target} does not exist`)
  const l = openLedger(target, { readonly: true })
  try {
    return await sqliteMonitoring(l.db).monitoredSettlements(month)
  } finally {
    l.close()
  }
}

function writeFiles(r: MonitoringReport, dir: string): void {
  mkdirSync(join(dir, 'hospitals'), { recursive: true })
  writeFileSync(join(dir, `monitoring-${r.month}.json`), JSON.stringify(r, null, 2) + '\n')
  const page = (code: string): string => `hospitals/${code}-${r.month}.html`
  writeFileSync(join(dir, `index-${r.month}.html`), renderMonitoringIndexHtml(r, page))
  for (const h of r.hospitals) writeFileSync(join(dir, page(h.fixmedins_code)), renderHospitalMonitoringHtml(r, h))
}

export function register(program: Command): void {
  const monitoring = program.command('monitoring').description('智能监控 (SPEC §14): the monitoring rules\' flags')
  monitoring.command('report')
    .description('the month\'s 智能监控 flags per hospital, sorted by severity (JSON + HTML)')
    .requiredOption('--month <YYYY-MM>', 'month of the settlements\' enddate')
    .option('--ledger <file|url>', 'the ledger (a file, or postgres://…; default DIPSETTLE_LEDGER)')
    .option('--out <dir>', 'where to write the report files')
    .option('--tables <file>', 'lookup tables, for hospital names (default: the demo region\'s)')
    .option('--policy <file>', 'policy file (default: the one in the tables)')
    .addHelpText('after', `
Flags are those recorded with each settlement (its answer), reversed settlements included and marked.
Exit status: 0 done; 1 fault; 2 bad usage.`)
    .action(async (opts: Opts) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) usageError(`--month must be YYYY-MM, got "${opts.month}"`)
      const target = ledgerTarget(opts.ledger)
      if (target === undefined) usageError('--ledger is required (or set DIPSETTLE_LEDGER)')
      const ctx = openContext(opts)
      const report = monitoringReport(opts.month, await flaggedRows(target, opts.month), ctx.tables)
      const dir = resolve(opts.out ?? join(isPostgresUrl(target) ? '.' : dirname(resolve(target)), 'reports', `monitoring-${opts.month}`))
      writeFiles(report, dir)
      process.stderr.write(`reports: ${join(dir, `index-${opts.month}.html`)} (+ ${report.hospitals.length} hospital pages) from ${redactUrl(target)}\n`)
      process.stdout.write(JSON.stringify(report) + '\n')
    })
}
