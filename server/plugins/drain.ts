// Draining: once shutdown starts (server.ts, SIGTERM/SIGINT) every new request is answered 503 at once, with
// `Connection: close`, while the ones already in flight finish and are answered normally.
import type { FastifyInstance } from 'fastify'
import { HttpError } from '../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    readonly draining: boolean
    /** Refuse new requests from now on (503); in-flight ones finish. */
    startDraining(): void
  }
}

export function registerDrain(app: FastifyInstance): void {
  const state = { draining: false }
  app.decorate('draining', { getter: () => state.draining })
  app.decorate('startDraining', () => { state.draining = true })
  app.addHook('onRequest', async (req, reply) => {
    if (!state.draining) return
    if (req.routeOptions.url === '/healthz') return
    reply.header('connection', 'close')
    throw new HttpError('E_SHUTTING_DOWN')
  })
}
