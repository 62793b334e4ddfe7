// STUB — replaced by the issue that builds `dipsettle simulate`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('simulate').description('(not built yet)').allowUnknownOption().action(() => usageError('simulate: not built yet'))
}
