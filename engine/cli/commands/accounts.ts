// `dipsettle accounts credit --ledger F --month YYYY-MM` and `dipsettle accounts statement --ledger F --psn-no P
// [--year YYYY]` (SPEC §15 个人账户, seed 001): credit every 职工's personal account for a month, once; list a person's
// entries with the balance derived from the ledger. --ledger is a file or a postgres:// URL (engine/ledger/open.ts).
import type { Command } from 'commander'
import { monthCredits } from '../../accounts/credits.js'
import { accountStatement } from '../../accounts/statement.js'
import { accountsOf, closeOpened, personsOf } from '../../ledger/accounts-open.js'
import type { AccountCredit } from '../../ledger/accounts-port.js'
import { personAsOf, personOfYear } from '../../persons/as-of.js'
import { withLedgerPersons } from '../../persons/attach.js'
import { personsInForce } from '../../persons/in-force.js'
import type { Person } from '../../tables/types.js'
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
The persons are those in force on the month's last day: the tables file's, with the ledger's imported versions
(\`dipsettle persons import\`) over them.
Prints one JSON line: { month, status: "credited" | "already_credited", credited, credited_yuan, already_credited,
without_base }. Exit status: 0 done; 1 fault; 2 bad usage.`)
    .action(async (opts: CommonOpts & { month: string }) => {
      if (!MONTH.test(opts.month)) usageError(`--month must be YYYY-MM, got "${opts.month}"`)
      const target = ledgerTarget(opts.ledger)
      if (target === undefined) usageError('--ledger is required (or set DIPSETTLE_LEDGER)')
      const ctx = openContext(opts)
      const rule = ctx.policy.personal_account
      if (rule === undefined) usageError('the policy has no personal_account section: nothing to credit')
      const opened = await openLedger(target)
      try {
        // the month's persons (SPEC §11, §15): the ledger's versions in force on its last day over the tables file's
        const { credits, withoutBase } = await creditsOf(personsInForce(ctx.tables, personsOf(opened), lastDayOf(opts.month)), rule)
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
      const opened = await openLedger(target)
      try {
        // the person in force today, or on the asked year's last day (SPEC §11): the ledger's versions over the tables'
        const asOf = personAsOf(opened.kind === 'sqlite' ? withLedgerPersons(ctx.tables, target) : ctx.tables,
          opened.kind === 'sqlite' ? undefined : (p) => opened.ledger.persons.personVersions(p))
        const { person } = await personOfYear(asOf, opts.psnNo, opts.year, new Date())
        if (person === undefined) usageError(`--psn-no ${opts.psnNo}: not an insured person (the tables' persons or the ledger's)`)
        const { credits, payments } = await accountsOf(opened).accountEntries(person.psnNo)
        const st = accountStatement(person, credits, payments, opts.year !== undefined ? Number(opts.year) : null)
        process.stdout.write(JSON.stringify(st) + '\n')
      } finally {
        await closeOpened(opened)
      }
    })
}

/** YYYY-MM → its last day, YYYY-MM-DD. */
function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`
}

/** monthCredits over a stream of persons, a page at a time (only the credits are kept, not the persons). */
async function creditsOf(persons: AsyncIterable<Person>, rule: Parameters<typeof monthCredits>[1]): Promise<{ credits: AccountCredit[]; withoutBase: string[] }> {
  const credits: AccountCredit[] = []
  const withoutBase: string[] = []
  let page: Person[] = []
  const flush = (): void => {
    const r = monthCredits(page, rule)
    for (const c of r.credits) credits.push(c)
    for (const w of r.withoutBase) withoutBase.push(w)
    page = []
  }
  for await (const p of persons) {
    page.push(p)
    if (page.length >= 10_000) flush()
  }
  flush()
  return { credits, withoutBase }
}
