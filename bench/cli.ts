// Benchmark: `dipsettle adjudicate --workers N` as a user runs it — the built CLI as a child process, claims read from a
// file on disk (stdin) and answers written to a file on disk (stdout), 1 worker against 2 on the same input, their runs
// alternated (1, 2, 1, 2 …) so that a load change on the shared box hits both sides alike. Reports
// cli_workers_scaling_2w_vs_1w (SPEC §9, second wave): the best 2-worker time over the best 1-worker time, and the same
// with `--compact` answers, and each side's CPU seconds (the figure a loaded box disturbs least). Run alone after
// `npx tsc -p .`: `node dist/bench/cli.js [--quick] [claims]`.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { generateDemoClaims } from '../engine/demo/claims.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../engine/paths.js'
import { loadTables } from '../engine/tables/load.js'
import { buildTables } from '../grouper-data/build.js'
import { procStat, TICKS_PER_S } from './proc-stat.js'

export interface CliBenchResult {
  readonly cli_workers_scaling_2w_vs_1w: number
  readonly cli_claims_per_s_1w: number
  readonly cli_claims_per_s_2w: number
  /** The same runs with `--compact` (answers without per-line detail). */
  readonly cli_compact_scaling_2w_vs_1w: number
  readonly cli_compact_claims_per_s_1w: number
  readonly cli_compact_claims_per_s_2w: number
  /**
   * CPU seconds (user + system, every thread) of the whole `adjudicate` process, least over the repeats; NaN where
   * /proc is missing. With W the 1-worker time, 2w ÷ 1w is at most about W ÷ (cpu_2w ÷ 2) on 2 cores: the CPU that
   * two workers need, shared by two cores (bench/README.md, issue 17).
   */
  readonly cli_cpu_s_1w: number
  readonly cli_cpu_s_2w: number
  /**
   * The fixed cost of a run, both sides paying it once: the same command on an empty input (process start, every
   * module, workers loading the tables), best of the repeats; and the scaling of what is left, (2w − start) ÷ …
   */
  readonly cli_startup_s_1w: number
  readonly cli_startup_s_2w: number
  readonly cli_scaling_after_startup_2w_vs_1w: number
  readonly cli_claims: number
  readonly cli_input_mb: number
  readonly cli_output_mb: number
  readonly cli_compact_output_mb: number
  /** Every run's seconds, in the order run: [1w, 2w] per repeat (full answers, then compact). */
  readonly cli_runs_s: Record<string, number[]>
}

const MAIN = fileURLToPath(new URL('../engine/cli/main.js', import.meta.url))

/** The input file: `count` demo claims (20 % outpatient, ~2 KB a line on average), one JSON line each. */
export function writeClaimsFile(file: string, tablesFile: string, count: number, seed = 20261001): number {
  const tables = loadTables(tablesFile)
  const parts: string[] = []
  for (const c of generateDemoClaims(tables, { count, seed, outpatientShare: 0.2 })) parts.push(JSON.stringify(c) + '\n')
  writeFileSync(file, parts.join(''))
  return statSync(file).size
}

/** utime + stime of a live process (every thread, exited ones included), in seconds; NaN without /proc. */
function procCpuS(pid: number): number {
  try {
    const s = procStat(`/proc/${pid}/stat`)
    return (s.utime + s.stime) / TICKS_PER_S
  } catch {
    return NaN
  }
}

/** How often a child's CPU is read: its last reading before exit is what is reported (at most this much short). */
const CPU_POLL_MS = 20

/** One `dipsettle adjudicate` child, stdin and stdout on files; resolves with its wall time in seconds. */
export async function runCli(args: readonly string[], inFile: string, outFile: string): Promise<number> {
  return (await runCliTimed(args, inFile, outFile)).wallS
}

/** runCli, also with the child's CPU seconds (read from /proc while it runs). */
export function runCliTimed(args: readonly string[], inFile: string, outFile: string): Promise<{ wallS: number; cpuS: number }> {
  const fin = openSync(inFile, 'r')
  const fout = openSync(outFile, 'w')
  const t0 = process.hrtime.bigint()
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [MAIN, 'adjudicate', ...args], { stdio: [fin, fout, 'pipe'] })
    let cpuS = NaN
    const poll = setInterval(() => {
      const c = p.pid === undefined ? NaN : procCpuS(p.pid)
      if (!Number.isNaN(c)) cpuS = c
    }, CPU_POLL_MS)
    let err = ''
    p.stderr?.setEncoding('utf8').on('data', (d: string) => { err += d })
    p.once('error', (e) => { clearInterval(poll); reject(e) })
    p.once('close', (code) => {
      clearInterval(poll)
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9
      closeSync(fin)
      closeSync(fout)
      if (code !== 0) reject(new Error(`dipsettle adjudicate ${args.join(' ')} exited ${code}: ${err.slice(0, 300)}`))
      else resolve({ wallS, cpuS })
    })
  })
}

const r2 = (x: number): number => Math.round(x * 100) / 100

export async function runCliBench(opts: { claims?: number; quick?: boolean; tablesFile?: string; reps?: number } = {}): Promise<CliBenchResult> {
  const tablesFile = opts.tablesFile ?? DEMO_TABLES_FILE
  if (tablesFile === DEMO_TABLES_FILE && !existsSync(tablesFile)) buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: tablesFile })
  // the input size in quick mode too: at 8,000 claims the start-up both sides pay is a much larger share of a
  // run, and the ratio says little about a user's 40,000-claim file (about 30 s for this module on an idle box)
  const claims = opts.claims ?? 40_000
  const reps = opts.reps ?? (opts.quick === true ? 2 : 3)
  const dir = mkdtempSync(join(tmpdir(), 'dipsettle-bench-cli-'))
  try {
    const inFile = join(dir, 'in.jsonl')
    const inBytes = writeClaimsFile(inFile, tablesFile, claims)
    const outFile = join(dir, 'out.jsonl')
    const emptyFile = join(dir, 'empty.jsonl')
    writeFileSync(emptyFile, '')
    const runs: Record<string, number[]> = { full: [], compact: [] }
    const best = { full: [Infinity, Infinity], compact: [Infinity, Infinity] }
    const outMb = { full: 0, compact: 0 }
    const startup = [Infinity, Infinity]
    const cpu = [Infinity, Infinity]
    for (let r = 0; r < reps; r++) {
      for (const [i, workers] of [1, 2].entries()) {
        const s = await runCli(['--tables', tablesFile, '--workers', String(workers)], emptyFile, outFile)
        startup[i] = Math.min(startup[i] as number, s)
      }
    }
    for (const mode of ['full', 'compact'] as const) {
      const extra = mode === 'compact' ? ['--compact'] : []
      for (let r = 0; r < reps; r++) {
        for (const [i, workers] of [1, 2].entries()) {
          const { wallS: s, cpuS } = await runCliTimed(['--tables', tablesFile, '--workers', String(workers), ...extra], inFile, outFile)
          runs[mode]!.push(r2(s))
          if (mode === 'full') cpu[i] = Math.min(cpu[i] as number, cpuS)
          best[mode][i] = Math.min(best[mode][i] as number, s)
          outMb[mode] = statSync(outFile).size / 1e6
        }
      }
    }
    const rate = (s: number): number => Math.round(claims / s)
    return {
      cli_workers_scaling_2w_vs_1w: r2((best.full[0] as number) / (best.full[1] as number)),
      cli_claims_per_s_1w: rate(best.full[0] as number),
      cli_claims_per_s_2w: rate(best.full[1] as number),
      cli_compact_scaling_2w_vs_1w: r2((best.compact[0] as number) / (best.compact[1] as number)),
      cli_compact_claims_per_s_1w: rate(best.compact[0] as number),
      cli_compact_claims_per_s_2w: rate(best.compact[1] as number),
      cli_cpu_s_1w: r2(cpu[0] as number),
      cli_cpu_s_2w: r2(cpu[1] as number),
      cli_startup_s_1w: r2(startup[0] as number),
      cli_startup_s_2w: r2(startup[1] as number),
      cli_scaling_after_startup_2w_vs_1w: r2(((best.full[0] as number) - (startup[0] as number)) / ((best.full[1] as number) - (startup[1] as number))),
      cli_claims: claims,
      cli_input_mb: Math.round(inBytes / 1e5) / 10,
      cli_output_mb: Math.round(outMb.full * 10) / 10,
      cli_compact_output_mb: Math.round(outMb.compact * 10) / 10,
      cli_runs_s: runs,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = process.argv.slice(2).find((a) => /^\d+$/.test(a))
  const r = await runCliBench({ quick: process.argv.includes('--quick'), ...(arg !== undefined ? { claims: Number(arg) } : {}) })
  process.stdout.write(JSON.stringify(r) + '\n')
}
