// Liveness, Prometheus metrics and the home page: open to anyone (no record is shown).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { ServerDeps } from '../deps.js'
import { homePage } from './home-page.js'

const Health = Type.Object({ status: Type.String(), region: Type.String(), policy_version: Type.String(), pending: Type.Integer() })

export const opsRoutes: FastifyPluginAsyncTypebox<{ deps: ServerDeps }> = async (app, { deps }) => {
  app.get('/healthz', {
    schema: {
      response: { 200: Health, 503: Health },
    },
  }, async (_req, reply) => {
    // storage_full: the last commit failed for a full disk; it clears by itself at the next commit that succeeds
    const storageFull = deps.committer.storageFullSince !== null
    const body = {
      status: app.draining ? 'draining' : storageFull ? 'storage_full' : 'ok', region: deps.tables.meta.region,
      // the real-time claims queued or being committed (app.ts)
      policy_version: deps.tables.meta.policyVersion, pending: app.pendingClaims,
    }
    if (app.draining) reply.code(503).header('connection', 'close')
    else if (storageFull) reply.code(503)
    return body
  })

  app.get('/metrics', async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType)
    return deps.metricsText()
  })

  app.get('/', async (_req, reply) => {
    const runs = (await deps.monthEnd?.listRuns()) ?? []
    return reply.type('text/html; charset=utf-8').send(homePage(deps.tables.meta.region, runs))
  })
}
