#!/usr/bin/env node
// dipsettle — the command line (SPEC §8). JSON Lines on stdin → JSON Lines on stdout, one output line per input line.
// Exit 0 when every line was processed (a rejection is an answer), 2 on bad usage, 1 on a fault.
import { Command, CommanderError } from 'commander'
import { registerCommands } from './commands/index.js'

const program = new Command('dipsettle')
  .description('claims settlement and DIP (按病种分值付费) engine')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })
await registerCommands(program)

try {
  await program.parseAsync(process.argv)
} catch (e) {
  if (e instanceof CommanderError) {
    // help and version exit 0; every other commander error is bad usage
    process.exitCode = e.exitCode === 0 ? 0 : 2
  } else if (e instanceof (await import('../tables/load.js')).TablesFileError) {
    // a bad tables file is the operator's to fix, not a bug: one line naming the file and the problem (#14)
    process.stderr.write(`dipsettle: ${e.message}\n`)
    process.exitCode = 1
  } else {
    process.stderr.write(`dipsettle: ${(e as Error).stack ?? String(e)}\n`)
    process.exitCode = 1
  }
}
