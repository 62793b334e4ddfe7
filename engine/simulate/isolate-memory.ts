// What one JavaScript isolate holds (issue 21: a worker's memory must not grow with the insured count): its V8 heap
// (v8.getHeapStatistics: this isolate's alone, whichever thread asks) and the off-heap memory it owns (external,
// array buffers), with the process's RSS beside them. A worker thread's RSS cannot be told apart inside a process
// (threads share it), so the RSS figure of a worker comes from a process that does only a worker's work
// (worker-memory.ts); the heap figures are the isolate's own wherever they are taken.
import v8 from 'node:v8'

export interface IsolateMemory {
  readonly heap_total_mb: number
  readonly heap_used_mb: number
  /** C++ objects bound to JavaScript ones (better-sqlite3 statements, buffers), this isolate's. */
  readonly external_mb: number
  readonly array_buffers_mb: number
  /** The whole process's resident memory. */
  readonly process_rss_mb: number
}

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20)

export function isolateMemory(): IsolateMemory {
  const h = v8.getHeapStatistics()
  const m = process.memoryUsage()
  return {
    heap_total_mb: mb(h.total_heap_size), heap_used_mb: mb(h.used_heap_size), external_mb: mb(h.external_memory ?? m.external),
    array_buffers_mb: mb(m.arrayBuffers), process_rss_mb: mb(m.rss),
  }
}
