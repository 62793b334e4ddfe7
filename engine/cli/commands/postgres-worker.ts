// A worker thread of `dipsettle adjudicate --workers N --ledger postgres://…` (postgres-lines.ts): loads the tables
// once, opens its OWN pool of connections to the ledger and settles the claims it is handed (one person's claims in
// the order given, persons in parallel), committing each itself under its person's row lock — no single writer.
import { parentPort, workerData } from 'node:worker_threads'
import { PgLedger } from '../../ledger/postgres/ledger.js'
import { openContext } from '../context.js'
import { byPerson, CONNECTIONS } from './postgres-lines.js'
import { settleClaim } from '../../ledger/settle-port.js'

interface Config { readonly url: string; readonly tables?: string; readonly policy?: string }
const config = workerData as Config
const ctx = openContext({ ...(config.tables !== undefined ? { tables: config.tables } : {}), ...(config.policy !== undefined ? { policy: config.policy } : {}) })
const env = { tables: ctx.tables, policy: ctx.policy }
const ledger = await PgLedger.open(config.url, { maxConnections: CONNECTIONS })
const run = byPerson((body) => settleClaim(body, ledger, env))
const port = parentPort!
port.on('message', (m: { id: number; bodies: unknown[] } | 'close') => {
  if (m === 'close') {
    void ledger.close().then(() => port.close())
    return
  }
  Promise.resolve(run(m.bodies)).then(
    (answers) => port.postMessage({ id: m.id, answers }),
    (e: unknown) => port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) }),
  )
})
port.postMessage('ready')
