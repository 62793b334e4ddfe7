// `dipsettle adjudicate | reverse --ledger postgres://…` (SPEC §8, §11): the same lines in, the same answers out, in input
// order, against a PostgreSQL ledger that other processes may be writing at the same time. A chunk is group-committed
// as on SQLite (engine/ledger/settle-port.ts settleBatch: one read per person, decide, ONE transaction under the
// chunk's persons' row locks, taken in psn_no order; stale ones read and decided again). A dry run (2303) computes
// against the person's committed history, persons in parallel, and records nothing. `--workers N`: N worker
// threads (postgres-worker.ts), each with its own tables and its own connections, each committing its claims itself;
// a chunk's persons are split over them by fnv1a(psn_no) (a person's claims stay in one worker, in input order).
import type { History } from '../../history.js'
import { claimIds, compute } from '../../ledger/decide.js'
import type { DecideEnv } from '../../ledger/decide.js'
import { PgLedger } from '../../ledger/postgres/ledger.js'
import { settleBatch } from '../../ledger/settle-port.js'
import { EMPTY_HISTORY } from '../../history.js'
import type { AdjudicationResult } from '../../result.js'
import { rejectionToResult } from '../../result.js'
import { bodyHash } from '../../ledger/hash.js'
import { answerOf } from '../../ledger/outcome.js'
import { reversalFields } from '../../ledger/settle.js'
import { openContext } from '../context.js'
import { Worker } from 'node:worker_threads'
import { fnv1a32 } from '../../fnv.js'
import { workerFile } from '../../worker-file.js'
import { runJsonLines } from './adjudicate.js'
import type { ChunkProcessor } from './adjudicate.js'

/** Connections (and so claims of different persons in flight) of one `adjudicate` process. */
export const CONNECTIONS = 4

export async function adjudicatePostgres(url: string, opts: { dryRun?: boolean; tables?: string; policy?: string; chunk: number; workers?: number }): Promise<void> {
  if (opts.workers !== undefined && opts.dryRun !== true) return adjudicateWorkers(url, { ...opts, workers: opts.workers })
  const ctx = openContext(opts)
  const ledger = await PgLedger.open(url, { maxConnections: CONNECTIONS, readonly: opts.dryRun === true })
  // the ledger's persons (SPEC §11) come with each person's history (engine/persons/snapshot.ts)
  const env: DecideEnv = { tables: ctx.tables, policy: ctx.policy }
  try {
    const dryRun = async (body: unknown): Promise<AdjudicationResult> => {
      const { psnNo } = claimIds(body)
      const history: History = psnNo === '' ? EMPTY_HISTORY : (await ledger.readHistory(psnNo)).history
      return compute(body, history, env)
    }
    const each = opts.dryRun === true ? byPerson(dryRun) : (bodies: readonly unknown[]) => settleBatch(bodies, ledger, env)
    const faults = await runJsonLines(each, { chunkLines: opts.chunk })
    if (faults > 0) {
      process.stderr.write(`dipsettle: ${faults} line(s) could not be processed (E_FAILED)\n`)
      process.exitCode = 1
    }
  } finally {
    await ledger.close()
  }
}

/** N worker threads, each settling its share of every chunk (by person) on its own connections; answers in input order. */
async function adjudicateWorkers(url: string, opts: { tables?: string; policy?: string; chunk: number; workers: number }): Promise<void> {
  // the schema is created or migrated once here, before the workers connect
  await (await PgLedger.open(url, { maxConnections: 1 })).close()
  const { workerFile: file, execArgv } = workerFile(import.meta.url, 'postgres-worker')
  const data = { url, ...(opts.tables !== undefined ? { tables: opts.tables } : {}), ...(opts.policy !== undefined ? { policy: opts.policy } : {}) }
  const workers = Array.from({ length: opts.workers }, () => new Worker(file, { workerData: data, execArgv: [...execArgv] }))
  let nextId = 0
  const waiting = new Map<number, { resolve: (a: AdjudicationResult[]) => void; reject: (e: Error) => void }>()
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    w.on('message', (m: 'ready' | { id: number; answers?: AdjudicationResult[]; error?: string }) => {
      if (m === 'ready') { resolve(); return }
      const job = waiting.get(m.id)
      waiting.delete(m.id)
      if (m.answers !== undefined) job?.resolve(m.answers)
      else job?.reject(new Error(`adjudicate worker: ${m.error ?? 'no answer'}`))
    })
    w.on('error', (e) => {
      reject(e)
      for (const job of waiting.values()) job.reject(e)
      waiting.clear()
    })
  })))
  const ask = (w: Worker, bodies: unknown[]): Promise<AdjudicationResult[]> => new Promise((resolve, reject) => {
    const id = nextId++
    waiting.set(id, { resolve, reject })
    w.postMessage({ id, bodies })
  })
  try {
    const faults = await runJsonLines(async (bodies) => {
      const shares = workers.map(() => [] as number[])
      bodies.forEach((b, i) => shares[fnv1a32(claimIds(b).psnNo) % workers.length]!.push(i))
      const answers = new Array<AdjudicationResult>(bodies.length)
      await Promise.all(shares.map(async (idx, k) => {
        if (idx.length === 0) return
        const got = await ask(workers[k]!, idx.map((i) => bodies[i]))
        idx.forEach((i, j) => { answers[i] = got[j]! })
      }))
      return answers
    }, { chunkLines: opts.chunk })
    if (faults > 0) {
      process.stderr.write(`dipsettle: ${faults} line(s) could not be processed (E_FAILED)\n`)
      process.exitCode = 1
    }
  } finally {
    await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve())
      w.postMessage('close')
    })))
  }
}

/** A chunk's answers in input order: persons in parallel (CONNECTIONS at a time), a person's claims one by one. */
export function byPerson(settle: (body: unknown) => Promise<AdjudicationResult>): ChunkProcessor {
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

