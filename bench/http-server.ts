// The server side of bench/http.ts, run in a worker thread so that the load generator (autocannon, on the main thread)
// and the server under test each have a core: one process would measure the client's work as the server's.
// workerData: { kind: 'settle', tablesFile, ledgerFile, hospitals } | { kind: 'echo' } | { kind: 'floor', … }
// Posts { port, tokens } once listening; closes on any message.
import Fastify from 'fastify'
import { parentPort, workerData } from 'node:worker_threads'
import { openLedger } from '../engine/ledger/sqlite.js'
import { loadTables } from '../engine/tables/load.js'
import { buildApp } from '../server/app.js'
import { CredentialStore } from '../server/auth/credentials.js'
import { listen } from '../server/server.js'
import { buildFloorApp } from './http-floor.js'

export type HttpServerJob =
  | { readonly kind: 'settle'; readonly tablesFile: string; readonly ledgerFile: string; readonly hospitals: readonly string[] }
  | { readonly kind: 'echo' }
  /** The durable floor (bench/http-floor.ts): parse, append durably, answer a settlement answer's size. */
  | { readonly kind: 'floor'; readonly file: string; readonly answerBytes: number }

async function main(job: HttpServerJob): Promise<void> {
  if (parentPort === null) throw new Error('bench/http-server: run me as a worker thread')
  const port = parentPort
  if (job.kind === 'echo') {
    // the baseline: a bare fastify route that parses the same body and echoes it back
    const app = Fastify({ bodyLimit: 1024 * 1024 })
    app.post('/echo', async (req) => req.body)
    const l = await listen(app as never, { port: 0, host: '127.0.0.1' })
    port.postMessage({ port: l.port, tokens: {} })
    port.once('message', () => { void app.close().then(() => process.exit(0)) })
    return
  }
  if (job.kind === 'floor') {
    const floor = buildFloorApp({ file: job.file, answerBytes: job.answerBytes })
    const l = await listen(floor.app as never, { port: 0, host: '127.0.0.1' })
    port.postMessage({ port: l.port, tokens: {} })
    port.once('message', () => { void floor.app.close().then(() => { floor.close(); process.exit(0) }) })
    return
  }
  const tables = loadTables(job.tablesFile)
  const ledger = openLedger(job.ledgerFile)
  const store = new CredentialStore(ledger.db)
  const tokens: Record<string, string> = {}
  for (const code of job.hospitals) tokens[code] = (await store.add({ hospital: code })).token
  const app = await buildApp({ tables, policy: tables.policy, ledger, closeLedger: true })
  const l = await listen(app, { port: 0, host: '127.0.0.1' })
  port.postMessage({ port: l.port, tokens })
  port.once('message', () => { void l.shutdown().then(() => process.exit(0)) })
}

await main(workerData as HttpServerJob)
