// The persons store's choice (SPEC §11, issue 21): CPU per person lookup and the memory a worker pays, for persons
// held in a Map (what the tables loader did), read from the ledger's person_versions by primary key on a read-only
// connection (per worker, the file's pages in the OS cache that all workers share), the same with SQLite's mmap
// (one shared read-only mapping), and through the engine's lookup (StoredPersons: bounded cache, versions as of a
// date). Run alone: `node --expose-gc dist/bench/persons-lookup.js LEDGER [LOOKUPS]` on a ledger with persons imported
// (`dipsettle persons import`); prints one JSON line. CPU time (process.cpuUsage), not wall: the machine is shared.
// `--worker TABLES` instead: only what a pool worker does — load the tables, look persons up through the engine's
// lookup over the ledger — and the process's RSS after it (`worker_rss_mb`; a worker thread shares node's own
// baseline with the main thread, so this is an upper bound of a worker's share).
import Database from 'better-sqlite3'
import { decodePerson } from '../engine/persons/codec.js'
import { StoredPersons } from '../engine/persons/lookup.js'
import { LedgerPersons } from '../engine/ledger/sqlite/persons.js'
import type { Person } from '../engine/tables/types.js'
import { loadTables } from '../engine/tables/load.js'
import { withLedgerPersons } from '../engine/persons/attach.js'

const gc = (): void => { (globalThis as { gc?: () => void }).gc?.() }
const file = process.argv[2]
if (file === undefined) throw new Error('usage: persons-lookup LEDGER [LOOKUPS] [--worker TABLES]')
const lookups = Number(process.argv[3] ?? 300_000)

const meta = new Database(file, { readonly: true })
const count = meta.prepare('SELECT COUNT(*) FROM person_versions').pluck().get() as number
meta.close()
// the claims' persons: uniformly drawn (a month touches ~a third of a region's insured once or twice)
let seed = 12345
const rand = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff }
const keys = Array.from({ length: lookups }, () => `P${String(1 + Math.floor(rand() * count)).padStart(9, '0')}`)

function cpuUs(fn: () => void): number {
  const c0 = process.cpuUsage()
  fn()
  const c = process.cpuUsage(c0)
  return c.user + c.system
}

function rssMb(): number {
  gc()
  return Math.round(process.memoryUsage.rss() / 2 ** 20)
}

const results: Record<string, number> = { persons: count, lookups }
const workerTables = process.argv[4] === '--worker' ? process.argv[5] : undefined
if (workerTables !== undefined) {
  const baseline = rssMb()
  const tables = withLedgerPersons(loadTables(workerTables), file)
  results['tables_rss_mb'] = rssMb() - baseline
  const us = cpuUs(() => { for (const k of keys) { tables.persons.get(k, '2026-06-30'); tables.persons.get(k, '2026-06-30') } })
  results['stored_us_per_claim'] = +(us / lookups).toFixed(2)
  results['node_baseline_rss_mb'] = baseline
  results['worker_rss_mb'] = rssMb()
  process.stdout.write(JSON.stringify(results) + '\n')
  process.exit(0)
}
for (let round = 0; round < 2; round++) {
  // SQLite by primary key, per-worker read-only connection (page cache per connection: SQLite's default 2 MB)
  {
    const db = new Database(file, { readonly: true })
    const st = db.prepare<[string], string>("SELECT record FROM person_versions WHERE psn_no = ? AND effective_from <= '2026-06-30' ORDER BY effective_from DESC LIMIT 1").pluck()
    const r0 = rssMb()
    let found = 0
    const us = cpuUs(() => { for (const k of keys) { const t = st.get(k); if (t !== undefined && decodePerson(t).psnNo === k) found++ } })
    results[`sqlite_us_per_lookup_r${round}`] = +(us / lookups).toFixed(2)
    results[`sqlite_rss_growth_mb_r${round}`] = rssMb() - r0
    results['found'] = found
    db.close()
  }
  // the same with mmap: the file's pages mapped once, shared by every process and thread mapping it
  {
    const db = new Database(file, { readonly: true })
    db.pragma('mmap_size = 4294967296')
    const st = db.prepare<[string], string>("SELECT record FROM person_versions WHERE psn_no = ? AND effective_from <= '2026-06-30' ORDER BY effective_from DESC LIMIT 1").pluck()
    const us = cpuUs(() => { for (const k of keys) { const t = st.get(k); if (t !== undefined) decodePerson(t) } })
    results[`sqlite_mmap_us_per_lookup_r${round}`] = +(us / lookups).toFixed(2)
    db.close()
  }
  // the engine's lookup: versions by psn_no, bounded LRU cache, 2 lookups per claim (validation, grouping)
  {
    const lookup = new StoredPersons([new LedgerPersons(file)], () => [])
    const us = cpuUs(() => { for (const k of keys) { lookup.get(k, '2026-06-30'); lookup.get(k, '2026-06-30') } })
    results[`stored_us_per_claim_r${round}`] = +(us / lookups).toFixed(2)
  }
  // everyone in a Map (what each worker held before): load time, memory, lookup
  {
    const r0 = rssMb()
    const db = new Database(file, { readonly: true })
    const map = new Map<string, Person>()
    const loadUs = cpuUs(() => {
      for (const [psn, rec] of db.prepare<[], [string, string]>('SELECT psn_no, record FROM person_versions').raw(true).iterate()) map.set(psn, decodePerson(rec))
    })
    db.close()
    results[`map_load_s_r${round}`] = +(loadUs / 1e6).toFixed(2)
    results[`map_rss_mb_r${round}`] = rssMb() - r0
    const us = cpuUs(() => { for (const k of keys) { map.get(k); map.get(k) } })
    results[`map_us_per_claim_r${round}`] = +(us / lookups).toFixed(3)
    map.clear()
  }
}
process.stdout.write(JSON.stringify(results) + '\n')
