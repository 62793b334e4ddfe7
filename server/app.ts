// Builds the HTTP service (SPEC §8, §9): one fastify app over loaded tables, a policy and a ledger. Routes live in
// routes/ (one concern per file), schemas in schemas/, the error catalogue in errors.ts; this file only assembles.
// Follow a claim: routes/settlements.ts → writer-commit.ts (person queue, decide) → SQLite: engine/ledger/writer.ts → the
// writer thread (engine/ledger/writer-thread.ts: the ledger's commit); PostgreSQL: the PgLedger's commit (backend.ts).
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AJV_OPTIONS, addYuanKeyword } from './ajv.js'
import type { AdjudicationContext, Outcome } from '../engine/adjudicate/types.js'
import type { SettleEnv } from '../engine/ledger/settle.js'
import { settleBatch } from '../engine/ledger/settle-port.js'
import type { Policy } from '../engine/policy/types.js'
import type { Tables } from '../engine/tables/types.js'
import type { CredentialVerifier } from './auth/credentials.js'
import type { ServerDeps } from './deps.js'
import type { MonthEndPort } from './engine-port.js'
import { HttpError, fromAjvError } from './errors.js'
import { StorageFullError, WriterCommitter } from './writer-commit.js'
import { specialCaseRoutes } from './routes/special-cases.js'
import { crossRegionRoutes } from './routes/cross-region.js'
import { clusterMetricsClient } from './cluster-metrics.js'
import { isStorageFull } from '../engine/ledger/sqlite.js'
import { isDiskFull, isUnreachable } from '../engine/ledger/postgres/errors.js'
import { openBackend, type ServedLedger } from './backend.js'
import { registerAuth } from './plugins/auth.js'
import { registerBatchParsers, registerStrictJson } from './plugins/body-parsers.js'
import { registerDrain } from './plugins/drain.js'
import { ServiceMetrics, registerMetrics } from './plugins/metrics.js'
import { batchRoutes } from './routes/batches.js'
import { monthEndRoutes } from './routes/month-end.js'
import { opsRoutes } from './routes/ops.js'
import { personRoutes } from './routes/persons.js'
import { accountRoutes } from './routes/accounts.js'
import type { AccountsPort } from '../engine/ledger/accounts-port.js'
import { settlementRoutes } from './routes/settlements.js'
import type { AdjudicationResult } from '../engine/result.js'
import type { StaysPort } from '../engine/ledger/stays-port.js'
import { nationalRoutes } from './national/envelope.js'
import { nationalEngine } from './national/settle-port.js'
import { personAsOf as personAsOfIn } from '../engine/persons/as-of.js'

export interface AppOptions {
  readonly tables: Tables
  readonly policy: Policy
  /**
   * The ledger: a SqliteLedger on a file (the writer thread opens its own connection to it) or a PgLedger (SPEC §11;
   * each claim commits on its own connection: any number of processes serve one database).
   */
  readonly ledger: ServedLedger
  /** Who a bearer token is; default: the `credentials` table of the ledger file (ledger.db). */
  readonly credentials?: CredentialVerifier
  /** The adjudicator; engine/adjudicate by default (the HTTP tests pass a small fake to pin the contract). */
  readonly adjudicate?: (input: unknown, ctx: AdjudicationContext) => Outcome
  /** Month-end runs and reports; default: engine/settlement/month-end.ts over ledger.db. */
  readonly monthEnd?: MonthEndPort
  /** Batch settlement; default: settleBatch over the ledger port, inline (the worker pool may take it over). */
  readonly runBatch?: (bodies: readonly unknown[], env: SettleEnv) => Promise<AdjudicationResult[]>
  /** Test-only: the ledger writer thread's fault hook (engine/ledger/writer-protocol.ts testHookModule). */
  readonly writerTestHook?: string
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
  /** Stays between national interface calls (SPEC §12); default: the ledger's (SQLite: sqlite/stays.ts, PostgreSQL: postgres/stays.ts). */
  readonly stays?: StaysPort
  /** The national gateway's clock (answers' times); tests fix it. */
  readonly nationalClock?: () => Date
  /** Personal account credits and statements (SPEC §15); default: the ledger file's (engine/ledger/sqlite/accounts.ts). */
  readonly accounts?: AccountsPort
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Real-time claims queued for the next group commit or being committed. */
    readonly pendingClaims: number
  }
}

export type App = FastifyInstance

export async function buildApp(opts: AppOptions): Promise<App> {
  const metrics = new ServiceMetrics(opts.processMetrics ?? false)
  const backend = await openBackend(opts.ledger, {
    tables: opts.tables, policy: opts.policy, onCommit: (n, s) => metrics.countCommit(n, s),
    ...(opts.credentials ? { credentials: opts.credentials } : {}), ...(opts.monthEnd ? { monthEnd: opts.monthEnd } : {}),
    ...(opts.stays ? { stays: opts.stays } : {}), ...(opts.writerTestHook !== undefined ? { writerTestHook: opts.writerTestHook } : {}),
  })
  const { port, credentials, monthEnd } = backend
  const sqlite = backend.sqlite?.ledger
  const env: SettleEnv = { tables: opts.tables, policy: opts.policy, ...(sqlite ? { ledger: sqlite } : {}), ...(opts.adjudicate ? { adjudicate: opts.adjudicate } : {}) }
  const committer = new WriterCommitter({
    tables: opts.tables, policy: opts.policy, ledger: port, writer: backend.commit,
    ...(opts.adjudicate ? { adjudicate: opts.adjudicate } : {}),
  })
  const runBatch = opts.runBatch
    ? (bodies: readonly unknown[]) => opts.runBatch!(bodies, env)
    : async (bodies: readonly unknown[]) => {
      const t0 = process.hrtime.bigint()
      const out = await settleBatch(bodies, port, env)
      metrics.countCommit(bodies.length, Number(process.hrtime.bigint() - t0) / 1e9)
      return out
    }
  const personAsOf = personAsOfIn(opts.tables, backend.personVersions)
  const deps: ServerDeps = {
    // ledger: the SQLite ledger file's own reads (cross-region clearing); undefined on PostgreSQL
    tables: opts.tables, policy: opts.policy, ledger: sqlite as NonNullable<typeof sqlite>, port, env, committer, metrics, monthEnd, runBatch,
    crossRegion: backend.reports,
    personAsOf,
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
    // a full disk is logged with its cause (the SQLite message) like every 5xx, and counted for /metrics
    if (e.status >= 500 && e.code !== 'E_SHUTTING_DOWN') req.log.error({ err }, 'request failed')
    if (e.code === 'E_STORAGE_FULL') metrics.storageFull.inc()
    if (e.code === 'E_SHUTTING_DOWN') reply.header('connection', 'close')
    return reply.code(e.status).send(e.body())
  })
  app.setNotFoundHandler((req, reply) => {
    const e = new HttpError('E_NOT_FOUND', 'url', `no route ${req.method} ${req.url.split('?')[0]}`)
    return reply.code(404).send(e.body())
  })

  // every request's end: the ledger is closed only after the last queued claim is settled and answered
  app.addHook('preClose', async () => { await committer.drain() })
  app.addHook('onClose', async () => {
    await committer.drain()
    await committer.close()
    if (opts.closeLedger) await backend.close()
  })
  app.decorate('pendingClaims', { getter: () => committer.pending })

  await app.register(opsRoutes, { deps })
  await app.register(settlementRoutes, { deps })
  await app.register(personRoutes, { deps })
  await app.register(accountRoutes, { deps, accounts: opts.accounts ?? backend.accounts })
  await app.register(batchRoutes, { deps })
  await app.register(monthEndRoutes, { deps })
  await app.register(specialCaseRoutes, { deps })
  await app.register(crossRegionRoutes, { deps })
  // the national interface gateway (server/national/), beside the /v1 routes: the same on both backends
  await app.register(nationalRoutes, {
    engine: nationalEngine({ port, committer, env, reports: backend.reports }), tables: opts.tables, policy: opts.policy,
    stays: backend.stays, personAsOf, ...(opts.nationalClock ? { now: opts.nationalClock } : {}),
  })
  return app
}

/** Any thrown thing → the catalogue's error (never a stack trace in the answer). */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err
  if (err instanceof StorageFullError || isStorageFull(err) || isDiskFull(err)) return new HttpError('E_STORAGE_FULL')
  if (isUnreachable(err)) return new HttpError('E_LEDGER_UNAVAILABLE')
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

