// CPU of `dipsettle adjudicate --workers 1` recording into a ledger, for any build (issue 21: the path users run for a
// file of claims, without simulate's own generator and memory figures): every thread's utime + stime
// (/proc/PID/stat) from the first answer written to the last, so that start-up (loading the tables, and for a build
// whose tables hold the persons, loading them) is left out. The ledger starts as a copy of BASE_LEDGER (the persons
// imported) or empty. Prints one JSON line. Linux only; alternate builds, CPU is comparable on a shared machine.
//
//   node dist/bench/adjudicate-cpu.js BUILD_ROOT TABLES CLAIMS_JSONL [BASE_LEDGER]
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cpuTicks, TICKS_PER_S } from './proc-stat.js'

const [root, tables, claims, base] = process.argv.slice(2)
if (root === undefined || tables === undefined || claims === undefined) throw new Error('usage: adjudicate-cpu BUILD_ROOT TABLES CLAIMS_JSONL [BASE_LEDGER]')
const dir = mkdtempSync(join(tmpdir(), 'dipsettle-adjudicate-cpu-'))
const ledger = join(dir, 'ledger.sqlite')
if (base !== undefined) copyFileSync(base, ledger)
const child = spawn(process.execPath, [join(root, 'dist', 'engine', 'cli', 'main.js'), 'adjudicate', '--tables', tables, '--ledger', ledger,
  '--workers', '1'], { stdio: [openSync(claims, 'r'), 'pipe', 'inherit'] })

const ticks = (): { all: number; sys: number } => cpuTicks(child.pid!)

let first: { all: number; sys: number } | undefined
let last = { all: 0, sys: 0 }
let lines = 0
let settled = 0
child.stdout!.on('data', (b: Buffer) => {
  last = ticks()
  first ??= last
  const s = b.toString()
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) lines++
  settled += s.split('"status":"settled"').length - 1
})
child.on('exit', (code) => {
  rmSync(dir, { recursive: true, force: true })
  if (code !== 0 || first === undefined) throw new Error(`adjudicate exited ${code}`)
  const cpuS = (last.all - first.all) / TICKS_PER_S
  process.stdout.write(JSON.stringify({ root, lines, settled, cpu_s: cpuS, sys_s: (last.sys - first.sys) / TICKS_PER_S,
    cpu_us_per_claim: Math.round((cpuS * 1e6) / lines) }) + '\n')
})
