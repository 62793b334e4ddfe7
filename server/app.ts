// Builds the HTTP service (SPEC §8, §9): one fastify app over loaded tables, a policy and a ledger. Routes live in
// routes/ (one concern per file), schemas in schemas/, the error catalogue in errors.ts; this file only assembles.
// Follow a claim: routes/settlements.ts → writer-commit.ts (adjudicated here) → engine/ledger/writer.ts → the writer
// thread (engine/ledger/writer-thread.ts) → the ledger row; with --group-commit immediate: group-commit.ts →
// engine/ledger/settle.ts processBatch on the event loop.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type Database from 'better-sqlite3'
import { AJV_OPTIONS, addYuanKeyword } from './ajv.js'
import { processBatch, processClaim, processReversal } from '../engine/ledger/settle.js'
import type { Ledger } from '../engine/ledger/types.js'
import type { Policy } from '../engine/policy/types.js'
import type { Tables } from '../engine/tables/types.js'
import { CredentialStore, type CredentialVerifier } from './auth/credentials.js'
import type { ServerDeps } from './deps.js'
import type { MonthEndPort, SettleEnv, SettlementEngine } from './engine-port.js'
import { HttpError, fromAjvError } from './errors.js'
import { monthEndPort } from './month-end-port.js'
import { GroupCommitter, type ClaimCommitter, type GroupCommitMode } from './group-commit.js'
import { WriterCommitter } from './writer-commit.js'
import { clusterMetricsClient } from './cluster-metrics.js'
import { Adjudicators } from './adjudicators.js'
import { LedgerWriter } from '../engine/ledger/writer.js'
import { SqliteLedger } from '../engine/ledger/sqlite.js'
import { registerAuth } from './plugins/auth.js'
import { registerBatchParsers, registerStrictJson } from './plugins/body-parsers.js'
import { registerDrain } from './plugins/drain.js'
import { ServiceMetrics, registerMetrics } from './plugins/metrics.js'
import { batchRoutes } from './routes/batches.js'
import { monthEndRoutes } from './routes/month-end.js'
import { opsRoutes } from './routes/ops.js'
import { personRoutes } from './routes/persons.js'
import { settlementRoutes } from './routes/settlements.js'
import type { AdjudicationResult } from '../engine/result.js'

export interface AppOptions {
  readonly tables: Tables
  readonly policy: Policy
  readonly ledger: Ledger
  /** Who a bearer token is; default: the `credentials` table of the ledger file (ledger.db). */
  readonly credentials?: CredentialVerifier
  /** The settle/reverse/batch entry points; default: engine/ledger/settle.ts. */
  readonly engine?: SettlementEngine
  /** Month-end runs and reports; default: engine/settlement/month-end.ts over ledger.db. */
  readonly monthEnd?: MonthEndPort
  /** Batch settlement; default: processBatch inline (the worker pool may take it over). */
  readonly runBatch?: (bodies: readonly unknown[], env: SettleEnv) => Promise<AdjudicationResult[]>
  /**
   * 'thread': a ledger writer thread commits real-time claims (server/writer-commit.ts) — the default with the real
   * engine and a ledger file; 'immediate' (the default otherwise): claims parsed in one event-loop turn share a
   * transaction on the event loop; ms: a window; false: one transaction each.
   */
  readonly groupCommit?: GroupCommitMode
  /**
   * Adjudicator threads for POST /v1/settlements (server/adjudicators.ts): the event loop only speaks HTTP; the
   * threads parse, validate and adjudicate; the ledger writer thread records. Needs groupCommit 'thread' (the default
   * with a ledger file). Omitted or 0 threads: claims are adjudicated inline on the event loop.
   */
  readonly adjudicators?: { readonly threads: number; readonly tablesFile: string; readonly policyFile?: string }
  /** Hands real-time claims over to be settled; default: by groupCommit. (The benchmark passes a pool dispatcher.) */
  readonly committer?: ClaimCommitter
  /** Body limit of the single-claim routes, bytes (default 1 MiB; a claim is ~7 KB). */
  readonly bodyLimit?: number
  /** Body limit of /v1/batches, bytes (default 64 MiB). */
  readonly batchBodyLimit?: number
  /** fastify logger options (default off). */
  readonly logger?: boolean | { level: string }
  /** Also export the process metrics (CPU, memory, event-loop lag). */
  readonly processMetrics?: boolean
  /** A node:cluster worker: GET /metrics answers the sum over every process (server/cluster-metrics.ts). */
  readonly clusterMetrics?: boolean
  /** Close the ledger when the app closes (serve owns it; tests usually keep theirs). */
  readonly closeLedger?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Real-time claims queued for the next group commit or being committed. */
    readonly pendingClaims: number
  }
}

export type App = FastifyInstance

const defaultEngine: SettlementEngine = { processClaim, processReversal, processBatch }

function ledgerDb(ledger: Ledger): Database.Database | undefined {
  const db = (ledger as { db?: unknown }).db
  return typeof db === 'object' && db !== null ? (db as Database.Database) : undefined
}

export async function buildApp(opts: AppOptions): Promise<App> {
  const db = ledgerDb(opts.ledger)
  const credentials = opts.credentials ?? (db ? new CredentialStore(db) : undefined)
  if (credentials === undefined) throw new TypeError('buildApp: pass `credentials`, or a ledger with a `db` (SqliteLedger)')
  const engine = opts.engine ?? defaultEngine
  const monthEnd = opts.monthEnd ?? (db ? monthEndPort(db, opts.tables, opts.policy) : undefined)
  const env: SettleEnv = { tables: opts.tables, policy: opts.policy, ledger: opts.ledger }
  const metrics = new ServiceMetrics(opts.processMetrics ?? false)
  const { committer, writer } = await makeCommitter(opts, engine, env, metrics)
  let adjudicators: Adjudicators | undefined
  if (opts.adjudicators !== undefined && opts.adjudicators.threads > 0) {
    if (writer === undefined) {
      throw new TypeError("buildApp: adjudicators need groupCommit 'thread' (the real engine and a SqliteLedger on a file)")
    }
    adjudicators = await Adjudicators.start({
      threads: opts.adjudicators.threads, tablesFile: opts.adjudicators.tablesFile, policyFile: opts.adjudicators.policyFile ?? null,
      ledgerFile: writer.ledgerFile, writer: writer.writer,
    })
  }
  const runBatch = opts.runBatch
    ? (bodies: readonly unknown[]) => opts.runBatch!(bodies, env)
    : async (bodies: readonly unknown[]) => {
      const t0 = process.hrtime.bigint()
      const out = engine.processBatch(bodies, env)
      metrics.countCommit(bodies.length, Number(process.hrtime.bigint() - t0) / 1e9)
      return out
    }
  const deps: ServerDeps = {
    tables: opts.tables, policy: opts.policy, ledger: opts.ledger, env, engine, committer, adjudicators, metrics, monthEnd, runBatch,
    batchBodyLimit: opts.batchBodyLimit ?? 64 * 1024 * 1024,
    metricsText: opts.clusterMetrics === true ? clusterMetricsClient(metrics.registry) : () => metrics.registry.metrics(),
  }

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    // while closing, the drain hook answers 503 with the catalogue's body (fastify's own 503 has another shape)
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ajv: {
      // bodies are checked as sent: no type coercion ("12.5" is not a number), no silent dropping of unknown keys
      customOptions: { ...AJV_OPTIONS },
      plugins: [addYuanKeyword],
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  registerDrain(app)
  registerMetrics(app, metrics)
  registerAuth(app, credentials)
  // JSON routes take application/json only: fastify's default text/plain parser would hand a string to the schema
  // (a 400 "body must be object") where the answer is 415
  app.removeContentTypeParser('text/plain')
  registerStrictJson(app)
  registerBatchParsers(app)

  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    const e = toHttpError(err)
    if (e.status >= 500 && e.code !== 'E_SHUTTING_DOWN') req.log.error({ err }, 'request failed')
    if (e.code === 'E_SHUTTING_DOWN') reply.header('connection', 'close')
    return reply.code(e.status).send(e.body())
  })
  app.setNotFoundHandler((req, reply) => {
    const e = new HttpError('E_NOT_FOUND', 'url', `no route ${req.method} ${req.url.split('?')[0]}`)
    return reply.code(404).send(e.body())
  })

  // every request's end: the ledger is closed only after the last queued claim is settled and answered
  app.addHook('preClose', async () => { await Promise.all([committer.drain(), adjudicators?.drain()]) })
  app.addHook('onClose', async () => {
    await adjudicators?.close()
    await committer.drain()
    await committer.close?.()
    if (opts.closeLedger) opts.ledger.close()
  })
  app.decorate('pendingClaims', { getter: () => committer.pending + (adjudicators?.pending ?? 0) })

  await app.register(opsRoutes, { deps })
  await app.register(settlementRoutes, { deps })
  await app.register(personRoutes, { deps })
  await app.register(batchRoutes, { deps })
  await app.register(monthEndRoutes, { deps })
  return app
}

/**
 * The real-time claims' committer: the ledger writer thread when asked for, or by default when it applies (the real
 * engine over a SqliteLedger file); else group commit on the event loop.
 */
async function makeCommitter(opts: AppOptions, engine: SettlementEngine, env: SettleEnv, metrics: ServiceMetrics):
  Promise<{ committer: ClaimCommitter; writer?: { readonly writer: LedgerWriter; readonly ledgerFile: string } }> {
  if (opts.committer !== undefined) return { committer: opts.committer }
  const ledger = opts.ledger
  const file = ledger instanceof SqliteLedger && ledger.file !== ':memory:' && ledger.file !== '' ? ledger.file : undefined
  const threadable = file !== undefined && opts.engine === undefined
  const mode = opts.groupCommit ?? (threadable ? 'thread' : 'immediate')
  if (mode === 'thread') {
    if (!threadable || !(ledger instanceof SqliteLedger)) {
      throw new TypeError("buildApp: groupCommit 'thread' needs the real engine and a SqliteLedger on a file (not ':memory:')")
    }
    const writer = await LedgerWriter.start({ ledgerFile: ledger.file, onCommit: (n, s) => metrics.countCommit(n, s) })
    const committer = new WriterCommitter({ tables: opts.tables, policy: opts.policy, ledger, writer })
    return { committer, writer: { writer, ledgerFile: ledger.file } }
  }
  return {
    committer: new GroupCommitter(
      (body) => engine.processClaim(body, env),
      (bodies) => engine.processBatch(bodies, env),
      mode,
      (n, s) => metrics.countCommit(n, s),
    ),
  }
}

/** Any thrown thing → the catalogue's error (never a stack trace in the answer). */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err
  const e = err as FastifyError & { validationContext?: string }
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const ctx = e.validationContext
    const prefix = ctx === 'querystring' ? 'query.' : ctx === 'params' ? 'params.' : ctx === 'headers' ? 'headers.' : ''
    return fromAjvError(e.validation[0] as never, prefix)
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new HttpError('E_BODY_TOO_LARGE')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new HttpError('E_UNSUPPORTED_MEDIA_TYPE', 'content-type')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return new HttpError('E_BAD_JSON', '', 'the body is not a JSON object')
    default:
      break
  }
  if (err instanceof SyntaxError) return new HttpError('E_BAD_JSON', '', 'the body is not a JSON object')
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500
  if (status === 413) return new HttpError('E_BODY_TOO_LARGE')
  if (status === 503) return new HttpError('E_SHUTTING_DOWN')
  if (status >= 400 && status < 500) return new HttpError('E_BAD_REQUEST', '', 'the request is malformed')
  return new HttpError('E_INTERNAL')
}

