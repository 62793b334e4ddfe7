// STUB — replaced by the issue that builds `dipsettle pooling`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('pooling').description('(not built yet)').allowUnknownOption().action(() => usageError('pooling: not built yet'))
}
