// STUB — replaced by the issue that builds `dipsettle data-build`.
import type { Command } from 'commander'
import { usageError } from '../usage.js'

export function register(program: Command): void {
  program.command('data').description('(not built yet)').allowUnknownOption().action(() => usageError('data-build: not built yet'))
}
