// What the measured rate means at national and provincial scale (SPEC §10). Straight-line extrapolations from
// this run's own numbers — labelled as such wherever they are printed: they assume the rate holds at any size,
// which the single-writer SQLite ledger does not promise (docs/scale-out.md says what changes beyond one machine).

/** National platform: ~18 M settlements a day (SPEC §10). */
export const NATIONAL_SETTLEMENTS_PER_DAY = 18_000_000
/** One province's reported peak: 3,500 settlements a second (SPEC §10). */
export const PROVINCE_PEAK_TPS = 3_500
/** A region of 24 M insured discharges ~400,000 inpatients a month (SPEC §10). */
export const REGION_24M_DISCHARGES_PER_MONTH = 400_000
/** The incumbent: a DRG month-end of 800,000 records in 2 h 18 min on Oracle (SPEC §10). */
export const INCUMBENT_MONTH_END = { records: 800_000, seconds: 2 * 3600 + 18 * 60 } as const

export interface Extrapolation {
  /** Hours this machine would need for one day of the national platform's settlements, at the measured rate. */
  readonly national_day_hours_on_this_machine: number
  /** Machines like this one to keep up with the national daily volume spread evenly over 24 h. */
  readonly national_machines_for_24h: number
  /** Machines like this one for a province's peak of 3,500 settlements per second. */
  readonly province_peak_machines: number
  /** Seconds of month-end (both pools) for a 24 M region's ~400,000 discharges, scaled from this run. */
  readonly month_end_400k_s: number | null
  /** Seconds of month-end for the incumbent's 800,000 records, scaled from this run (vs 8,280 s on Oracle). */
  readonly month_end_800k_s: number | null
}

function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/**
 * @param claimsPerS settlements per second measured end to end (generation, adjudication, ledger commit)
 * @param monthEnd month-end seconds and the discharges it covered (null when no discharges)
 */
export function extrapolate(claimsPerS: number, monthEnd: { seconds: number; discharges: number } | null): Extrapolation {
  if (!(claimsPerS > 0)) throw new RangeError(`extrapolate: the measured rate must be positive, got ${claimsPerS}`)
  const perDischarge = monthEnd !== null && monthEnd.discharges > 0 ? monthEnd.seconds / monthEnd.discharges : null
  return {
    national_day_hours_on_this_machine: round(NATIONAL_SETTLEMENTS_PER_DAY / claimsPerS / 3600, 2),
    national_machines_for_24h: Math.ceil(NATIONAL_SETTLEMENTS_PER_DAY / 86_400 / claimsPerS),
    province_peak_machines: Math.ceil(PROVINCE_PEAK_TPS / claimsPerS),
    month_end_400k_s: perDischarge === null ? null : round(perDischarge * REGION_24M_DISCHARGES_PER_MONTH, 2),
    month_end_800k_s: perDischarge === null ? null : round(perDischarge * INCUMBENT_MONTH_END.records, 2),
  }
}
