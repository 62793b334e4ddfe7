// `dipsettle accounts credit --ledger F --month YYYY-MM` and `dipsettle accounts statement --ledger F --psn-no P
// [--year YYYY]` (SPEC §15 个人账户, seed 001): credit every 职工's personal account for a month, once; list a person's
// entries with the balance derived from the ledger. --ledger is a file or a postgres:// URL (engine/ledger/open.ts).
import type { Command } from 'commander'
import { monthCredits } from '../../accounts/credits.js'
import { accountStatement } from '../../accounts/statement.js'
import { accountsOf, closeOpened } from '../../ledger/accounts-open.js'
import { ledgerTarget, openLedger } from '../../ledger/open.js'
import { fenToYuan } from '../../money.js'
import { openContext } from '../context.js'
import { usageError } from '../usage.js'

interface CommonOpts { ledger?: string; tables?: string; policy?: string }

const MONTH = /^(19|20)\d\d-(0[1-9]|1[0-2])$/

export function register(program: Command): void {
  const accounts = program.command('accounts').description('个人账户: monthly credits and statements (SPEC §15)')

  accounts.command('credit')
    .description('credit every 职工\'s personal account for a month, once (a second run changes nothing)')
    .option('--ledger <file|url>', 'the ledger (a file, or postgres://…; default DIPSETTLE_LEDGER)')
    .requiredOption('--month <YYYY-MM>', 'the month credited')
    .option('--tables <file>', 'lookup tables with the persons (default: the demo region\'s)')
    .option('--policy <file>', 'policy file (default: the one in the tables); needs a personal_account section')
    .addHelpText('after', `
In service: personal_account.in_service_rate × persons.csv contribution_base_yuan; retired: retired_monthly_yuan.
Prints one JSON line: { month, status: "credited" | "already_credited", credited, credited_yuan, already_credited,
without_base }. Exit status: 0 done; 1 fault; 2 bad usage.`)
    .action(async (opts: CommonOpts & { month: string }) => {
      if (!MONTH.test(opts.month)) usageError(`--month must be YYYY-MM, got "${opts.month}"`)
      const target = ledgerTarget(opts.ledger)
      if (target === undefined) usageError('--ledger is required (or set DIPSETTLE_LEDGER)')
      const ctx = openContext(opts)
      const rule = ctx.policy.personal_account
      if (rule === undefined) usageError('the policy has no personal_account section: nothing to credit')
      const { credits, withoutBase } = monthCredits(ctx.tables.persons.values(), rule)
      const opened = await openLedger(target)
      try {
        const out = await accountsOf(opened).creditMonth(opts.month, credits)
        const status = out.credited === 0 && credits.length > 0 ? 'already_credited' : 'credited'
        if (status === 'already_credited') {
          process.stderr.write(`dipsettle: ${opts.month} was already credited to all ${out.alreadyCredited} accounts: nothing changed\n`)
        } else if (out.alreadyCredited > 0) {
          process.stderr.write(`dipsettle: ${out.alreadyCredited} accounts already had their ${opts.month} credit: left as they were\n`)
        }
        process.stdout.write(JSON.stringify({
          month: opts.month, status, credited: out.credited, credited_yuan: fenToYuan(out.creditedFen),
          already_credited: out.alreadyCredited, without_base: withoutBase.length,
        }) + '\n')
      } finally {
        await closeOpened(opened)
      }
    })

  accounts.command('statement')
    .description('a person\'s personal account entries and balance, derived from the ledger')
    .option('--ledger <file|url>', 'the ledger (a file, or postgres://…; default DIPSETTLE_LEDGER)')
    .requiredOption('--psn-no <P>', 'the insured person')
    .option('--year <YYYY>', 'only this year\'s entries (the opening balance is the balance at its start)')
    .option('--tables <file>', 'lookup tables with the persons (default: the demo region\'s)')
    .action(async (opts: CommonOpts & { psnNo: string; year?: string }) => {
      if (opts.year !== undefined && !/^\d{4}$/.test(opts.year)) usageError(`--year must be YYYY, got "${opts.year}"`)
      const target = ledgerTarget(opts.ledger)
      if (target === undefined) usageError('--ledger is required (or set DIPSETTLE_LEDGER)')
      const ctx = openContext(opts)
      const person = ctx.tables.persons.get(opts.psnNo)
      if (person === undefined) usageError(`--psn-no ${opts.psnNo}: not in the tables' persons`)
      const opened = await openLedger(target)
      try {
        const { credits, payments } = await accountsOf(opened).accountEntries(person.psnNo)
        const st = accountStatement(person, credits, payments, opts.year !== undefined ? Number(opts.year) : null)
        process.stdout.write(JSON.stringify(st) + '\n')
      } finally {
        await closeOpened(opened)
      }
    })
}
