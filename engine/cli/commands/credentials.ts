// `dipsettle credentials add --ledger FILE|URL (--hospital CODE | --admin) [--tables FILE] [--label TEXT]` — make a bearer
// token for the HTTP service and print it once (stdout); only its sha256 is stored, in the ledger's `credentials`
// table. A hospital the tables do not know is refused (its token could never settle a claim).
import type { Command } from 'commander'
import { openContext } from '../context.js'
import { CredentialStore } from '../../../server/auth/credentials.js'
import { usageError } from '../usage.js'
import { LEDGER_FLAGS, requireLedger, withReportsLedger } from '../reports-ledger.js'

export function register(program: Command): void {
  const cmd = program.command('credentials').description('bearer credentials of the HTTP service')
  cmd.command('add')
    .description('make a credential for one hospital (sees only its own records) or the admin (runs month-end); prints the token once')
    .option(LEDGER_FLAGS, 'the ledger the service uses: a file or postgres:// URL (default: DIPSETTLE_LEDGER)')
    .option('--hospital <code>', 'fixmedins_code of the hospital (12 characters)')
    .option('--admin', 'the bureau\'s admin credential', false)
    .option('--label <text>', 'a note stored beside the hash (who it was given to)', '')
    .option('--tables <file>', 'lookup tables that must know the hospital (default: the demo region\'s)')
    .action(async (opts: { ledger?: string; hospital?: string; admin: boolean; label: string; tables?: string }) => {
      if ((opts.hospital === undefined) === !opts.admin) usageError('credentials add: pass exactly one of --hospital CODE or --admin')
      if (opts.hospital !== undefined && !/^[A-Za-z0-9]{12}$/.test(opts.hospital)) {
        usageError(`credentials add: --hospital must be a 12-character fixmedins_code, got "${opts.hospital}"`)
      }
      if (opts.hospital !== undefined) {
        const ctx = openContext({ tables: opts.tables })
        if (!ctx.tables.hospitals.has(opts.hospital)) {
          usageError(`credentials add: --hospital ${opts.hospital} is not a designated hospital of the tables ${ctx.tablesFile}`)
        }
      }
      await withReportsLedger(requireLedger(opts.ledger), async (ledger) => {
        const store = new CredentialStore(ledger.credentials())
        const issued = await store.add(opts.hospital !== undefined ? { hospital: opts.hospital } : { admin: true }, opts.label)
        process.stdout.write(issued.token + '\n')
        const who = issued.principal.role === 'admin' ? 'admin' : `hospital ${issued.principal.hospital}`
        process.stderr.write(`dipsettle: credential ${issued.principal.keyId} for ${who} stored (hash only); the token above is shown once\n`)
      }, { create: true })
    })
}
