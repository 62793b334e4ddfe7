// The Charlson comorbidity index of a case's SECONDARY diagnoses (辅助目录, SPEC §5): the sum of the weights of the
// conditions found (tables.charlson: Quan et al. 2005's ICD-10 coding, or the region's file), a condition counted
// once however many diagnoses show it, and a more severe condition replacing the one it `supersedes` (metastatic
// tumour over any malignancy). Lookup is one map probe per prefix length the file uses (3 and 5 characters for the
// published coding), built once per conditions list (the loaded tables hold one).
import type { CharlsonCondition } from '../tables/types.js'

export interface CharlsonFound {
  readonly condition: string
  readonly weight: number
  /** The first secondary diagnosis that showed it. */
  readonly dx: string
}

export interface CharlsonIndex {
  readonly index: number
  readonly conditions: readonly CharlsonFound[]
}

interface Lookup {
  readonly byPrefix: ReadonlyMap<string, CharlsonCondition>
  /** Prefix lengths present, ascending. */
  readonly lengths: readonly number[]
}

const NONE: CharlsonIndex = { index: 0, conditions: [] }
const cache = new WeakMap<readonly CharlsonCondition[], Lookup>()

function lookupOf(conditions: readonly CharlsonCondition[]): Lookup {
  const hit = cache.get(conditions)
  if (hit) return hit
  const byPrefix = new Map<string, CharlsonCondition>()
  for (const c of conditions) for (const p of c.icd10Prefixes) byPrefix.set(p, c)
  const lookup: Lookup = { byPrefix, lengths: [...new Set([...byPrefix.keys()].map((p) => p.length))].sort((a, b) => a - b) }
  cache.set(conditions, lookup)
  return lookup
}

/** The index of the secondary diagnoses (upper-case codes), with the conditions that made it in the file's order. */
export function charlsonIndex(secondaryDx: readonly string[], conditions: readonly CharlsonCondition[]): CharlsonIndex {
  if (secondaryDx.length === 0 || conditions.length === 0) return NONE
  const { byPrefix, lengths } = lookupOf(conditions)
  let found: Map<string, CharlsonFound> | null = null
  for (const dx of secondaryDx) {
    for (const n of lengths) {
      if (dx.length < n) break
      const c = byPrefix.get(dx.slice(0, n))
      if (c === undefined) continue
      found ??= new Map()
      if (!found.has(c.condition)) found.set(c.condition, { condition: c.condition, weight: c.weight, dx })
    }
  }
  if (found === null) return NONE
  let index = 0
  const made: CharlsonFound[] = []
  for (const c of conditions) {
    const f = found.get(c.condition)
    if (f === undefined) continue
    // replaced by a more severe condition also present
    if (conditions.some((s) => s.supersedes === c.condition && found.has(s.condition))) continue
    index += f.weight
    made.push(f)
  }
  return { index, conditions: made }
}
