// A worker thread of `dipsettle adjudicate --workers N --ledger postgres://…` (postgres-lines.ts): loads the tables
// once, opens its OWN pool of connections to the ledger and settles the claims it is handed (settle-port.ts
// settleBatch: one read per person, one transaction per share of a chunk under its persons' row locks) — no single
// writer.
import { parentPort, workerData } from 'node:worker_threads'
import { PgLedger } from '../../ledger/postgres/ledger.js'
import { openContext } from '../context.js'
import { CONNECTIONS } from './postgres-lines.js'
import { settleBatch } from '../../ledger/settle-port.js'

interface Config { readonly url: string; readonly tables?: string; readonly policy?: string }
const config = workerData as Config
const ctx = openContext({ ...(config.tables !== undefined ? { tables: config.tables } : {}), ...(config.policy !== undefined ? { policy: config.policy } : {}) })
const ledger = await PgLedger.open(config.url, { maxConnections: CONNECTIONS })
// the ledger's persons (SPEC §11) come with each person's history (engine/persons/snapshot.ts)
const env = { tables: ctx.tables, policy: ctx.policy }
const run = (bodies: readonly unknown[]) => settleBatch(bodies, ledger, env)
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
