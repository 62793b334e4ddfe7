// CPU per request of the HTTP server (issue #17): the server under test alone in a child process, autocannon in this
// one; the server's process.cpuUsage (every thread: event loop, ledger writer thread, libuv) is read around a fixed
// measured run after a warm-up, so the figure is the server's work per request whatever else shares the cores — on a
// shared machine a comparison of wall-clock rates says little, CPU per request is what to compare.
// The server is loaded from a build directory (`--build var/before/dist` for a copy of another commit's dist/), so
// before and after builds can be alternated in one sitting on the same claims:
//   node dist/bench/http-cpu.js [--build DIR] [--kind settle|floor] [--seconds 10] [--warmup 2] [--connections 16]
//                                [--answer-bytes N] [--rate R] [--profile FILE.cpuprofile]
// --rate: at most R requests per second overall (autocannon overallRate). The CPU a request costs depends on the
// rate (a group commit of more claims costs less per claim), so builds are compared at one fixed rate that both
// sustain on the loaded machine; without it the load is closed-loop (as bench/http.ts).
// --profile: the inspector's sampling profile of the server's event loop, over the measured window only.
// Prints one JSON line: requests, CPU µs per request (user, system, total; and per thread: the event loop, the
// ledger writer thread, V8's and libuv's), req/s, p99, answer bytes per request.
import autocannon from 'autocannon'
import { fork } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildTables } from '../grouper-data/build.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../engine/paths.js'
import { loadTables } from '../engine/tables/load.js'
import { realtimeClaims, requestFactory } from './http.js'
import { procStat, TICKS_PER_S } from './proc-stat.js'

type Kind = 'settle' | 'floor'

interface ServeJob {
  readonly build: string
  readonly kind: Kind
  readonly tablesFile: string
  readonly dir: string
  readonly hospitals: readonly string[]
  readonly answerBytes: number
  readonly profile: string | null
}

type ToServer = { readonly t: 'start' } | { readonly t: 'stop' }
type FromServer =
  | { readonly t: 'ready'; readonly port: number; readonly tokens: Record<string, string> }
  | { readonly t: 'measured'; readonly userUs: number; readonly systemUs: number; readonly threadsUs: Record<string, number> }

/** CPU (user + system, µs) of each thread of this process by its name (Linux /proc; {} elsewhere). */
function threadCpuUs(): Map<string, number> {
  const out = new Map<string, number>()
  let tids: string[]
  try { tids = readdirSync('/proc/self/task') } catch { return out }
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim()
      const s = procStat(`/proc/self/task/${tid}/stat`)
      const us = ((s.utime + s.stime) * 1e6) / TICKS_PER_S
      const key = tid === String(process.pid) ? 'event loop' : `${name} ${tid}`
      out.set(key, (out.get(key) ?? 0) + us)
    } catch { /* the thread ended */ }
  }
  return out
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

/** The child: the server of `job.build` on a fresh ledger; measures its own CPU between 'start' and 'stop'. */
async function serve(job: ServeJob): Promise<void> {
  const send = (m: FromServer): void => { process.send!(m) }
  let app: { close(): Promise<unknown> }
  let port: number
  const tokens: Record<string, string> = {}
  if (job.kind === 'floor') {
    const { buildFloorApp } = await import(pathToFileURL(join(job.build, 'bench', 'http-floor.js')).href)
    const floor = buildFloorApp({ file: join(job.dir, 'floor.sqlite'), answerBytes: job.answerBytes })
    await floor.app.listen({ port: 0, host: '127.0.0.1' })
    app = floor.app
    port = (floor.app.server.address() as { port: number }).port
  } else {
    const { loadTables: load } = await import(pathToFileURL(join(job.build, 'engine', 'tables', 'load.js')).href)
    const { openLedger } = await import(pathToFileURL(join(job.build, 'engine', 'ledger', 'sqlite.js')).href)
    const { CredentialStore } = await import(pathToFileURL(join(job.build, 'server', 'auth', 'credentials.js')).href)
    const { buildApp } = await import(pathToFileURL(join(job.build, 'server', 'app.js')).href)
    const tables = load(job.tablesFile)
    const ledger = openLedger(join(job.dir, 'ledger.sqlite'))
    const store = new CredentialStore(ledger.db)
    for (const code of job.hospitals) tokens[code] = (await store.add({ hospital: code })).token
    const a = await buildApp({ tables, policy: tables.policy, ledger, closeLedger: true })
    await a.listen({ port: 0, host: '127.0.0.1' })
    app = a
    port = (a.server.address() as { port: number }).port
  }
  let t0: NodeJS.CpuUsage | undefined
  let threads0 = new Map<string, number>()
  let session: import('node:inspector').Session | undefined
  const post = (method: string, params?: object): Promise<unknown> => new Promise((res, rej) => {
    session!.post(method, params ?? {}, (err, r) => { if (err) rej(err); else res(r) })
  })
  process.on('message', (m: ToServer) => {
    void (async () => {
      if (m.t === 'start') {
        if (job.profile !== null) {
          const inspector = await import('node:inspector')
          session = new inspector.Session()
          session.connect()
          await post('Profiler.enable')
          await post('Profiler.setSamplingInterval', { interval: 200 })
          await post('Profiler.start')
        }
        threads0 = threadCpuUs()
        t0 = process.cpuUsage()
      } else {
        const d = process.cpuUsage(t0)
        const threadsUs: Record<string, number> = {}
        for (const [k, v] of threadCpuUs()) threadsUs[k] = v - (threads0.get(k) ?? 0)
        if (session !== undefined) {
          const r = await post('Profiler.stop') as { profile: unknown }
          writeFileSync(job.profile!, JSON.stringify(r.profile))
        }
        send({ t: 'measured', userUs: d.user, systemUs: d.system, threadsUs })
        await app.close()
        process.exit(0)
      }
    })()
  })
  send({ t: 'ready', port, tokens })
}

/** The event loop, the busiest other thread (the ledger writer thread, for settle) and every other one summed. */
function threadSplit(us: Record<string, number>, per: (x: number) => number): Record<string, number> {
  const others = Object.entries(us).filter(([k]) => k !== 'event loop').sort((a, b) => b[1] - a[1])
  return {
    event_loop: per(us['event loop'] ?? 0), busiest_other: per(others[0]?.[1] ?? 0),
    rest: per(others.slice(1).reduce((a, [, v]) => a + v, 0)),
  }
}

async function main(): Promise<void> {
  const here = fileURLToPath(new URL('..', import.meta.url))
  const build = resolve(arg('build', here))
  const kind = arg('kind', 'settle') as Kind
  const seconds = Number(arg('seconds', '10'))
  const warmup = Number(arg('warmup', '2'))
  const connections = Number(arg('connections', '16'))
  const profileArg = arg('profile', '')
  const rate = Number(arg('rate', '0'))
  const tablesFile = DEMO_TABLES_FILE
  if (!existsSync(tablesFile)) buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: tablesFile })
  // the claims of bench/http.ts
  const p = realtimeClaims(loadTables(tablesFile))
  const dir = mkdtempSync(join(tmpdir(), 'dipsettle-bench-httpcpu-'))
  const job: ServeJob = {
    build, kind, tablesFile, dir, hospitals: p.hospitals, answerBytes: Number(arg('answer-bytes', '17222')),
    profile: profileArg === '' ? null : resolve(profileArg),
  }
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    const ready = await new Promise<Extract<FromServer, { t: 'ready' }>>((res, rej) => {
      child.once('message', (m: FromServer) => { if (m.t === 'ready') res(m) })
      child.once('exit', (code) => rej(new Error(`server exited (${code}) before listening`)))
      child.send(job)
    })
    const next = requestFactory(p, ready.tokens)
    const path = kind === 'floor' ? '/floor' : '/v1/settlements'
    const run = (duration: number) => autocannon({
      url: `http://127.0.0.1:${ready.port}${path}`, connections, duration, ...(rate > 0 ? { overallRate: rate } : {}),
      requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...next() }) }],
    })
    await run(warmup)
    child.send({ t: 'start' } satisfies ToServer)
    await new Promise((r) => setTimeout(r, 50))
    const r = await run(seconds)
    const measured = await new Promise<Extract<FromServer, { t: 'measured' }>>((res) => {
      child.on('message', (m: FromServer) => { if (m.t === 'measured') res(m) })
      child.send({ t: 'stop' } satisfies ToServer)
    })
    const n = r.requests.total
    const per = (us: number) => Math.round(us / n)
    process.stdout.write(JSON.stringify({
      build, kind, connections, seconds, rate: rate > 0 ? rate : null, requests: n, non2xx: r.non2xx + r.errors,
      cpu_us_per_req: per(measured.userUs + measured.systemUs), user_us: per(measured.userUs), sys_us: per(measured.systemUs),
      rps: Math.round(r.requests.average), p99_ms: r.latency.p99, bytes_per_req: Math.round(r.throughput.total / n),
      // per thread (10 ms ticks: coarse per thread, exact enough over thousands of requests)
      threads_us_per_req: threadSplit(measured.threadsUs, per),
    }) + '\n')
  } finally {
    // the server exits by itself once measured (writing its --cpu-prof profiles, if any); killed if it does not
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      const timer = setTimeout(() => child.kill(), 10_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv.includes('--serve')) {
  process.once('message', (job: ServeJob) => { void serve(job) })
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main()
}
