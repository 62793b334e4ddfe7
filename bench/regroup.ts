// Benchmark: regroup N synthetic discharges built from the real DIP catalogue (every core group's own dx and
// procedures, plus composite-bound claims), costs spread around each group's average so that every deviation band
// is exercised. Reports `regroup_claims_per_s` (SPEC §9 benchmark line). Run alone: `npx tsx bench/regroup.ts [N]`.
import { pathToFileURL } from 'node:url'
import type { Claim } from '../engine/claim.js'
import { groupClaim } from '../engine/grouping/index.js'
import { EMPTY_HISTORY } from '../engine/history.js'
import { existsSync } from 'node:fs'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../engine/paths.js'
import { buildTables } from '../grouper-data/build.js'
import { loadTables } from '../engine/tables/load.js'
import type { DipGroup, Tables } from '../engine/tables/types.js'
import { mulberry32 } from '../engine/demo/prng.js'


/** First listed diagnosis code under each 亚目 / category prefix (what a hospital would actually code). */
function listedCodes(tables: Tables): Map<string, string> {
  const out = new Map<string, string>()
  for (const code of [...tables.diagnoses].sort()) {
    for (const key of [code.slice(0, 5), code.slice(0, 3)]) if (!out.has(key)) out.set(key, code)
  }
  return out
}

export function syntheticDischarges(tables: Tables, n: number, seed = 20260101): Claim[] {
  const rand = mulberry32(seed)
  const codes = listedCodes(tables)
  const groups = [...tables.dipGroups.values()]
  const procs = [...tables.procedures.keys()]
  const hospitals = [...tables.hospitals.keys()]
  const claims: Claim[] = []
  const begnDay = 20_362 // 2025-10-01
  for (let i = 0; i < n; i++) {
    const g = groups[Math.floor(rand() * groups.length)] as DipGroup
    const dx = codes.get(g.mainDx.toUpperCase()) ?? g.mainDx
    const ops = g.compositeKind !== null
      ? (g.compositeKind === 'BSZL' ? [] : [procs[Math.floor(rand() * procs.length)] as string])
      : [g.mainOp, ...g.otherOps].filter((p): p is string => p !== null)
    // cost between 0.2× and 6× the average: all four deviation bands occur
    const totalFen = Math.max(100, Math.round(g.avgCostFen * (0.2 + rand() * 5.8)))
    const days = 1 + Math.floor(rand() * 20)
    claims.push({
      msgid: `H00000000000120251001000000${String(i % 10000).padStart(4, '0')}`, hospitalCode: hospitals[i % Math.max(1, hospitals.length)] ?? '',
      psnNo: `P${i}`, insutype: '390', mdtrtId: `M${i}`, medType: '21', inpatient: true, begnDay, endDay: begnDay + days,
      year: 2025, month: '2025-10', begndate: '2025-10-01', enddate: '2025-10-01', dscgWay: '1', referralFrom: null,
      mainDx: dx.toUpperCase(), otherDx: [], procedures: ops.map((p) => p.toUpperCase()), fees: [], totalFen, useAccount: false,
    })
  }
  return claims
}

/** Regroup the claims (after one warm-up pass) and return claims per second. */
export function regroupClaimsPerSecond(tables: Tables, claims: readonly Claim[]): number {
  const ctx = { tables, policy: tables.policy, history: EMPTY_HISTORY }
  // a discharge is regrouped with its person's data at hand (adjudication passes it; the synthetic persons have no
  // birth date): grouping is measured, not a person read from the ledger
  const opts = { known: { brdy: null } }
  for (const c of claims.slice(0, 1000)) groupClaim(c, ctx, opts) // warm-up (and the memoised catalogue index)
  const t0 = process.hrtime.bigint()
  let sink = 0
  for (const c of claims) sink += groupClaim(c, ctx, opts).points_1e4
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  if (sink < 0) throw new Error('unreachable')
  return claims.length / s
}

/** The demo region's tables, built first when missing (as `dipsettle data build` would). */
function demoTables(): Tables {
  if (!existsSync(DEMO_TABLES_FILE)) buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: DEMO_TABLES_FILE })
  return loadTables(DEMO_TABLES_FILE)
}

export function runRegroupBench(n = 200_000, tables: Tables = demoTables()): { regroup_claims_per_s: number } {
  const claims = syntheticDischarges(tables, n)
  return { regroup_claims_per_s: Math.round(regroupClaimsPerSecond(tables, claims)) }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 200_000)
  console.log(JSON.stringify(runRegroupBench(n)))
}
