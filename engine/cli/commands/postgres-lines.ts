// `dipsettle adjudicate | reverse --ledger postgres://…` (SPEC §8, §11): the same lines in, the same answers out, in input
// order, against a PostgreSQL ledger that other processes may be writing at the same time. Each claim commits on its
// own (engine/ledger/postgres/settle-claim.ts: read the person, decide, commit under the person's row lock, again
// when stale); a chunk's persons are settled in parallel over the ledger's connections, each person's claims in input
// order. A dry run (2303) computes against the person's committed history and records nothing.
import type { History } from '../../history.js'
import { claimIds, compute } from '../../ledger/decide.js'
import type { DecideEnv } from '../../ledger/decide.js'
import { PgLedger } from '../../ledger/postgres/ledger.js'
import { settleClaim } from '../../ledger/postgres/settle-claim.js'
import { EMPTY_HISTORY } from '../../history.js'
import type { AdjudicationResult } from '../../result.js'
import { rejectionToResult } from '../../result.js'
import { bodyHash } from '../../ledger/hash.js'
import { answerOf } from '../../ledger/outcome.js'
import { reversalFields } from '../../ledger/settle.js'
import { openContext } from '../context.js'
import { StoredPersons } from '../../persons/lookup.js'
import { PrefetchedPersons } from '../../persons/prefetched.js'
import { runJsonLines } from './adjudicate.js'
import type { ChunkProcessor } from './adjudicate.js'

/** Connections (and so claims of different persons in flight) of one `adjudicate` process. */
const CONNECTIONS = 4

export async function adjudicatePostgres(url: string, opts: { dryRun?: boolean; tables?: string; policy?: string; chunk: number }): Promise<void> {
  const ctx = openContext(opts)
  const ledger = await PgLedger.open(url, { maxConnections: CONNECTIONS, readonly: opts.dryRun === true })
  // the ledger's persons (SPEC §11) over the tables file's: each claim's person fetched before it is decided
  const pgPersons = new PrefetchedPersons(ledger.persons)
  const stored = ctx.tables.persons instanceof StoredPersons ? ctx.tables.persons.over(pgPersons) : undefined
  const env: DecideEnv = { tables: stored ? { ...ctx.tables, persons: stored } : ctx.tables, policy: ctx.policy }
  try {
    const settle = async (body: unknown): Promise<AdjudicationResult> => {
      await pgPersons.prepare(claimIds(body).psnNo)
      if (opts.dryRun !== true) return settleClaim(body, ledger, env)
      const { psnNo } = claimIds(body)
      const history: History = psnNo === '' ? EMPTY_HISTORY : (await ledger.readHistory(psnNo)).history
      return compute(body, history, env)
    }
    const each = byPerson(settle)
    const faults = await runJsonLines(async (bodies) => {
      await pgPersons.refresh()
      stored?.refresh()
      return each(bodies)
    }, { chunkLines: opts.chunk })
    if (faults > 0) {
      process.stderr.write(`dipsettle: ${faults} line(s) could not be processed (E_FAILED)\n`)
      process.exitCode = 1
    }
  } finally {
    await ledger.close()
  }
}

/** A chunk's answers in input order: persons in parallel (CONNECTIONS at a time), a person's claims one by one. */
function byPerson(settle: (body: unknown) => Promise<AdjudicationResult>): ChunkProcessor {
  return async (bodies) => {
    const answers: AdjudicationResult[] = new Array<AdjudicationResult>(bodies.length)
    const queues = new Map<string, number[]>()
    bodies.forEach((b, i) => {
      const p = claimIds(b).psnNo
      const q = queues.get(p)
      if (q === undefined) queues.set(p, [i])
      else q.push(i)
    })
    const lanes = [...queues.values()]
    let next = 0
    await Promise.all(Array.from({ length: Math.min(CONNECTIONS, lanes.length) }, async () => {
      for (let k = next++; k < lanes.length; k = next++) {
        for (const i of lanes[k]!) answers[i] = await settle(bodies[i])
      }
    }))
    return answers
  }
}

/**
 * `dipsettle reverse --ledger postgres://…`: one `{ "setl_id", "msgid" }` per line → the reversal or a rejection,
 * each in its own transaction under the person's row lock (PgLedger.reverse), answered in input order.
 */
export async function reversePostgres(url: string, opts: { chunk: number }): Promise<void> {
  const ledger = await PgLedger.open(url, { maxConnections: 1 })
  try {
    const faults = await runJsonLines(async (bodies) => {
      const answers: AdjudicationResult[] = []
      for (const b of bodies) {
        const f = reversalFields(b)
        answers.push('reasons' in f ? rejectionToResult(f.msgid, f.reasons)
          : answerOf(await ledger.reverse({ setlId: f.setlId, msgid: f.msgid, bodyHash: bodyHash(b) }), f.msgid))
      }
      return answers
    }, { chunkLines: opts.chunk })
    if (faults > 0) process.exitCode = 1
  } finally {
    await ledger.close()
  }
}

