// `dipsettle serve`: one process, or N (node:cluster) sharing the port and the one ledger file. Each process loads the
// tables itself; the ledger is SQLite in WAL mode, every write is BEGIN IMMEDIATE (each process's ledger writer
// thread waits for the others' write lock in 0.1 ms steps, off the event loop), so writes stay serialised and durable
// across processes, and a msgid sent to two processes at once settles once (the ledger's transaction + UNIQUE msgid).
// On a PostgreSQL ledger (SPEC §11) each process keeps its own pool of connections and commits every claim itself
// under its person's row lock: no single writer, so processes on this machine (--workers) and on others add up.
import cluster from 'node:cluster'
import { openLedger } from '../engine/ledger/open.js'
import { loadPolicyFile } from '../engine/policy/validate.js'
import { withLedgerPersons } from '../engine/persons/attach.js'
import { loadTables } from '../engine/tables/load.js'
import { buildApp } from './app.js'
import { serveClusterMetrics } from './cluster-metrics.js'
import { startBatchPool } from './batch-pool.js'
import { SHUTDOWN_MESSAGE, listen, onSignals } from './server.js'

export interface ServeConfig {
  readonly tablesFile: string
  /** A SQLite ledger file or a postgres:// URL. */
  readonly ledgerFile: string
  readonly policyFile?: string
  readonly port: number
  readonly host: string
  readonly workers: number
  /** Worker threads for POST /v1/batches (engine/pool); 0 runs batches inline in the HTTP process. */
  readonly batchWorkers?: number
  /** Printed once by the primary when listening (the demo's tokens and curl example). */
  readonly banner?: (url: string) => string
}

const CONFIG_ENV = 'DIPSETTLE_SERVE_CONFIG'
/** Connections of one process to a PostgreSQL ledger: claims of different persons committing at once. */
const PG_CONNECTIONS = 8

/** Serve until SIGTERM / SIGINT; resolves when stopped. */
export async function serve(cfg: ServeConfig): Promise<void> {
  if (cfg.workers > 1 && cluster.isPrimary) return servePrimary(cfg)
  const url = await serveOne(cfg)
  if (cluster.isPrimary && cfg.banner) process.stdout.write(cfg.banner(url))
  else if (cluster.isPrimary) process.stderr.write(`dipsettle: serving ${url}\n`)
}

/** A worker (or the only process): load, build, listen, drain on signals. Resolves with the URL once listening. */
async function serveOne(cfg: ServeConfig): Promise<string> {
  const tables = withLedgerPersons(loadTables(cfg.tablesFile), cfg.ledgerFile)
  const policy = cfg.policyFile !== undefined ? loadPolicyFile(cfg.policyFile) : tables.policy
  const opened = await openLedger(cfg.ledgerFile, { maxConnections: PG_CONNECTIONS })
  const ledger = opened.ledger
  // the batch pool's worker threads write a SQLite file; on PostgreSQL batches settle inline over the port
  const batchWorkers = opened.kind === 'sqlite' ? cfg.batchWorkers ?? 0 : 0
  const policyOpt = cfg.policyFile !== undefined ? { policyFile: cfg.policyFile } : {}
  const batchPool = batchWorkers > 0
    ? await startBatchPool({ workers: batchWorkers, tablesFile: cfg.tablesFile, ledgerFile: cfg.ledgerFile, ...policyOpt })
    : undefined
  const app = await buildApp({
    tables, policy, ledger, closeLedger: true, processMetrics: true,
    clusterMetrics: !cluster.isPrimary,
    logger: { level: 'warn' },
    ...(batchPool ? { runBatch: (bodies: readonly unknown[]) => batchPool.run(bodies) } : {}),
  })
  // the batches in flight finish (their transactions commit) before the workers stop
  if (batchPool) app.addHook('onClose', async () => { await batchPool.close() })
  const l = await listen(app, { port: cfg.port, host: cfg.host })
  onSignals(l, (err) => {
    if (err) process.stderr.write(`dipsettle: shutdown failed: ${String(err)}\n`)
    process.exit(err ? 1 : 0)
  }, { worker: !cluster.isPrimary })
  return l.url
}

/** The primary forks the workers (which re-run this command with the config in their environment). */
async function servePrimary(cfg: ServeConfig): Promise<void> {
  const { banner: _b, ...plain } = cfg
  const env = { [CONFIG_ENV]: JSON.stringify(plain) }
  let stopping = false
  let listening = 0
  const started = new Promise<void>((resolve) => {
    cluster.on('listening', () => { if (++listening === cfg.workers) resolve() })
  })
  serveClusterMetrics()
  for (let i = 0; i < cfg.workers; i++) cluster.fork(env)
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    // a crashed worker is replaced: the others keep serving meanwhile
    process.stderr.write(`dipsettle: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`)
    cluster.fork(env)
  })
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`dipsettle: ${signal}: draining ${cfg.workers} workers\n`)
    for (const w of Object.values(cluster.workers ?? {})) w?.send(SHUTDOWN_MESSAGE)
    const done = () => { if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0) }
    cluster.on('exit', done)
    done()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  await started
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host
  const url = `http://${host}:${cfg.port}`
  process.stdout.write(cfg.banner ? cfg.banner(url) : `dipsettle: serving ${url} with ${cfg.workers} workers\n`)
}

/** In a forked worker: the config the primary passed, or undefined in the primary. */
export function workerConfig(): ServeConfig | undefined {
  if (cluster.isPrimary) return undefined
  const raw = process.env[CONFIG_ENV]
  return raw === undefined ? undefined : (JSON.parse(raw) as ServeConfig)
}
