// CPU time by who spends it, for a benchmark on a shared machine where wall-clock rates move with the neighbours'
// load (bench/README.md): this process, the processes it started (and theirs), a PostgreSQL cluster's postmaster and
// backends, and the whole machine — read from /proc (Linux) every few tens of ms, so that a window known only
// afterwards (autocannon's start and finish) can be cut out of the series. A tree's CPU includes its children that
// have exited (cutime, cstime: counted to the parent when reaped), so backends that come and go are not lost.
import { readdirSync, readFileSync } from 'node:fs'
import { procStat, TICKS_PER_S } from './proc-stat.js'

/** CPU seconds at one instant (cumulative counters). */
export interface CpuSample {
  readonly atMs: number
  /** This process (every thread). */
  readonly selfS: number
  /** Every process this one started, alive or reaped, and their descendants. */
  readonly childrenS: number
  /** The PostgreSQL cluster: postmaster, its processes alive and reaped (null: not on this machine). */
  readonly postgresS: number | null
  /** Busy CPU of the whole machine (all cores: user, nice, system, irq, softirq, steal). */
  readonly machineS: number
}

interface Stat { readonly ownS: number; readonly reapedS: number }

function stat(pid: number): Stat | undefined {
  try {
    const s = procStat(`/proc/${pid}/stat`)
    return { ownS: (s.utime + s.stime) / TICKS_PER_S, reapedS: (s.cutime + s.cstime) / TICKS_PER_S }
  } catch {
    return undefined
  }
}

function children(pid: number): number[] {
  const out: number[] = []
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(' ')) if (c !== '') out.push(Number(c))
      } catch { /* the thread ended */ }
    }
  } catch { /* the process ended */ }
  return out
}

/** CPU of a process and all its descendants, alive or reaped. */
function treeS(pid: number): number {
  const s = stat(pid)
  if (s === undefined) return 0
  return s.ownS + s.reapedS + children(pid).reduce((a, c) => a + treeS(c), 0)
}

function machineS(): number {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/)
  const x = v.map(Number)
  // user nice system idle iowait irq softirq steal (guest time is inside user)
  return ((x[0] ?? 0) + (x[1] ?? 0) + (x[2] ?? 0) + (x[5] ?? 0) + (x[6] ?? 0) + (x[7] ?? 0)) / TICKS_PER_S
}

export function sample(postmasterPid?: number): CpuSample {
  const self = stat(process.pid)!
  const kids = children(process.pid).reduce((a, c) => a + treeS(c), 0)
  return {
    atMs: Date.now(), selfS: self.ownS, childrenS: self.reapedS + kids,
    postgresS: postmasterPid === undefined ? null : treeS(postmasterPid), machineS: machineS(),
  }
}

/** The postmaster of the server a connection is on, if that server runs on this machine (its backend's parent). */
export function postmasterOf(backendPid: number): number | undefined {
  try {
    const ppid = procStat(`/proc/${backendPid}/stat`).ppid
    return readFileSync(`/proc/${ppid}/comm`, 'utf8').trim() === 'postgres' ? ppid : undefined
  } catch {
    return undefined
  }
}

/** Samples every intervalMs until stop(); `between(from, to)` is the CPU spent in that window (interpolated). */
export function sampleEvery(intervalMs: number, postmasterPid?: number): {
  stop: () => void
  between: (fromMs: number, toMs: number) => Omit<CpuSample, 'atMs'> & { readonly wallS: number }
} {
  const samples: CpuSample[] = [sample(postmasterPid)]
  const timer = setInterval(() => samples.push(sample(postmasterPid)), intervalMs)
  const at = (t: number): CpuSample => {
    const i = samples.findIndex((s) => s.atMs >= t)
    if (i <= 0) return samples[i === 0 ? 0 : samples.length - 1]!
    const a = samples[i - 1]!, b = samples[i]!
    const k = (t - a.atMs) / Math.max(1, b.atMs - a.atMs)
    const lerp = (x: number, y: number): number => x + (y - x) * k
    return {
      atMs: t, selfS: lerp(a.selfS, b.selfS), childrenS: lerp(a.childrenS, b.childrenS),
      postgresS: a.postgresS === null || b.postgresS === null ? null : lerp(a.postgresS, b.postgresS), machineS: lerp(a.machineS, b.machineS),
    }
  }
  return {
    stop: () => { clearInterval(timer); samples.push(sample(postmasterPid)) },
    between: (fromMs, toMs) => {
      const a = at(fromMs), b = at(toMs)
      return {
        wallS: (toMs - fromMs) / 1000, selfS: b.selfS - a.selfS, childrenS: b.childrenS - a.childrenS,
        postgresS: a.postgresS === null || b.postgresS === null ? null : b.postgresS - a.postgresS, machineS: b.machineS - a.machineS,
      }
    },
  }
}
