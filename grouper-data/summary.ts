// A summary of a region's tables, printed by `dipsettle start`: who and what the demo region holds.
import type { Tables } from '../engine/tables/types.js'

export interface RegionSummary {
  readonly region: string
  readonly policyVersion: string
  readonly hospitals: {
    readonly total: number
    readonly byLevel: Readonly<Record<string, number>>
    readonly byCity: Readonly<Record<string, number>>
    readonly alliances: number
    readonly tcm: number
  }
  readonly persons: {
    readonly total: number
    /** `310/in_service`, `310/retired`, `390/resident` … */
    readonly byInsutypeKind: Readonly<Record<string, number>>
    readonly poverty: number
    readonly assistance: number
  }
  readonly catalogue: {
    readonly total: number
    /** 01 甲类, 02 乙类, 03 丙类. */
    readonly byClass: Readonly<Record<string, number>>
    readonly byListType: Readonly<Record<string, number>>
    readonly priceCapped: number
    readonly vbp: number
  }
  readonly dipGroups: { readonly total: number; readonly byKind: Readonly<Record<string, number>> }
}

function count<T>(xs: Iterable<T>, key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const x of xs) { const k = key(x); out[k] = (out[k] ?? 0) + 1 }
  // sorted keys: the summary reads the same every run
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

export function summarise(t: Tables): RegionSummary {
  const hospitals = [...t.hospitals.values()]
  const persons = [...t.persons.values()]
  const items = [...t.catalogue.values()]
  return {
    region: t.meta.region,
    policyVersion: t.meta.policyVersion,
    hospitals: {
      total: hospitals.length,
      byLevel: count(hospitals, (h) => String(h.level)),
      byCity: count(hospitals, (h) => h.city),
      alliances: new Set(hospitals.flatMap((h) => (h.allianceId === null ? [] : [h.allianceId]))).size,
      tcm: hospitals.filter((h) => h.tcm).length,
    },
    persons: {
      total: persons.length,
      byInsutypeKind: count(persons, (p) => `${p.insutype}/${p.psnKind}`),
      poverty: persons.filter((p) => p.poverty).length,
      assistance: persons.filter((p) => p.assistance).length,
    },
    catalogue: {
      total: items.length,
      byClass: count(items, (i) => i.chrgitmLv),
      byListType: count(items, (i) => i.listType),
      priceCapped: items.filter((i) => i.priceCapFen !== null).length,
      vbp: items.filter((i) => i.vbp).length,
    },
    dipGroups: { total: t.dipGroups.size, byKind: count(t.dipGroups.values(), (g) => g.kind) },
  }
}

const CLASS_NAMES: Record<string, string> = { '01': '甲类', '02': '乙类', '03': '丙类' }
const LIST_NAMES: Record<string, string> = { '101': '西药', '102': '中成药', '103': '民族药', '201': '诊疗项目', '301': '医用耗材' }
const KIND_NAMES: Record<string, string> = { '310/in_service': '职工在职', '310/retired': '职工退休', '390/resident': '城乡居民' }

const list = (r: Readonly<Record<string, number>>, names: Record<string, string> = {}, suffix = ''): string =>
  Object.entries(r).map(([k, n]) => `${names[k] ? `${k} ${names[k]}` : `${k}${suffix}`} ${n}`).join(', ')

/** The summary as a few lines of text. */
export function formatSummary(s: RegionSummary): string {
  return [
    `region ${s.region} (policy ${s.policyVersion})`,
    `hospitals ${s.hospitals.total}: level ${list(s.hospitals.byLevel)}; ${s.hospitals.alliances} county alliances (医共体), ` +
      `${s.hospitals.tcm} 中蒙医`,
    `  by city: ${list(s.hospitals.byCity)}`,
    `persons ${s.persons.total}: ${list(s.persons.byInsutypeKind, KIND_NAMES)}; poverty ${s.persons.poverty}, ` +
      `assistance ${s.persons.assistance}`,
    `catalogue ${s.catalogue.total}: ${list(s.catalogue.byClass, CLASS_NAMES)}; ${list(s.catalogue.byListType, LIST_NAMES)}; ` +
      `${s.catalogue.priceCapped} price-capped, ${s.catalogue.vbp} 集采`,
    `DIP groups ${s.dipGroups.total}: ${list(s.dipGroups.byKind)}`,
  ].join('\n') + '\n'
}
