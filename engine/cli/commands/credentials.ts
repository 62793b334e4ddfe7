// STUB — replaced by the issue that builds `dipsettle credentials`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('credentials').description('(not built yet)').allowUnknownOption().action(() => usageError('credentials: not built yet'))
}
