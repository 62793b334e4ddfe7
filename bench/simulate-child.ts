// `dipsettle simulate` of any build at the reduced 1 M volume of docs/scale-out.md (issue 21), its stdout handed over
// line by line as printed: the stage lines simulate-cpu.ts and simulate-perf.ts take their readings at.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export function spawnSimulate(o: { root: string; out: string; persons: string; nodeFlags?: readonly string[] },
  onLine: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, [...(o.nodeFlags ?? []), join(o.root, 'dist', 'engine', 'cli', 'main.js'), 'simulate',
    '--persons', o.persons, '--months', '1', '--admissions-per-year', '0.04', '--outpatient-per-year', '0.4', '--workers', '1',
    '--out', o.out], { stdio: ['ignore', 'pipe', 'inherit'] })
  let buf = ''
  child.stdout!.on('data', (b: Buffer) => {
    buf += b.toString()
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 1)
      onLine(line)
    }
  })
  return child
}

/** The line simulate prints when its workers have started, and the one closing the month's settle stage. */
export const isWorkersStarted = (line: string): boolean => line.startsWith('start 1 worker')
export const isSettleDone = (line: string): boolean => /^\d{4}-\d\d settle/.test(line)
