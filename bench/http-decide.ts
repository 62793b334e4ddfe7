// What deciding a claim of the HTTP benchmark costs alone (issue #17): decide() (engine/ledger/decide.ts: validation,
// adjudication, grouping, the prepared record and its answer) on the claims of bench/http.ts, each against an empty
// history snapshot, in CPU time of this process (one thread, no I/O): the least the settlement route can cost beside
// HTTP, the strict parse, the history read, the commit and the answer's bytes. Also adjudicate() alone, the answer
// serialised with JSON.stringify, and the body hash the ledger writer thread computes from the text, for the split.
//   node dist/bench/http-decide.js [--build DIR] [--rounds 5] [--json-parse]     (one JSON line per round, then the medians)
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { generateDemoClaims } from '../engine/demo/claims.js'
import { DEMO_TABLES_FILE } from '../engine/paths.js'
import { loadTables } from '../engine/tables/load.js'

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

const build = resolve(arg('build', fileURLToPath(new URL('..', import.meta.url))))
const rounds = Number(arg('rounds', '5'))
const load = (p: string) => import(pathToFileURL(join(build, p)).href)
const { decide, claimScope } = await load('engine/ledger/decide.js')
const { adjudicate } = await load('engine/adjudicate/index.js')
const { HistorySnapshot } = await load('engine/history.js')
const { bodyHashOfText } = await load('engine/ledger/hash.js')
const { loadTables: loadBuilt } = await load('engine/tables/load.js')
const tables = loadBuilt(DEMO_TABLES_FILE)
const policy = tables.policy
// the claims of bench/http.ts (~90 lines, ~7 KB), each body as the route's parse would give it
const claims = [...generateDemoClaims(loadTables(DEMO_TABLES_FILE), { count: 2000, seed: 7, linesPerClaim: [85, 95], referralShare: 0 })]
  .filter((c) => c.med_type === '21')
// --json-parse: bodies from JSON.parse instead of the route's strict parser (engine/strict-json.ts)
const { parseStrictJson } = await load('engine/strict-json.js')
const strictParse = (text: string) => {
  const r = parseStrictJson(Buffer.from(text, 'utf8'))
  if (!r.ok) throw new Error(`http-decide: ${r.message}`)
  return r.value
}
const parse = process.argv.includes('--json-parse') ? JSON.parse : strictParse
const texts = claims.map((c, i) => JSON.stringify({ ...c, msgid: `${c.fixmedins_code}${String(i).padStart(18, '0')}`, mdtrt_id: `B${i}` }))
const bodies = claims.map((c, i) => parse(JSON.stringify({ ...c, msgid: `${c.fixmedins_code}${String(i).padStart(18, '0')}`, mdtrt_id: `B${i}` })) as Record<string, unknown>)
const snapshot = (b: Record<string, unknown>) =>
  new HistorySnapshot({ psnNo: b['psn_no'], version: 0, years: new Map(), stays: [], visits: [], scope: claimScope(b, policy) })

function cpuUsPer<T>(fn: (b: T) => unknown, xs: readonly T[] = bodies as unknown as T[]): number {
  const t0 = process.cpuUsage()
  for (const b of xs) fn(b)
  const d = process.cpuUsage(t0)
  return (d.user + d.system) / xs.length
}

const env = { tables, policy }
const decideOne = (b: Record<string, unknown>) => {
  const d = decide({ body: b, hash: 'x' }, snapshot(b), undefined, env)
  if (d.kind !== 'record') throw new Error(`http-decide: ${String(b['msgid'])} was not settled`)
  return d
}
const adjudicateOne = (b: Record<string, unknown>) => adjudicate(b, { tables, policy, history: snapshot(b) })
const answerOne = (b: Record<string, unknown>) => JSON.stringify(decideOne(b).result)
// warm-up: the JIT settles over the first rounds
for (let i = 0; i < 2; i++) { cpuUsPer(decideOne); cpuUsPer(adjudicateOne) }
const runs: { decide_us: number; adjudicate_us: number; decide_and_stringify_us: number; body_hash_of_text_us: number }[] = []
for (let r = 0; r < rounds; r++) {
  const x = { decide_us: cpuUsPer(decideOne), adjudicate_us: cpuUsPer(adjudicateOne), decide_and_stringify_us: cpuUsPer(answerOne),
    // what the ledger writer thread does first with each claim (its body hash, from the text)
    body_hash_of_text_us: cpuUsPer(bodyHashOfText, texts) }
  runs.push(x)
  process.stdout.write(JSON.stringify({ round: r, claims: bodies.length, ...x }) + '\n')
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
process.stdout.write(JSON.stringify({
  build, claims: bodies.length, rounds,
  decide_us: Math.round(median(runs.map((x) => x.decide_us))),
  adjudicate_us: Math.round(median(runs.map((x) => x.adjudicate_us))),
  decide_and_stringify_us: Math.round(median(runs.map((x) => x.decide_and_stringify_us))),
  body_hash_of_text_us: Math.round(median(runs.map((x) => x.body_hash_of_text_us))),
}) + '\n')
