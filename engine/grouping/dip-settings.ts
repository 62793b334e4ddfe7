// The policy's `dip` section as grouping reads it: optional keys fall back to the published defaults (the numbers
// live in engine/policy/dip-defaults.ts, which the schema declares), and the group lists are held as upper-case sets (group codes
// are written with `x` or `X`), built once per policy object.
import type { Policy } from '../policy/types.js'
import { DIP_DEFAULTS } from '../policy/dip-defaults.js'
import { scoreToMicro } from '../money.js'

type Dip = Policy['dip']
type OptionalKey = 'low_standard_cost_ratio' | 'low_standard_max_days' | 'long_stay_multiple'

export function dipSetting(dip: Dip, key: OptionalKey): number {
  return dip[key] ?? DIP_DEFAULTS[key]
}

export interface DipLists {
  readonly primary: ReadonlySet<string>
  readonly tcm: ReadonlySet<string>
  /** Group code (upper-case) → per-day points in 1e-6 units. */
  readonly perDiemMicro: ReadonlyMap<string, number>
}

const cache = new WeakMap<Dip, DipLists>()

export function dipLists(dip: Dip): DipLists {
  const hit = cache.get(dip)
  if (hit) return hit
  const lists: DipLists = {
    primary: new Set(dip.primary_groups.map((g) => g.toUpperCase())),
    tcm: new Set(dip.tcm_groups.map((g) => g.toUpperCase())),
    perDiemMicro: new Map(Object.entries(dip.per_diem_points).map(([g, pts]) => [g.toUpperCase(), scoreToMicro(pts)])),
  }
  cache.set(dip, lists)
  return lists
}
