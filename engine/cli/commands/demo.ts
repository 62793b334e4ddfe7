// STUB — replaced by the issue that builds `dipsettle demo`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('demo').description('(not built yet)').allowUnknownOption().action(() => usageError('demo: not built yet'))
}
