// 辅助目录 coefficients derived from the case history (SPEC §5: "from the policy, or derived from history like
// scores"): for each core group g and each type T of the policy's 辅助目录 (cci band, tumour kind, age band),
//   coef(g, T) = year-weighted mean cost of g's cases T applies to ÷ year-weighted mean cost of all g's cases,
// the means weighted 1:2:7 over the three prior years exactly as group averages are (grouper-data/history.ts), kept
// only where T applies to at least `dip.auxiliary.min_cases` (default `dip.min_cases`) of g's cases; elsewhere the
// policy's coefficient stands. A case is typed by the same function grouping uses (engine/grouping/auxiliary.ts), and a
// case counts for every type that applies to it. Exact: micro-yuan means, one rounding to 1e-6.
import type { Policy } from '../engine/policy/types.js'
import type { CharlsonCondition } from '../engine/tables/types.js'
import { applicableTypes, type AuxCase } from '../engine/grouping/auxiliary.js'
import { divRoundHalfAwayBig } from '../engine/money.js'

export interface AuxHistoryCase {
  readonly mainDx: string
  readonly otherDx: readonly string[]
  readonly procedures: readonly string[]
  readonly begndate: string | null
  readonly brdy: string | null
}

export interface DerivedAuxCoefficient {
  readonly group_code: string
  readonly type: string
  readonly cases: number
  readonly coefficient: number
  readonly coef_micro: number
}

/**
 * Coefficients of one group: `groupMean` its year-weighted mean (micro-yuan); `meanOf` the same mean over a subset of
 * its cases (null when the subset has no case in the window).
 */
export function deriveGroupAuxCoefficients<C>(
  groupCode: string, cases: readonly C[], factsOf: (c: C) => AuxHistoryCase, groupMean: bigint,
  meanOf: (subset: readonly C[]) => bigint | null, policy: Policy, charlson: readonly CharlsonCondition[],
): DerivedAuxCoefficient[] {
  const aux = policy.dip.auxiliary
  if (aux === undefined || groupMean <= 0n) return []
  const minCases = aux.min_cases ?? policy.dip.min_cases
  const byType = new Map<string, C[]>()
  for (const c of cases) {
    const f = factsOf(c)
    // without an admission date no age can be told: the case is typed on its codes alone
    const facts: AuxCase = { ...f, begndate: f.begndate ?? '', brdy: f.begndate === null ? null : f.brdy }
    for (const t of applicableTypes(facts, aux, charlson).types) {
      const list = byType.get(t.type)
      if (list) list.push(c)
      else byType.set(t.type, [c])
    }
  }
  const out: DerivedAuxCoefficient[] = []
  for (const [type, subset] of [...byType].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (subset.length < minCases) continue
    const mean = meanOf(subset)
    if (mean === null) continue
    const coefMicro = Number(divRoundHalfAwayBig(mean * 1_000_000n, groupMean))
    out.push({ group_code: groupCode.toUpperCase(), type, cases: subset.length, coefficient: coefMicro / 1e6, coef_micro: coefMicro })
  }
  return out
}
