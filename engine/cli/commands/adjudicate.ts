// STUB — replaced by the issue that builds `dipsettle adjudicate`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('adjudicate').description('(not built yet)').allowUnknownOption().action(() => usageError('adjudicate: not built yet'))
}
