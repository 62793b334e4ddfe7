// Benchmark: what the 智能监控 rules (SPEC §14, engine/monitoring/) cost adjudication. The engine bench's synthetic
// inpatient claims (bench/engine.ts), each person given three settled stays in the weeks before (so the overlap and
// readmission rules walk a history) and three outpatient visits in the days after (the outpatient-during-stay rule) and half the fee lines dated inside the stay (so the per-day quantity and
// fee-date rules count), adjudicated with the demo policy's monitoring section and with the same policy without it.
// Rounds alternate (on, off, on, off, …) and each is timed in CPU time of this process (process.cpuUsage), so a
// neighbour's load on a shared machine moves both sides alike; reports the median round of each, their ratio, and
// the median of the ratios of adjacent rounds.
// Run: `npx tsx bench/monitoring.ts [N] [ROUNDS]`.
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { adjudicate } from '../engine/adjudicate/index.js'
import type { AdjudicationContext } from '../engine/adjudicate/types.js'
import { dayNumber, type ClaimInput } from '../engine/claim.js'
import { ZERO_YEAR, type History, type OutpatientVisit, type StayRecord } from '../engine/history.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../engine/paths.js'
import type { Policy } from '../engine/policy/types.js'
import { loadTables } from '../engine/tables/load.js'
import type { Tables } from '../engine/tables/types.js'
import { buildTables } from '../grouper-data/build.js'
import { syntheticClaimBodies } from './engine.js'

/** Each person's stays: three, ended 5, 12 and 20 days before the claims' first begndate, at the first hospitals. */
function historyOf(tables: Tables, bodies: readonly ClaimInput[]): History {
  const hospitals = [...tables.hospitals.values()]
  const first = dayNumber('2026-09-01') as number
  const stays = new Map<string, StayRecord[]>()
  for (const b of bodies) {
    if (stays.has(b.psn_no)) continue
    stays.set(b.psn_no, [5, 12, 20].map((ago, k): StayRecord => {
      const h = hospitals[k % hospitals.length]!
      return {
        mdtrt_id: `H${b.psn_no}-${k}`, setl_id: `S${k}`, psn_no: b.psn_no, fixmedins_code: h.code, alliance_id: h.allianceId,
        level: h.level, begn_day: first - ago - 6, end_day: first - ago, episode_id: `H${b.psn_no}-${k}`, episode_n: k + 1,
        episode_dedc_fen: 0, dx_category: b.diagnoses[0]!.code.slice(0, 3).toUpperCase(), year: 2026,
      }
    }))
  }
  // three visits on the 2nd to 4th day after the first begndate, at the first hospital
  const visits = new Map<string, OutpatientVisit[]>()
  for (const psn of stays.keys()) {
    visits.set(psn, [1, 2, 3].map((k): OutpatientVisit => ({
      mdtrt_id: `V${psn}-${k}`, setl_id: `SV${k}`, fixmedins_code: hospitals[0]!.code, begn_day: first + k, end_day: first + k,
    })))
  }
  return {
    personYear: () => ZERO_YEAR,
    stay: (psn, id) => stays.get(psn)?.find((s) => s.mdtrt_id === id),
    recentStays: (psn, since) => (stays.get(psn) ?? []).filter((s) => s.end_day >= since),
    outpatientVisits: (psn, since) => (visits.get(psn) ?? []).filter((v) => v.end_day >= since),
    episodeDeductibleFen: () => 0,
    accountNetFen: () => 0,
  }
}

/** Half the fee lines dated on the stay's second day. */
function dated(bodies: readonly ClaimInput[]): ClaimInput[] {
  return bodies.map((b) => {
    const d = new Date(Date.parse(b.begndate + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10)
    return { ...b, fees: b.fees.map((f, i) => (i % 2 === 0 ? { ...f, fee_ocur_time: `${d} 10:00:00` } : f)) }
  })
}

function cpuSecondsOf(fn: () => void): number {
  const t0 = process.cpuUsage()
  fn()
  const t = process.cpuUsage(t0)
  return (t.user + t.system) / 1e6
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

export function runMonitoringBench(n = 10_000, rounds = 7): Record<string, number> {
  if (!existsSync(DEMO_TABLES_FILE)) buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: DEMO_TABLES_FILE })
  const tables = loadTables(DEMO_TABLES_FILE)
  if (tables.policy.monitoring === undefined) throw new Error('bench/monitoring: the demo policy has no monitoring section')
  const { monitoring: _m, ...rest } = tables.policy
  const off: Policy = rest
  const bodies = dated(syntheticClaimBodies(tables, n))
  const history = historyOf(tables, bodies)
  const ctxOn: AdjudicationContext = { tables, policy: tables.policy, history }
  const ctxOff: AdjudicationContext = { tables, policy: off, history }
  let flagged = 0
  const pass = (ctx: AdjudicationContext) => () => {
    for (const b of bodies) {
      const o = adjudicate(b, ctx)
      if (o.status !== 'ok') throw new Error(`bench/monitoring: ${b.msgid} rejected: ${o.reasons.map((r) => r.code).join(',')}`)
      if ((o.settlement.monitoring?.length ?? 0) > 0) flagged++
    }
  }
  pass(ctxOn)(); pass(ctxOff)() // warm-up, both paths
  flagged = 0
  const on: number[] = []
  const offs: number[] = []
  for (let r = 0; r < rounds; r++) {
    on.push(cpuSecondsOf(pass(ctxOn)))
    offs.push(cpuSecondsOf(pass(ctxOff)))
  }
  return {
    claims: n, rounds,
    monitoring_on_cpu_s: median(on), monitoring_off_cpu_s: median(offs),
    engine_monitoring_on_vs_off: Math.round((median(on) / median(offs)) * 1000) / 1000,
    // each round against the one run right after it: a drift of the machine's load cancels within a pair
    engine_monitoring_pair_ratio_median: Math.round(median(on.map((t, i) => t / (offs[i] as number))) * 1000) / 1000,
    flagged_share: Math.round((flagged / (rounds * n)) * 1000) / 1000,
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(runMonitoringBench(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 7))))
}
