// Listening and stopping. SIGTERM / SIGINT → drain: new requests get 503 at once, the ones in flight (and the claims
// queued for the next group commit) finish and are answered, then the server closes and the ledger with it.
import type { App } from './app.js'

export interface Listening {
  /** `http://127.0.0.1:8080` */
  readonly url: string
  readonly port: number
  /** Drain and close (idempotent): resolves once every in-flight request is answered and the app is closed. */
  shutdown(): Promise<void>
}

/** Listen on host:port (port 0: any free port). Loopback by default: exposing it is a deliberate `--host`. */
export async function listen(app: App, opts: { port: number; host?: string }): Promise<Listening> {
  const host = opts.host ?? '127.0.0.1'
  await app.listen({ port: opts.port, host })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port
  let closing: Promise<void> | undefined
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    shutdown: () => (closing ??= drainAndClose(app)),
  }
}

async function drainAndClose(app: App): Promise<void> {
  app.startDraining()
  // fastify.close(): stop accepting connections, close idle keep-alive ones, wait for in-flight requests, then run the
  // onClose hooks (the last group commit, the ledger)
  await app.close()
}

/** The message a cluster primary sends its workers to drain them. */
export const SHUTDOWN_MESSAGE = 'dipsettle:shutdown'

/**
 * Shut down on SIGTERM / SIGINT, or on the primary's SHUTDOWN_MESSAGE in a cluster worker. A second signal to a
 * single process exits at once; a worker ignores it (Ctrl-C reaches every process of the group, the primary's
 * message follows: both mean the same drain).
 */
export function onSignals(l: Listening, done: (err?: unknown) => void, opts: { worker?: boolean } = {}): void {
  let seen = false
  const start = (why: string) => {
    if (seen) {
      if (opts.worker) return
      process.stderr.write(`dipsettle: ${why} again, exiting without waiting\n`)
      process.exit(1)
    }
    seen = true
    if (!opts.worker) process.stderr.write(`dipsettle: ${why}: draining (new requests get 503), finishing in-flight requests\n`)
    l.shutdown().then(() => done(), (e: unknown) => done(e))
  }
  process.on('SIGTERM', () => start('SIGTERM'))
  process.on('SIGINT', () => start('SIGINT'))
  if (opts.worker) process.on('message', (m) => { if (m === SHUTDOWN_MESSAGE) start('shutdown') })
}
