// How long a worker takes to load the lookup tables and how much memory they hold (SPEC §9 benchmark keys
// `tables_load_ms`, `worker_rss_mb`). Run alone: `node --expose-gc --import tsx bench/tables-load.ts [--tables FILE]`
// (without --expose-gc the RSS figure includes uncollected garbage); prints one JSON line.
import { parseArgs } from 'node:util'
import { buildTables } from '../grouper-data/build.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../engine/paths.js'
import { loadTables } from '../engine/tables/load.js'
import type { Tables } from '../engine/tables/types.js'

export interface TablesLoadResult {
  /** Median wall time of one loadTables call, ms. */
  readonly tables_load_ms: number
  /** RSS growth from holding one loaded copy of the tables, MB (what each worker pays). */
  readonly worker_rss_mb: number
  /** JS heap held by the loaded maps, MB (without SQLite's and the allocator's share of the RSS). */
  readonly tables_heap_mb: number
}

const gc = (): void => { (globalThis as { gc?: () => void }).gc?.() }

/** Measure loading `file` (default: the demo tables, built when missing) `runs` times. */
export function benchTablesLoad(opts: { file?: string; runs?: number } = {}): TablesLoadResult {
  const file = opts.file ?? DEMO_TABLES_FILE
  if (opts.file === undefined) buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: file })
  const runs = Math.max(1, opts.runs ?? 3)
  gc()
  const before = process.memoryUsage()
  const times: number[] = []
  let t0 = performance.now()
  const kept: Tables = loadTables(file)
  times.push(performance.now() - t0)
  gc()
  const after = process.memoryUsage()
  // further loads for the timing only; their copies are garbage
  for (let i = 1; i < runs; i++) {
    t0 = performance.now()
    loadTables(file)
    times.push(performance.now() - t0)
  }
  if (kept.diagnoses.size === 0) throw new Error('benchTablesLoad: empty tables')
  times.sort((a, b) => a - b)
  return {
    tables_load_ms: Math.round((times[Math.floor(times.length / 2)] as number) * 10) / 10,
    worker_rss_mb: Math.round(((after.rss - before.rss) / 1048576) * 10) / 10,
    tables_heap_mb: Math.round(((after.heapUsed - before.heapUsed) / 1048576) * 10) / 10,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { tables: { type: 'string' }, runs: { type: 'string' } } })
  const result = benchTablesLoad({ ...(values.tables ? { file: values.tables } : {}), ...(values.runs ? { runs: Number(values.runs) } : {}) })
  process.stdout.write(JSON.stringify(result) + '\n')
}
