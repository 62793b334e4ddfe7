// The Charlson comorbidity index of a case's SECONDARY diagnoses (辅助目录, SPEC §5): the sum of the weights of the
// conditions found (tables.charlson: Quan et al. 2005's ICD-10 coding, or the region's file), a condition counted
// once however many diagnoses show it, and a more severe condition replacing the one it `supersedes` (metastatic
// tumour over any malignancy). Hot path (every typed core claim): one map probe per prefix length the file uses (3 and
// 5 characters for the published coding), conditions held as bits of one integer, nothing allocated for a claim
// without a condition.
import type { CharlsonCondition } from '../tables/types.js'

export interface CharlsonFound {
  readonly condition: string
  readonly weight: number
  /** The first secondary diagnosis that showed it. */
  readonly dx: string
}

export interface CharlsonIndex {
  readonly index: number
  /** The conditions that made the index, in the file's order. */
  readonly conditions: readonly CharlsonFound[]
}

interface Lookup {
  /** Prefix → condition number (its row in the file). */
  readonly byPrefix: ReadonlyMap<string, number>
  /** Prefix lengths present, ascending. */
  readonly lengths: readonly number[]
  /** Per condition, the bits of the conditions that supersede it. */
  readonly supersededBy: readonly number[]
}

/** Conditions are bits of a 32-bit integer: a file of more conditions is split into words — not needed for 17. */
const MAX_CONDITIONS = 31
const NONE: CharlsonIndex = { index: 0, conditions: [] }
const cache = new WeakMap<readonly CharlsonCondition[], Lookup>()

function lookupOf(conditions: readonly CharlsonCondition[]): Lookup {
  const hit = cache.get(conditions)
  if (hit) return hit
  if (conditions.length > MAX_CONDITIONS) throw new Error(`charlson: ${conditions.length} conditions, at most ${MAX_CONDITIONS} supported`)
  const byPrefix = new Map<string, number>()
  conditions.forEach((c, i) => { for (const p of c.icd10Prefixes) byPrefix.set(p, i) })
  const supersededBy = conditions.map((c) =>
    conditions.reduce((mask, s, j) => (s.supersedes === c.condition ? mask | (1 << j) : mask), 0))
  const lookup: Lookup = { byPrefix, lengths: [...new Set([...byPrefix.keys()].map((p) => p.length))].sort((a, b) => a - b), supersededBy }
  cache.set(conditions, lookup)
  return lookup
}

/** The index of the secondary diagnoses (upper-case codes). */
export function charlsonIndex(secondaryDx: readonly string[], conditions: readonly CharlsonCondition[]): CharlsonIndex {
  if (secondaryDx.length === 0 || conditions.length === 0) return NONE
  const { byPrefix, lengths, supersededBy } = lookupOf(conditions)
  let mask = 0
  // the first secondary diagnosis showing each condition, by condition number; made on the first condition found
  let firstDx: string[] | null = null
  for (const dx of secondaryDx) {
    for (const n of lengths) {
      if (dx.length < n) break
      const i = byPrefix.get(dx.slice(0, n))
      if (i === undefined || (mask & (1 << i)) !== 0) continue
      mask |= 1 << i
      ;(firstDx ??= [])[i] = dx
    }
  }
  if (firstDx === null) return NONE
  let index = 0
  const found: CharlsonFound[] = []
  for (let i = 0; i < conditions.length; i++) {
    // present, and not replaced by a more severe condition also present
    if ((mask & (1 << i)) === 0 || (mask & (supersededBy[i] as number)) !== 0) continue
    const c = conditions[i] as CharlsonCondition
    index += c.weight
    found.push({ condition: c.condition, weight: c.weight, dx: firstDx[i] as string })
  }
  return { index, conditions: found }
}
