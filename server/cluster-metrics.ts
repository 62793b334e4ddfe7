// GET /metrics under `dipsettle serve --workers N` (node:cluster): a scrape reaches one process, but must see all of
// them. The process that got the request asks the primary; the primary asks every worker for its registry (as
// JSON), sums them with prom-client's AggregatorRegistry.aggregate, and sends the text back.
//   worker ──dipsettle:metrics?──▶ primary ──dipsettle:metrics-get──▶ every worker ──dipsettle:metrics-part──▶ primary
//   worker ◀──dipsettle:metrics──── primary (aggregated text)
import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry, type Registry } from 'prom-client'

type Msg =
  | { readonly type: 'dipsettle:metrics?'; readonly id: number }
  | { readonly type: 'dipsettle:metrics-get'; readonly id: number }
  | { readonly type: 'dipsettle:metrics-part'; readonly id: number; readonly part: unknown }
  | { readonly type: 'dipsettle:metrics'; readonly id: number; readonly text: string }

function isMsg(m: unknown): m is Msg {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string'
    && (m as { type: string }).type.startsWith('dipsettle:metrics')
}

/** How long the primary waits for the workers' parts (a worker that does not answer is left out). */
const PART_TIMEOUT_MS = 2000

/** In the primary: answer the workers' metrics requests with the sum over all workers. */
export function serveClusterMetrics(): void {
  let nextId = 1
  cluster.on('message', (from: Worker, m: unknown) => {
    if (!isMsg(m) || m.type !== 'dipsettle:metrics?') return
    const id = nextId++
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected())
    const parts: unknown[] = []
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      cluster.off('message', onPart)
      const text = AggregatorRegistry.aggregate(parts as Parameters<typeof AggregatorRegistry.aggregate>[0])
      void text.metrics().then((t) => { if (from.isConnected()) from.send({ type: 'dipsettle:metrics', id: m.id, text: t }) })
    }
    const onPart = (_w: Worker, p: unknown): void => {
      if (!isMsg(p) || p.type !== 'dipsettle:metrics-part' || p.id !== id) return
      parts.push(p.part)
      if (parts.length === workers.length) finish()
    }
    cluster.on('message', onPart)
    setTimeout(finish, PART_TIMEOUT_MS).unref()
    for (const w of workers) w.send({ type: 'dipsettle:metrics-get', id })
  })
}

/**
 * In a cluster worker: give the primary this process's registry when asked, and return the function that GET
 * /metrics calls to get the whole cluster's text.
 */
export function clusterMetricsClient(registry: Registry): () => Promise<string> {
  const waiting = new Map<number, (text: string) => void>()
  let nextId = 1
  process.on('message', (m: unknown) => {
    if (!isMsg(m)) return
    if (m.type === 'dipsettle:metrics-get') {
      void registry.getMetricsAsJSON().then((part) => process.send?.({ type: 'dipsettle:metrics-part', id: m.id, part }))
    } else if (m.type === 'dipsettle:metrics') {
      waiting.get(m.id)?.(m.text)
      waiting.delete(m.id)
    }
  })
  return () => new Promise((resolve) => {
    const id = nextId++
    // the primary gone or slow: this process's own figures rather than no answer
    const timer = setTimeout(() => {
      waiting.delete(id)
      void registry.metrics().then(resolve)
    }, PART_TIMEOUT_MS + 1000)
    waiting.set(id, (text) => { clearTimeout(timer); resolve(text) })
    process.send?.({ type: 'dipsettle:metrics?', id })
  })
}
