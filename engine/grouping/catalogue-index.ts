// The DIP catalogue arranged for matching, built once per loaded Tables (memoised): core candidates per 亚目 with their
// procedure sets upper-cased, composite groups per `<category>:<kind>`, and the categories that have any group.
// Grouping a claim then touches only its own 亚目's few candidates instead of scanning 4,444 groups.
import type { CompositeKind, DipGroup, Tables } from '../tables/types.js'
import { categoryOf } from './subcategory.js'

export interface CoreCandidate {
  readonly group: DipGroup
  /** Main op + other ops, upper-case, without repeats; empty for a dx-only (保守治疗) core group. */
  readonly procedures: readonly string[]
}

export interface GroupIndex {
  /** 亚目 (upper-case) → core / primary / per-diem groups written on it. */
  readonly coreByDx: ReadonlyMap<string, readonly CoreCandidate[]>
  /** `<3-char category>:<CompositeKind>` (upper-case) → composite group. */
  readonly composite: ReadonlyMap<string, DipGroup>
  /** Categories with at least one group of any kind (tells `no_composite_group` from `no_core_or_composite_group`). */
  readonly categories: ReadonlySet<string>
}

const cache = new WeakMap<Tables, GroupIndex>()

export function compositeKey(category: string, kind: CompositeKind): string {
  return `${category.toUpperCase()}:${kind}`
}

export function groupIndex(tables: Tables): GroupIndex {
  const hit = cache.get(tables)
  if (hit) return hit
  const coreByDx = new Map<string, CoreCandidate[]>()
  const composite = new Map<string, DipGroup>()
  const categories = new Set<string>()
  for (const group of tables.dipGroups.values()) {
    const dx = group.mainDx.toUpperCase()
    categories.add(categoryOf(dx))
    if (group.kind === 'composite' || group.compositeKind !== null) {
      if (group.compositeKind !== null) composite.set(compositeKey(dx, group.compositeKind), group)
      continue
    }
    const ops = [group.mainOp, ...group.otherOps].filter((p): p is string => p !== null && p !== '')
    const procedures = [...new Set(ops.map((p) => p.toUpperCase()))]
    const list = coreByDx.get(dx)
    if (list) list.push({ group, procedures })
    else coreByDx.set(dx, [{ group, procedures }])
  }
  const index: GroupIndex = { coreByDx, composite, categories }
  cache.set(tables, index)
  return index
}
