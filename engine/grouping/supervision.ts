// Institution-level supervision scores (违规行为监管辅助目录, SPEC §5): per hospital and month, its readmission
// (F_READMISSION), low-standard admission (F_LOW_STANDARD_ADMISSION), over-long stay (F_LONG_STAY) and in-hospital
// death (F_IN_HOSPITAL_DEATH) rates beside the region's, overall and by group. A pure function over the month's DIP
// discharges of the pool (the flags grouping recorded with each), for the feedback report's JSON
// (engine/settlement/feedback.ts) — it decides nothing, it shows where a hospital stands against the region.
import { divRoundHalfAway } from '../money.js'

/** One discharge as the feedback report reads it from the ledger. */
export interface SupervisedCase {
  readonly fixmedins_code: string
  readonly dip_group_code: string | null
  readonly flags: readonly string[]
}

export interface Rate {
  readonly count: number
  /** count ÷ cases, 4 decimals (0 when there is no case). */
  readonly rate: number
}

export interface RateLine {
  readonly cases: number
  readonly readmission: Rate
  readonly low_standard_admission: Rate
  readonly long_stay: Rate
  readonly in_hospital_death: Rate
}

export interface SupervisionScores {
  readonly hospital: RateLine
  readonly region: RateLine
  /** The hospital's groups (ungroupable cases under "(ungroupable)"), most cases first. */
  readonly by_group: readonly { readonly dip_group_code: string; readonly hospital: RateLine; readonly region: RateLine }[]
}

const MEASURES = [
  ['readmission', 'F_READMISSION'], ['low_standard_admission', 'F_LOW_STANDARD_ADMISSION'], ['long_stay', 'F_LONG_STAY'],
  ['in_hospital_death', 'F_IN_HOSPITAL_DEATH'],
] as const

interface Counts { cases: number; readmission: number; low_standard_admission: number; long_stay: number; in_hospital_death: number }

const UNGROUPABLE = '(ungroupable)'

function count(into: Map<string, Counts>, key: string, flags: readonly string[]): void {
  let c = into.get(key)
  if (c === undefined) {
    c = { cases: 0, readmission: 0, low_standard_admission: 0, long_stay: 0, in_hospital_death: 0 }
    into.set(key, c)
  }
  c.cases += 1
  for (const [measure, flag] of MEASURES) if (flags.includes(flag)) c[measure] += 1
}

function line(c: Counts | undefined): RateLine {
  const cases = c?.cases ?? 0
  const rate = (m: (typeof MEASURES)[number][0]): Rate => {
    const n = c?.[m] ?? 0
    return { count: n, rate: cases === 0 ? 0 : divRoundHalfAway(n * 10_000, cases) / 10_000 }
  }
  return {
    cases, readmission: rate('readmission'), low_standard_admission: rate('low_standard_admission'), long_stay: rate('long_stay'),
    in_hospital_death: rate('in_hospital_death'),
  }
}

/** The scores of the hospital `codes` (one hospital, or an alliance's members) against every case of `month`. */
export function supervisionScores(monthCases: readonly SupervisedCase[], codes: readonly string[]): SupervisionScores {
  const own = new Set(codes)
  const region = new Map<string, Counts>()
  const hospital = new Map<string, Counts>()
  for (const c of monthCases) {
    const group = c.dip_group_code ?? UNGROUPABLE
    count(region, '', c.flags)
    count(region, group, c.flags)
    if (!own.has(c.fixmedins_code)) continue
    count(hospital, '', c.flags)
    count(hospital, group, c.flags)
  }
  const groups = [...hospital.entries()].filter(([k]) => k !== '')
    .sort(([a, x], [b, y]) => y.cases - x.cases || (a < b ? -1 : a > b ? 1 : 0))
  return {
    hospital: line(hospital.get('')), region: line(region.get('')),
    by_group: groups.map(([code, c]) => ({ dip_group_code: code, hospital: line(c), region: line(region.get(code)) })),
  }
}
