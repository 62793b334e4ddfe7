// Where the settle stage of `dipsettle simulate` spends its CPU, per thread (issue 21): runs BUILD_ROOT's simulate at
// 1 M insured with simulate-cpu.ts's reduced volume, and records the settle stage alone with Linux `perf record`
// (cpu-clock, 499 Hz, every thread of the process; JS functions named through node's perf map), started at the
// "start 1 worker(s)" line and stopped at the settle line. Prints one JSON line: samples of the busiest thread (the
// pool worker), the next (the main thread) and the rest (V8's helper threads: the collector and the compiler);
// `perf report -i PERF_DATA` shows the functions. Needs `perf` on the PATH. Any build since the first wave runs.
//
//   node dist/bench/simulate-perf.js BUILD_ROOT OUT_DIR PERF_DATA [--call-graph]
import { spawn, spawnSync } from 'node:child_process'
import { isSettleDone, isWorkersStarted, spawnSimulate } from './simulate-child.js'

const [root, out, data, flag] = process.argv.slice(2)
if (root === undefined || out === undefined || data === undefined) throw new Error('usage: simulate-perf BUILD_ROOT OUT_DIR PERF_DATA [--call-graph]')
const HZ = 499

let perf: ReturnType<typeof spawn> | undefined
let perfExited: Promise<void> | undefined
const child = spawnSimulate({ root, out, persons: '1000000', nodeFlags: ['--perf-basic-prof-only-functions'] }, (line) => {
  if (isWorkersStarted(line)) {
    perf = spawn('perf', ['record', '-q', '-e', 'cpu-clock', '-F', String(HZ), ...(flag === '--call-graph' ? ['-g'] : []),
      '-p', String(child.pid), '-o', data], { stdio: 'inherit' })
    const p = perf
    perfExited = new Promise((resolve) => p.on('exit', () => resolve()))
  }
  if (isSettleDone(line)) perf?.kill('SIGINT')
})
child.on('exit', (code) => {
  if (code !== 0 || perf === undefined) throw new Error(`simulate exited ${code}${perf === undefined ? ' before its workers started' : ''}`)
  void perfExited!.then(() => {
    const tids = spawnSync('perf', ['script', '-i', data, '-F', 'tid'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout
    const byTid = new Map<string, number>()
    for (const t of tids.split('\n')) if (t.trim() !== '') byTid.set(t.trim(), (byTid.get(t.trim()) ?? 0) + 1)
    const counts = [...byTid.values()].sort((a, b) => b - a)
    const [worker = 0, main = 0, ...helpers] = counts
    const rest = helpers.reduce((a, b) => a + b, 0)
    process.stdout.write(JSON.stringify({ root, hz: HZ, worker_samples: worker, main_samples: main, helper_samples: rest,
      total_samples: worker + main + rest, total_cpu_s: +((worker + main + rest) / HZ).toFixed(2), perf_data: data }) + '\n')
  })
})
