// Child process of the PostgreSQL concurrency test: settles the overlap load (all of it, or the claims i with
// i % OF = PART), in the order of its seed, into
// the ledger at URL with `connections` claims in flight, printing one line per answer: msgid, status, setl_id and
// the sha256 of the answer's JSON (so the parent can check that every writer got the same answer for a msgid).
import { createHash } from 'node:crypto'
import { PgLedger } from '../../../engine/ledger/postgres/ledger.js'
import { settleClaim } from '../../../engine/ledger/settle-port.js'
import type { Policy } from '../../../engine/policy/types.js'
import type { Tables } from '../../../engine/tables/types.js'
import { fakeAdjudicate } from '../fixtures.js'
import { overlapLoad, shuffled } from '../overlap-load.js'

const [url, seedArg, connArg, partArg, ofArg] = process.argv.slice(2)
if (url === undefined) throw new Error('usage: pg-settle URL SEED [CONNECTIONS [PART OF]]')
const connections = Number(connArg ?? 2)
const ledger = await PgLedger.open(url, { maxConnections: connections })
const env = { tables: {} as Tables, policy: {} as Policy, adjudicate: fakeAdjudicate }
const of = Number(ofArg ?? 1)
const part = Number(partArg ?? 0)
const claims = shuffled(overlapLoad().filter((_, i) => i % of === part), Number(seedArg ?? 1))
let next = 0
await Promise.all(Array.from({ length: connections }, async () => {
  for (let i = next++; i < claims.length; i = next++) {
    const r = await settleClaim(claims[i], ledger, env)
    const sha = createHash('sha256').update(JSON.stringify(r)).digest('hex').slice(0, 16)
    process.stdout.write(`${r.msgid} ${r.status} ${r.setl_id ?? '-'} ${sha}\n`)
  }
}))
await ledger.close()
