// STUB — replaced by the issue that builds `dipsettle month-end`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('month-end').description('(not built yet)').allowUnknownOption().action(() => usageError('month-end: not built yet'))
}
