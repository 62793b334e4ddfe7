// 床日 by kind of stay (SPEC §5, seed 004: rehabilitation and psychiatric stays): decided by the stay, not by a group
// code. A stay whose main diagnosis starts with one of a kind's `main_dx_prefixes` (and, when the kind lists
// `procedure_prefixes`, with a procedure starting with one of them) is that kind; kinds are tried in the policy's
// order, the first that fits wins. Prefixes are upper-cased once per policy object.
import type { Claim } from '../claim.js'
import type { Policy } from '../policy/types.js'
import type { HospitalLevel } from '../tables/types.js'
import { scoreToMicro } from '../money.js'

export interface PerDiemKind {
  readonly kind: string
  readonly dxPrefixes: readonly string[]
  /** Null: any procedures (or none). */
  readonly opPrefixes: readonly string[] | null
  /** Points per bed day × 1e6 by hospital level. */
  readonly microByLevel: Readonly<Record<HospitalLevel, number>>
}

const cache = new WeakMap<Policy['dip'], readonly PerDiemKind[]>()

export function perDiemKinds(dip: Policy['dip']): readonly PerDiemKind[] {
  const hit = cache.get(dip)
  if (hit) return hit
  const kinds = Object.entries(dip.per_diem ?? {}).map(([kind, k]): PerDiemKind => ({
    kind,
    dxPrefixes: k.main_dx_prefixes.map((p) => p.toUpperCase()),
    opPrefixes: k.procedure_prefixes?.map((p) => p.toUpperCase()) ?? null,
    microByLevel: { 1: scoreToMicro(k.points_per_day['1']), 2: scoreToMicro(k.points_per_day['2']), 3: scoreToMicro(k.points_per_day['3']) },
  }))
  cache.set(dip, kinds)
  return kinds
}

/** The per-diem kind of the stay, or null (claim codes are upper-case already). */
export function perDiemKindOf(claim: Pick<Claim, 'mainDx' | 'procedures'>, kinds: readonly PerDiemKind[]): PerDiemKind | null {
  for (const k of kinds) {
    if (!k.dxPrefixes.some((p) => claim.mainDx.startsWith(p))) continue
    if (k.opPrefixes !== null && !claim.procedures.some((op) => (k.opPrefixes as readonly string[]).some((p) => op.startsWith(p)))) continue
    return k
  }
  return null
}
