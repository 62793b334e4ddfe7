// engine/cli/commands/index.ts: a command's module is loaded only when that command runs; help, no command or an
// unknown one registers every command (so commander can list them and refuse the unknown one).
import { describe, expect, it } from 'vitest'
import { Command } from 'commander'
import { commandName, registerCommands } from '../../engine/cli/commands/index.js'

const ALL = ['data', 'start', 'group', 'adjudicate', 'reverse', 'ledger', 'month-end', 'clearing', 'pooling', 'demo',
  'serve', 'credentials', 'simulate', 'special-case', 'monitoring', 'accounts', 'turnover', 'clearing-report', 'per-capita', 'persons']

async function registered(args: readonly string[]): Promise<string[]> {
  const program = new Command('dipsettle')
  await registerCommands(program, args)
  return program.commands.map((c) => c.name())
}

describe('command registry', () => {
  it('names the command as the first word that is not an option', () => {
    expect(commandName(['adjudicate', '--workers', '2'])).toBe('adjudicate')
    expect(commandName(['--help'])).toBeUndefined()
    expect(commandName([])).toBeUndefined()
    expect(commandName(['-h', 'ledger', 'verify'])).toBe('ledger')
  })

  it('registers only the command that runs', async () => {
    expect(await registered(['adjudicate', '--tables', 't.sqlite'])).toEqual(['adjudicate'])
    expect(await registered(['special-case', 'apply'])).toEqual(['special-case'])
  })

  it('registers every command, in order, for help, no command or an unknown one', async () => {
    expect(await registered([])).toEqual(ALL)
    expect(await registered(['--help'])).toEqual(ALL)
    expect(await registered(['help'])).toEqual(ALL)
    expect(await registered(['nope'])).toEqual(ALL)
  })
})
