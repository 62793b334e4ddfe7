// Each subcommand lives in its own file and registers itself here. A command's module is imported only when that
// command runs: importing them all (and with them fastify, prom-client, the HTTP schemas, the PostgreSQL drivers)
// before argv is parsed was most of the start-up of a short `adjudicate` run (bench/README.md, issue 17). Help, an
// unknown command or no command at all load every one, so commander can list them.
import type { Command } from 'commander'

interface CommandModule { register(program: Command): void }

/** Top-level command name → its module, in the order `--help` lists them. A new command adds one row. */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<CommandModule>]> = [
  ['data', () => import('./data-build.js')],
  ['start', () => import('./start.js')],
  ['group', () => import('./group.js')],
  ['adjudicate', () => import('./adjudicate.js')],
  ['reverse', () => import('./reverse.js')],
  ['ledger', () => import('./ledger.js')],
  ['month-end', () => import('./month-end.js')],
  // `clearing cross-region` adds a subcommand to `clearing`: both register together
  ['clearing', async () => {
    const [clearing, crossRegion] = await Promise.all([import('./clearing.js'), import('./clearing-cross-region.js')])
    return { register: (p: Command) => { clearing.register(p); crossRegion.register(p) } }
  }],
  ['pooling', () => import('./pooling.js')],
  ['demo', () => import('./demo.js')],
  ['serve', () => import('./serve.js')],
  ['credentials', () => import('./credentials.js')],
  ['simulate', () => import('./simulate.js')],
  ['special-case', () => import('./special-case.js')],
  ['monitoring', () => import('./monitoring.js')],
  ['accounts', () => import('./accounts.js')],
  // turnover.ts registers `turnover` and `clearing-report`
  ['turnover', () => import('./turnover.js')],
  ['clearing-report', () => import('./turnover.js')],
  ['per-capita', () => import('./per-capita.js')],
  ['persons', () => import('./persons.js')],
]

/**
 * The command `args` (process.argv without node and the script) names: its first word that is not an option (the
 * program itself has no options taking a value). Undefined when there is none.
 */
export function commandName(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'))
}

/** Registers the command `args` names, or every command when it names none of them. */
export async function registerCommands(program: Command, args: readonly string[] = process.argv.slice(2)): Promise<void> {
  const name = commandName(args)
  const one = COMMANDS.find(([n]) => n === name)
  const modules = await Promise.all((one !== undefined ? [one] : COMMANDS).map(([, load]) => load()))
  // a module that registers several commands is listed once per command: register it once
  for (const m of new Set(modules)) m.register(program)
}
