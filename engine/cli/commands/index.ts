// Each subcommand lives in its own file and registers itself here.
import type { Command } from 'commander'
import { register as dataBuild } from './data-build.js'
import { register as start } from './start.js'
import { register as group } from './group.js'
import { register as adjudicate } from './adjudicate.js'
import { register as reverse } from './reverse.js'
import { register as ledger } from './ledger.js'
import { register as monthEnd } from './month-end.js'
import { register as clearing } from './clearing.js'
import { register as pooling } from './pooling.js'
import { register as demo } from './demo.js'
import { register as serve } from './serve.js'
import { register as credentials } from './credentials.js'
import { register as simulate } from './simulate.js'
import { register as specialCase } from './special-case.js'
import { register as persons } from './persons.js'

export function registerCommands(program: Command): void {
  for (const r of [dataBuild, start, group, adjudicate, reverse, ledger, monthEnd, clearing, pooling, demo, serve,
    credentials, simulate, specialCase, persons]) r(program)
}
