// One reading of /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat (Linux, proc(5)): the fields the benchmarks take, in
// clock ticks (TICKS_PER_S). The command name in parentheses may hold spaces and parentheses, so fields are
// counted from the last ')'. Throws when the file cannot be read (the process or thread has ended).
import { execSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Clock ticks per second of these fields (USER_HZ). */
export const TICKS_PER_S = (() => {
  try { return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100 } catch { return 100 }
})()

export interface ProcStat {
  readonly ppid: number
  /** utime, stime: this process's (every thread's, exited ones included) or this thread's CPU. */
  readonly utime: number
  readonly stime: number
  /** cutime, cstime: of its children that have been waited for. */
  readonly cutime: number
  readonly cstime: number
}

/** `path`: e.g. `/proc/123/stat`, `/proc/self/task/456/stat`. */
export function procStat(path: string): ProcStat {
  const s = readFileSync(path, 'utf8')
  // field 3 (state) is the first after the command: field n is f[n - 3]
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
  const n = (i: number): number => Number(f[i - 3])
  return { ppid: n(4), utime: n(14), stime: n(15), cutime: n(16), cstime: n(17) }
}

/** A live process's CPU in ticks: utime + stime (`all`) and stime alone (`sys`, the kernel's share). */
export function cpuTicks(pid: number): { all: number; sys: number } {
  const s = procStat(`/proc/${pid}/stat`)
  return { all: s.utime + s.stime, sys: s.stime }
}
