// STUB — replaced by the issue that builds `dipsettle serve`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('serve').description('(not built yet)').allowUnknownOption().action(() => usageError('serve: not built yet'))
}
