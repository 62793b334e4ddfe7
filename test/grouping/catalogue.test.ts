// Grouping against the real 平顶山 2025 catalogue (3,877 core + 567 composite groups) as the demo tables load it.
import { beforeAll, describe, expect, it } from 'vitest'
import { loadDemoTables } from '../fixtures/tables.js'
import { groupClaim } from '../../engine/grouping/index.js'
import type { Policy } from '../../engine/policy/types.js'
import type { CompositeKind, DipGroup, ProcedureKind, Tables } from '../../engine/tables/types.js'
import { claim, ctx } from './helpers.js'

let tables: Tables
let policy: Policy
/** Claims are priced at the group average (factor 1) and the hospital coefficient is off: points = score. */
const group = (dx: string, procs: string[], yuan = 1000) => groupClaim(claim(dx, procs, yuan, { hospitalCode: 'NONE' }), ctx(tables, policy))
const procedureMemo = new Map<string, string>()
/** The first procedure code (sorted) of a kind that no core group of the category lists. */
function procedureOf(kind: ProcedureKind, category: string): string {
  const key = `${kind}|${category}`
  const hit = procedureMemo.get(key)
  if (hit !== undefined) return hit
  const listed = new Set([...tables.dipGroups.values()].filter((g) => g.mainDx.startsWith(category)).flatMap((g) => [g.mainOp, ...g.otherOps]))
  const code = [...tables.procedures].filter(([c, k]) => k === kind && !listed.has(c)).map(([c]) => c).sort()[0]
  if (code === undefined) throw new Error(`no ${kind} procedure in the tables`)
  procedureMemo.set(key, code)
  return code
}

beforeAll(async () => {
  tables = await loadDemoTables()
  policy = { ...tables.policy, dip: { ...tables.policy.dip, hospital_coefficients: false, ignored_procedure_prefixes: [] } }
})

describe('core groups of the real catalogue', () => {
  it('J18.900 without procedures → J18.9 (score 576.444152)', () => {
    const r = group('J18.900', [], 3296.2)
    expect(r).toMatchObject({ group_code: 'J18.9', kind: 'core', score: 576.444152, points: 576.4442, deviation: 'normal' })
  })
  it('G45.900 with 88.4101 → G45.9:88.4101 (score 1332.080169)', () => {
    expect(group('G45.900', ['88.4101'], 7617.04)).toMatchObject({ group_code: 'G45.9:88.4101', score: 1332.080169, points: 1332.0802 })
  })
  it('C34.100 with the three procedures → the combination group', () => {
    expect(group('C34.100', ['32.4100', '33.3903', '40.5914'], 48255.82).group_code).toBe('C34.1:32.4100_33.3903+40.5914')
  })
  it('C34.100 with only the main procedure → C34.1:32.4100', () => {
    expect(group('C34.100', ['32.4100'], 48255.82).group_code).toBe('C34.1:32.4100')
  })
  it('C34.100 with the main procedure and one of the two others → still C34.1:32.4100 (the combination needs both)', () => {
    expect(group('C34.100', ['32.4100', '33.3903'], 48255.82).group_code).toBe('C34.1:32.4100')
  })
})

describe('composite groups and ungroupable claims of the real catalogue', () => {
  const cases: [CompositeKind, ProcedureKind | null][] = [['SS', 'surgery'], ['ZLXCZ', 'therapeutic'], ['ZDXCZ', 'diagnostic'], ['BSZL', null]]
  for (const [kind, procKind] of cases) {
    it(`C16.100 (no dx-only core group) with ${procKind ?? 'no'} procedure → C16:${kind}`, () => {
      const procs = procKind === null ? [] : [procedureOf(procKind, 'C16')]
      expect(group('C16.100', procs)).toMatchObject({ group_code: `C16:${kind}`, kind: 'composite' })
    })
  }
  it('A03.900 with a surgery: A03 has core groups but no composite → no_composite_group', () => {
    expect(group('A03.900', [procedureOf('surgery', 'A03')])).toMatchObject({ kind: 'ungroupable', ungroupable_reason: 'no_composite_group', flags: ['F_UNGROUPABLE'] })
  })
  it('A00.000: a category with no group at all → no_core_or_composite_group', () => {
    expect(group('A00.000', []).ungroupable_reason).toBe('no_core_or_composite_group')
  })
})

describe('every group groups back to itself', () => {
  /** A listed diagnosis under each prefix (亚目 or category), the lowest code. */
  function listed(): Map<string, string[]> {
    const out = new Map<string, string[]>()
    for (const code of [...tables.diagnoses].sort()) {
      for (const key of [code.slice(0, 5), code.slice(0, 3)]) out.set(key, [...(out.get(key) ?? []), code])
    }
    return out
  }

  it('all 3,877 core groups: the group\'s own dx (a listed code) and procedures → that group', () => {
    const codes = listed()
    const core = [...tables.dipGroups.values()].filter((g) => g.kind === 'core')
    expect(core.length).toBe(3877)
    const wrong = core.flatMap((g) => {
      const dx = codes.get(g.mainDx)?.[0]
      const procs = [g.mainOp, ...g.otherOps].filter((p): p is string => p !== null)
      const got = dx === undefined ? 'no listed dx' : group(dx, procs, g.avgCostFen / 100).group_code
      return got === g.groupCode ? [] : [`${g.groupCode} → ${got}`]
    })
    expect(wrong).toEqual([])
  })

  it('all 567 composite groups are reached by some listed dx of the category and a procedure of the kind', () => {
    const codes = listed()
    const procKind: Record<CompositeKind, ProcedureKind | null> = { SS: 'surgery', ZLXCZ: 'therapeutic', ZDXCZ: 'diagnostic', BSZL: null }
    const composite = [...tables.dipGroups.values()].filter((g): g is DipGroup & { compositeKind: CompositeKind } => g.compositeKind !== null)
    expect(composite.length).toBe(567)
    const reached = composite.filter((g) => {
      const k = procKind[g.compositeKind]
      const procs = k === null ? [] : [procedureOf(k, g.mainDx)]
      return (codes.get(g.mainDx) ?? []).some((dx) => group(dx, procs).group_code === g.groupCode)
    })
    expect(reached.length).toBe(567)
  })
})
