// CPU of the settle stage of `dipsettle simulate` for any build (issue 21: this build against one before persons moved,
// whose stages carry no CPU figure): runs BUILD_ROOT/dist/engine/cli/main.js simulate at 1 M insured with the reduced
// volume of docs/scale-out.md and reads the process's utime + stime (/proc/PID/stat: every thread) when each stage
// line is printed; the settle stage's CPU is the reading at its line minus the one at "start N worker(s)". Linux only.
// Prints one JSON line. Run builds alternated: CPU, not wall, is comparable on a shared machine.
//
//   node dist/bench/simulate-cpu.js BUILD_ROOT OUT_DIR [PERSONS]
import { readFileSync } from 'node:fs'
import { isSettleDone, isWorkersStarted, spawnSimulate } from './simulate-child.js'
import { cpuTicks, TICKS_PER_S } from './proc-stat.js'

const [root, out, persons = '1000000'] = process.argv.slice(2)
if (root === undefined || out === undefined) throw new Error('usage: simulate-cpu BUILD_ROOT OUT_DIR [PERSONS]')
const ticks = (): { all: number; sys: number } => cpuTicks(child.pid!)

const marks: { line: string; ticks: { all: number; sys: number } }[] = []
let last = ''
const child = spawnSimulate({ root, out, persons }, (line) => {
  marks.push({ line, ticks: ticks() })
  last = line
})
child.on('exit', (code) => {
  const start = marks.find((m) => isWorkersStarted(m.line))
  const settle = marks.find((m) => isSettleDone(m.line))
  if (code !== 0 || start === undefined || settle === undefined) throw new Error(`simulate exited ${code} without its stage lines`)
  const report = JSON.parse(last) as { per_month: { claims: number; settle_s: number }[]; memory?: { worker_rss_mb?: number } }
  const cpuS = (settle.ticks.all - start.ticks.all) / TICKS_PER_S
  // the kernel's share (system calls: the SQLite files' reads, locks and writes)
  const sysS = (settle.ticks.sys - start.ticks.sys) / TICKS_PER_S
  const claims = report.per_month[0]!.claims
  process.stdout.write(JSON.stringify({
    root, settle_cpu_s: cpuS, settle_sys_s: sysS, cpu_us_per_claim: Math.round((cpuS * 1e6) / claims), settle_wall_s: report.per_month[0]!.settle_s, claims,
    worker_rss_mb: report.memory?.worker_rss_mb ?? null, load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  }) + '\n')
})
