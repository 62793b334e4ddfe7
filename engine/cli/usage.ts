// Bad usage (exit 2) as an error the CLI entry point understands.
import { CommanderError } from 'commander'

export function usageError(message: string): never {
  process.stderr.write(`dipsettle: ${message}\n`)
  throw new CommanderError(2, 'dipsettle.usage', message)
}
