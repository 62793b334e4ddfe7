// STUB — replaced by the issue that builds `dipsettle group`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('group').description('(not built yet)').allowUnknownOption().action(() => usageError('group: not built yet'))
}
