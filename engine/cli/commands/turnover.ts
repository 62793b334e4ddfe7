// `dipsettle turnover issue --ledger FILE|URL --year YYYY --pool 310|390` (seed 001 周转金 年初预付; SPEC §6): record each
// settlement unit's start-of-year advance once (a second run changes nothing and says so), and
// `dipsettle clearing-report --ledger FILE|URL --year YYYY --pool P --hospital CODE [--html]`: a hospital's stored
// annual clearing report.
import type { Command } from 'commander'
import { fenToYuan } from '../../money.js'
import { clearingHospitalHtml } from '../../settlement/clearing-html.js'
import { issueAdvances } from '../../settlement/turnover.js'
import { openContext } from '../context.js'
import { usageError } from '../usage.js'
import { LEDGER_FLAGS, requireLedger, withReportsLedger } from '../reports-ledger.js'

interface Common { ledger?: string; year: string; pool: string; tables?: string; policy?: string }

function check(opts: Common): { year: number; pool: '310' | '390'; target: string } {
  if (!/^\d{4}$/.test(opts.year)) usageError(`--year must be YYYY, got "${opts.year}"`)
  if (opts.pool !== '310' && opts.pool !== '390') usageError(`--pool must be 310 or 390, got "${opts.pool}"`)
  return { year: Number(opts.year), pool: opts.pool, target: requireLedger(opts.ledger) }
}

export function register(program: Command): void {
  program.command('turnover').description('周转金: the start-of-year advance to each hospital (SPEC §6)')
    .command('issue')
    .description('record each hospital\'s advance for the year, once (a second run changes nothing)')
    .option(LEDGER_FLAGS, 'the ledger with the prior year\'s closed month-end runs: a file or postgres:// URL (default: DIPSETTLE_LEDGER)')
    .requiredOption('--year <YYYY>', 'the year advanced')
    .requiredOption('--pool <310|390>', '310 职工 or 390 居民')
    .option('--tables <file>', 'lookup tables (default: the demo region\'s)')
    .option('--policy <file>', 'policy file (default: the one in the tables); annual_clearing.turnover_advance_months')
    .action(async (opts: Common) => {
      const q = check(opts)
      const ctx = openContext(opts)
      await withReportsLedger(q.target, async ({ reports, clearing }) => {
        const out = await issueAdvances(reports, clearing(), ctx.tables, ctx.policy, q.year, q.pool)
        if ('status' in out) usageError(`${out.field}: ${out.message}`)
        const status = out.issued === 0 && out.already > 0 ? 'already_issued' : 'issued'
        if (status === 'already_issued') process.stderr.write(`dipsettle: ${q.year} pool ${q.pool} was already issued to all ${out.already} hospitals: nothing changed\n`)
        process.stdout.write(JSON.stringify({ year: q.year, pool: q.pool, status, issued: out.issued, issued_yuan: fenToYuan(out.issuedFen), already_issued: out.already }) + '\n')
      })
    })

  program.command('clearing-report')
    .description('a hospital\'s stored annual clearing report (JSON, or --html)')
    .option(LEDGER_FLAGS, 'the ledger holding the clearing run: a file or postgres:// URL (default: DIPSETTLE_LEDGER)')
    .requiredOption('--year <YYYY>', 'the year cleared')
    .requiredOption('--pool <310|390>', '310 职工 or 390 居民')
    .requiredOption('--hospital <code>', 'the hospital (settlement unit)')
    .option('--html', 'print the HTML page instead of JSON')
    .action(async (opts: Common & { hospital: string; html?: boolean }) => {
      const q = check(opts)
      await withReportsLedger(q.target, async ({ clearing }) => {
        const json = await clearing().clearingHospital(q.year, q.pool, opts.hospital)
        if (json === undefined) usageError(`no stored clearing of ${q.year} pool ${q.pool} holds ${opts.hospital}: run \`dipsettle clearing\` first`)
        process.stdout.write(opts.html === true ? clearingHospitalHtml(JSON.parse(json)) : json + '\n')
      })
    })
}
