// POST /v1/batches through the worker pool (engine/pool): a hospital's day of claims is adjudicated off the event
// loop that answers the real-time claims. Batches run one after another on the pool (a run owns its lanes); inside a
// run, a person's claims keep their order and different persons run in parallel. The workers write the ledger file
// themselves (BEGIN IMMEDIATE, like this process) and re-adjudicate a claim whose person this process settled in the
// meantime (pool/settle-split.ts), so real-time and batch claims of one person never see a stale history.
import { Readable, Writable } from 'node:stream'
import { AdjudicationPool } from '../engine/pool/index.js'
import type { AdjudicationResult } from '../engine/result.js'

export interface PoolBatchRunner {
  readonly run: (bodies: readonly unknown[]) => Promise<AdjudicationResult[]>
  readonly close: () => Promise<void>
}

export async function startBatchPool(o: { workers: number; tablesFile: string; ledgerFile: string; policyFile?: string }): Promise<PoolBatchRunner> {
  const pool = new AdjudicationPool({ workers: o.workers, tablesFile: o.tablesFile, ledgerFile: o.ledgerFile, policyFile: o.policyFile ?? null })
  await pool.ready()
  let tail: Promise<unknown> = Promise.resolve()
  const runOne = async (bodies: readonly unknown[]): Promise<AdjudicationResult[]> => {
    // one JSON line per claim: the worker parses and validates (the pool's input is bytes, not objects)
    const input = Buffer.from(bodies.map((b) => JSON.stringify(b)).join('\n') + '\n')
    const chunks: Buffer[] = []
    const output = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb() } })
    await pool.run(Readable.from([input]), output)
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l !== '')
    if (lines.length !== bodies.length) throw new Error(`batch pool answered ${lines.length} lines for ${bodies.length} claims`)
    return lines.map((l) => JSON.parse(l) as AdjudicationResult)
  }
  return {
    run: (bodies) => {
      const job = tail.then(() => runOne(bodies))
      tail = job.catch(() => undefined)
      return job
    },
    close: async () => {
      await tail
      await pool.close()
    },
  }
}
