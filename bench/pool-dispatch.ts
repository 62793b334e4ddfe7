// The design the HTTP benchmark measures against inline adjudication: real-time claims gathered for ~1 ms and sent
// to the worker pool as one batch (engine/pool through server/batch-pool.ts: the workers adjudicate and record, a
// person's claims in one lane). Bench-only: `http_inline_vs_pool_dispatch` decides which the service uses.
import type { AdjudicationResult } from '../engine/result.js'
import { startBatchPool } from '../server/batch-pool.js'
import type { ClaimCommitter } from '../server/group-commit.js'

interface Waiting { readonly body: unknown; readonly resolve: (r: AdjudicationResult) => void; readonly reject: (e: unknown) => void }

export async function startPoolDispatch(o: { workers: number; tablesFile: string; ledgerFile: string; gatherMs?: number }):
  Promise<ClaimCommitter> {
  const pool = await startBatchPool({ workers: o.workers, tablesFile: o.tablesFile, ledgerFile: o.ledgerFile })
  const gatherMs = o.gatherMs ?? 1
  let queue: Waiting[] = []
  let timer: NodeJS.Timeout | null = null
  let running = 0
  let idle: (() => void)[] = []
  const dispatch = (): void => {
    timer = null
    if (queue.length === 0) return
    const batch = queue
    queue = []
    running += batch.length
    pool.run(batch.map((w) => w.body)).then(
      (rs) => batch.forEach((w, i) => w.resolve(rs[i] as AdjudicationResult)),
      (e: unknown) => batch.forEach((w) => w.reject(e)),
    ).finally(() => {
      running -= batch.length
      if (running === 0 && queue.length === 0) for (const f of idle.splice(0)) f()
    })
  }
  return {
    submit: (body) => new Promise((resolve, reject) => {
      queue.push({ body, resolve, reject })
      timer ??= setTimeout(dispatch, gatherMs)
    }),
    get pending() { return queue.length + running },
    drain: () => {
      if (timer !== null) { clearTimeout(timer); dispatch() }
      return running === 0 ? Promise.resolve() : new Promise((resolve) => { idle.push(resolve) })
    },
    close: async () => {
      idle = []
      await pool.close()
    },
  }
}
