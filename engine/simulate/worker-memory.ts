// A pool worker's memory, measured in a process of its own (issue 21): `node worker-memory.js TABLES LEDGER CLAIMS`
// does only what a worker does to a claim — the tables loaded, the person looked up through the engine's bounded
// lookup over the ledger's persons, the person's history read, the claim adjudicated — for every claim of the file
// (JSON lines; computed, nothing recorded: a worker's commit adds a fixed-size write, not per-person memory), then
// prints one JSON line: its isolate's figures (isolate-memory.ts) and the process's RSS before and after. Inside the
// simulation the workers are threads of one process, whose RSS cannot be split between them; this process's RSS is a
// worker's upper bound (it also carries node's own baseline, which a worker thread shares with the main thread).
import { readFileSync } from 'node:fs'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { claimIds, claimScope, compute } from '../ledger/decide.js'
import { openLedger } from '../ledger/sqlite.js'
import { withLedgerPersons } from '../persons/attach.js'
import { loadTables } from '../tables/load.js'
import { isolateMemory } from './isolate-memory.js'

v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const rssMb = (): number => { gc(); return Math.round(process.memoryUsage.rss() / 2 ** 20) }

const [tablesFile, ledgerFile, claimsFile] = process.argv.slice(2)
if (tablesFile === undefined || ledgerFile === undefined || claimsFile === undefined) throw new Error('usage: worker-memory TABLES LEDGER CLAIMS.jsonl')
const baseline = rssMb()
const tables = withLedgerPersons(loadTables(tablesFile), ledgerFile)
const ledger = openLedger(ledgerFile, { readonly: true })
const env = { tables, policy: tables.policy }
let claims = 0
let settled = 0
const c0 = process.cpuUsage()
for (const line of readFileSync(claimsFile, 'utf8').split('\n')) {
  if (line === '') continue
  const body = JSON.parse(line) as unknown
  const { history } = ledger.readHistory(claimIds(body).psnNo, undefined, claimScope(body, env.policy))
  if (compute(body, history, env).status !== 'rejected') settled++
  claims++
}
const cpu = process.cpuUsage(c0)
ledger.close()
gc()
process.stdout.write(JSON.stringify({ claims, computed: settled, cpu_us_per_claim: claims > 0 ? Math.round((cpu.user + cpu.system) / claims) : 0,
  node_baseline_rss_mb: baseline, rss_mb: rssMb(), ...isolateMemory() }) + '\n')
