// STUB — replaced by the issue that builds `dipsettle start`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('start').description('(not built yet)').allowUnknownOption().action(() => usageError('start: not built yet'))
}
