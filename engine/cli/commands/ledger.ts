// STUB — replaced by the issue that builds `dipsettle ledger`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('ledger').description('(not built yet)').allowUnknownOption().action(() => usageError('ledger: not built yet'))
}
