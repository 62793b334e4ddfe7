// STUB — replaced by the issue that builds `dipsettle clearing`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('clearing').description('(not built yet)').allowUnknownOption().action(() => usageError('clearing: not built yet'))
}
