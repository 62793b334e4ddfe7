// STUB — replaced by the issue that builds `dipsettle reverse`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('reverse').description('(not built yet)').allowUnknownOption().action(() => usageError('reverse: not built yet'))
}
