// POST /v1/batches through the worker pool (engine/pool): a hospital's day of claims is adjudicated off the event
// loop that answers the real-time claims. Batches run one after another on the pool (a run owns its lanes); inside a
// run, a person's claims keep their order and different persons run in parallel. The workers write the ledger file
// themselves (BEGIN IMMEDIATE, like this process) and re-adjudicate a claim whose person this process settled in the
// meantime (the commit answers 'stale': engine/ledger/settle.ts), so real-time and batch claims of one person never see a stale history.
import { Readable, Writable } from 'node:stream'
import { AdjudicationPool } from '../engine/pool/index.js'
import { claimIds } from '../engine/ledger/decide.js'
import { reason } from '../engine/reasons.js'
import { rejectionToResult, type AdjudicationResult } from '../engine/result.js'

export interface PoolBatchRunner {
  readonly run: (bodies: readonly unknown[]) => Promise<AdjudicationResult[]>
  readonly close: () => Promise<void>
}

export async function startBatchPool(o: { workers: number; tablesFile: string; ledgerFile: string; policyFile?: string }): Promise<PoolBatchRunner> {
  const pool = new AdjudicationPool({ workers: o.workers, tablesFile: o.tablesFile, ledgerFile: o.ledgerFile, policyFile: o.policyFile ?? null })
  await pool.ready()
  let tail: Promise<unknown> = Promise.resolve()
  const runOne = async (all: readonly unknown[]): Promise<AdjudicationResult[]> => {
    // one JSON line per claim: the worker parses and validates (the pool's input is bytes, not objects). A body too
    // deep for JSON.stringify (~10,000 levels: a RangeError) is answered alone, in its place; the others run
    const early = all.map((b): AdjudicationResult | undefined => {
      try {
        JSON.stringify(b)
        return undefined
      } catch {
        return rejectionToResult(claimIds(b).msgid, [reason('E_BAD_JSON', '', 'the claim is nested too deeply to be processed')])
      }
    })
    const bodies = all.filter((_, i) => early[i] === undefined)
    if (bodies.length === 0) return early as AdjudicationResult[]
    const input = Buffer.from(bodies.map((b) => JSON.stringify(b)).join('\n') + '\n')
    const chunks: Buffer[] = []
    const output = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb() } })
    await pool.run(Readable.from([input]), output)
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l !== '')
    if (lines.length !== bodies.length) throw new Error(`batch pool answered ${lines.length} lines for ${bodies.length} claims`)
    let k = 0
    return early.map((e) => e ?? (JSON.parse(lines[k++] as string) as AdjudicationResult))
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
