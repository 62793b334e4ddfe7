// Benchmark: adjudication throughput on the in-memory demo tables — validate, catalogue, deductible, funds, split and
// DIP grouping of synthetic inpatient claim bodies — against a loop doing only the table look-ups the same claims
// need (hospital, person, each diagnosis, procedure and fee code, the person's year, the referral stay, the DIP
// candidates). Reports `engine_claims_per_s` and `engine_vs_lookup_only` (SPEC §9 benchmark line).
// Run alone: `npx tsx bench/engine.ts [N]`.
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { adjudicate } from '../engine/adjudicate/index.js'
import type { AdjudicationContext } from '../engine/adjudicate/types.js'
import type { ClaimInput } from '../engine/claim.js'
import { EMPTY_HISTORY } from '../engine/history.js'
import { divRoundHalfAway } from '../engine/money.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../engine/paths.js'
import { loadTables } from '../engine/tables/load.js'
import type { DipGroup, Tables } from '../engine/tables/types.js'
import { buildTables } from '../grouper-data/build.js'
import { mulberry32 } from '../engine/demo/prng.js'


function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T
}

/** Synthetic inpatient claim bodies (wire shape, yuan) over the tables: real dx/procedures of a DIP group, 5–30 fees. */
export function syntheticClaimBodies(tables: Tables, n: number, seed = 20260910): ClaimInput[] {
  const rand = mulberry32(seed)
  const dxByPrefix = new Map<string, string>()
  for (const code of [...tables.diagnoses].sort()) {
    for (const key of [code.slice(0, 5), code.slice(0, 3)]) if (!dxByPrefix.has(key)) dxByPrefix.set(key, code)
  }
  const groups = [...tables.dipGroups.values()].filter((g: DipGroup) => dxByPrefix.has(g.mainDx) && g.compositeKind === null)
  const hospitals = [...tables.hospitals.values()]
  const persons = [...tables.persons.values()].filter((p) => tables.policy.basic[p.insutype].ratio[p.psnKind] !== undefined)
  const items = [...tables.catalogue.keys()]
  const out: ClaimInput[] = []
  for (let i = 0; i < n; i++) {
    const h = pick(rand, hospitals)
    const p = pick(rand, persons)
    const g = pick(rand, groups)
    const ops = [g.mainOp, ...g.otherOps].filter((x): x is string => x !== null && tables.procedures.has(x))
    const fees = Array.from({ length: 5 + Math.floor(rand() * 26) }, (_, k) => {
      const qty = 1 + Math.floor(rand() * 20)
      const priceFen = 100 + Math.floor(rand() * 50_000)
      return { feedetl_sn: String(k + 1), code: rand() < 0.05 ? 'NOT-IN-CATALOGUE' : pick(rand, items), qty, price: priceFen / 100, amount: divRoundHalfAway(qty * priceFen, 1) / 100 }
    })
    const day = 1 + (i % 20)
    out.push({
      msgid: `${h.code}20260910090000${String(i % 10_000).padStart(4, '0')}`, fixmedins_code: h.code, psn_no: p.psnNo,
      insutype: p.insutype, mdtrt_id: `B${i}`, med_type: '21',
      begndate: `2026-09-${String(day).padStart(2, '0')}`, enddate: `2026-09-${String(day + 5).padStart(2, '0')}`,
      dscg_way: '1', referral_from: null,
      diagnoses: [{ code: dxByPrefix.get(g.mainDx) ?? g.mainDx, main: true }],
      procedures: ops.map((code, k) => ({ code, main: k === 0 })),
      fees,
    })
  }
  return out
}

/** Only the look-ups one claim needs, as adjudicate makes them. */
function lookupsOnly(body: ClaimInput, ctx: AdjudicationContext): number {
  const t = ctx.tables
  let found = 0
  if (t.hospitals.get(body.fixmedins_code)) found++
  if (t.persons.get(body.psn_no)) found++
  for (const d of body.diagnoses) if (t.diagnoses.has(d.code.toUpperCase())) found++
  for (const p of body.procedures ?? []) if (t.procedures.get(p.code.toUpperCase())) found++
  for (const f of body.fees) if (t.catalogue.get(f.code.toUpperCase())) found++
  found += ctx.history.personYear(body.psn_no, 2026).admissions
  if (ctx.history.stay(body.psn_no, body.mdtrt_id)) found++
  const main = body.diagnoses[0]?.code.toUpperCase() ?? ''
  found += t.dipGroupsByDx.get(main.slice(0, 5))?.length ?? 0
  if (t.compositeGroups.get(`${main.slice(0, 3)}:BSZL`)) found++
  return found
}

function perSecond(bodies: readonly ClaimInput[], fn: (b: ClaimInput) => number): number {
  for (const b of bodies.slice(0, 500)) fn(b) // warm-up
  const t0 = process.hrtime.bigint()
  let sink = 0
  for (const b of bodies) sink += fn(b)
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  if (sink < 0) throw new Error('unreachable')
  return bodies.length / s
}

function demoTables(): Tables {
  if (!existsSync(DEMO_TABLES_FILE)) buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: DEMO_TABLES_FILE })
  return loadTables(DEMO_TABLES_FILE)
}

export function runEngineBench(n = 20_000, tables: Tables = demoTables()): { engine_claims_per_s: number; engine_vs_lookup_only: number; lookup_only_claims_per_s: number } {
  const ctx: AdjudicationContext = { tables, policy: tables.policy, history: EMPTY_HISTORY }
  const bodies = syntheticClaimBodies(tables, n)
  let rejected = 0
  const engine = perSecond(bodies, (b) => {
    const o = adjudicate(b, ctx)
    if (o.status !== 'ok') { rejected++; return 0 }
    return o.settlement.setlinfo.hifp_pay_fen
  })
  // a synthetic claim the engine rejects measures the wrong path: say so rather than report a flattering number
  if (rejected > 0) throw new Error(`bench/engine: ${rejected} synthetic claims were rejected`)
  const lookups = perSecond(bodies, (b) => lookupsOnly(b, ctx))
  return {
    engine_claims_per_s: Math.round(engine),
    engine_vs_lookup_only: Math.round((engine / lookups) * 1000) / 1000,
    lookup_only_claims_per_s: Math.round(lookups),
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(runEngineBench(Number(process.argv[2] ?? 20_000))))
}
