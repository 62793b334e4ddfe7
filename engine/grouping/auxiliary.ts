// 辅助目录 (SPEC §5, national DIP technical specification): after grouping, a core case may be typed by severity
// (Charlson index of its secondary diagnoses, banded by `dip.auxiliary.cci_levels`), tumour (a malignant main diagnosis
// C00–C97 with metastasis — a secondary C77–C79 —, radiotherapy 92.2x or chemotherapy 99.25) and age (the person's
// brdy at admission, `age_bands`). Each applicable type has a coefficient: derived from the case history for this
// group (tables.auxCoefficients) or else the policy's. The highest coefficient wins (types do not multiply); on a
// tie the first in the order severity, tumour, age, as listed in the policy. The classification codes here are the
// SPEC's definitions of the types, not rates: every coefficient is policy or history data.
import type { Policy } from '../policy/types.js'
import type { CharlsonCondition, Tables } from '../tables/types.js'
import { ratioToPpm } from '../money.js'
import { charlsonIndex, type CharlsonIndex } from './charlson.js'

type Auxiliary = NonNullable<Policy['dip']['auxiliary']>

/** The case facts typing reads (a claim, or a case of the history). Codes upper-case. */
export interface AuxCase {
  readonly mainDx: string
  readonly otherDx: readonly string[]
  readonly procedures: readonly string[]
  /** Admission date YYYY-MM-DD. */
  readonly begndate: string
  /** The person's birth date, null when unknown. */
  readonly brdy: string | null
}

/** A type that applies to the case, before its coefficient is resolved. */
export interface ApplicableType {
  /** `cci:<band min>`, `tumour:metastasis|radiotherapy|chemotherapy`, `age:max_days=<n>|max_years=<n>|min_years=<n>`. */
  readonly type: string
  /** The policy's coefficient × 1e6. */
  readonly policyMicro: number
  /** Why it applies (the trace and the result). */
  readonly why: string
}

export interface Typed {
  readonly types: readonly ApplicableType[]
  /** The Charlson index, when the policy bands it. */
  readonly cci: CharlsonIndex | null
}

const MALIGNANT_MAIN = /^C([0-8][0-9]|9[0-7])/
const METASTASIS = /^C7[7-9]/
const RADIOTHERAPY_PREFIX = '92.2'
const CHEMOTHERAPY_PREFIX = '99.25'
const NOTHING: Typed = { types: [], cci: null }
const NO_CONDITIONS: readonly CharlsonCondition[] = []

/** Days since 1970-01-01 of a checked YYYY-MM-DD (brdy is checked at build, begndate on input), without a Date. */
function epochDay(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000
}

/** Completed years and days of age at `on` for a person born `brdy` (both YYYY-MM-DD); null when born after `on`. */
export function ageAt(brdy: string, on: string): { days: number; years: number } | null {
  const days = epochDay(on) - epochDay(brdy)
  if (!(days >= 0)) return null
  const years = Number(on.slice(0, 4)) - Number(brdy.slice(0, 4)) - (on.slice(5) < brdy.slice(5) ? 1 : 0)
  return { days, years }
}

/** Every type of the policy that applies to the case, in the order severity, tumour, age. */
export function applicableTypes(c: AuxCase, aux: Auxiliary, charlson: readonly CharlsonCondition[]): Typed {
  let types: ApplicableType[] | null = null
  const add = (type: string, coef: number, why: string): void => {
    ;(types ??= []).push({ type, policyMicro: ratioToPpm(coef), why })
  }
  let cci: CharlsonIndex | null = null
  if (aux.cci_levels !== undefined) {
    cci = charlsonIndex(c.otherDx, charlson)
    let band: { min: number; coef: number } | undefined
    for (const l of aux.cci_levels) if (cci.index >= l.min) band = l
    if (band !== undefined) {
      const found = cci.conditions.map((f) => `${f.condition} ${f.dx} (${f.weight})`).join(', ')
      add(`cci:${band.min}`, band.coef, `Charlson index ${cci.index} ≥ ${band.min}${found === '' ? '' : `: ${found}`}`)
    }
  }
  const t = aux.tumour
  if (t !== undefined && MALIGNANT_MAIN.test(c.mainDx)) {
    if (t.metastasis !== undefined) {
      const m = c.otherDx.find((dx) => METASTASIS.test(dx))
      if (m !== undefined) add('tumour:metastasis', t.metastasis, `malignant ${c.mainDx} with metastasis ${m}`)
    }
    if (t.radiotherapy !== undefined) {
      const op = c.procedures.find((p) => p.startsWith(RADIOTHERAPY_PREFIX))
      if (op !== undefined) add('tumour:radiotherapy', t.radiotherapy, `malignant ${c.mainDx} with radiotherapy ${op}`)
    }
    if (t.chemotherapy !== undefined) {
      const op = c.procedures.find((p) => p.startsWith(CHEMOTHERAPY_PREFIX))
      if (op !== undefined) add('tumour:chemotherapy', t.chemotherapy, `malignant ${c.mainDx} with chemotherapy ${op}`)
    }
  }
  if (aux.age_bands !== undefined && c.brdy !== null) {
    const age = ageAt(c.brdy, c.begndate)
    if (age !== null) {
      for (const b of aux.age_bands) {
        if (b.max_days !== undefined && age.days <= b.max_days) add(`age:max_days=${b.max_days}`, b.coef, `${age.days} days old at admission (≤ ${b.max_days})`)
        if (b.max_years !== undefined && age.years <= b.max_years) add(`age:max_years=${b.max_years}`, b.coef, `${age.years} years old at admission (≤ ${b.max_years})`)
        if (b.min_years !== undefined && age.years >= b.min_years) add(`age:min_years=${b.min_years}`, b.coef, `${age.years} years old at admission (≥ ${b.min_years})`)
      }
    }
  }
  return types === null && cci === null ? NOTHING : { types: types ?? [], cci }
}

/** A type with its coefficient resolved: the history's for this group when derived, else the policy's. */
export interface ResolvedType {
  readonly type: string
  readonly coefMicro: number
  readonly source: 'history' | 'policy'
  readonly why: string
}

export interface AuxOutcome {
  /** The winning type, or null when none applies. */
  readonly chosen: ResolvedType | null
  /** Every applicable type (the trace). */
  readonly candidates: readonly ResolvedType[]
  readonly cci: CharlsonIndex | null
}

export const UNTYPED: AuxOutcome = { chosen: null, candidates: [], cci: null }

/** Type a core case of `groupCode` (upper-case): the highest coefficient wins; the first of equals. */
export function typeCase(c: AuxCase, groupCodeUc: string, aux: Auxiliary, tables: Tables): AuxOutcome {
  const typed = applicableTypes(c, aux, tables.charlson ?? NO_CONDITIONS)
  if (typed.types.length === 0) return typed.cci === null ? UNTYPED : { chosen: null, candidates: [], cci: typed.cci }
  const derived = tables.auxCoefficients
  let chosen: ResolvedType | null = null
  const candidates = typed.types.map((t): ResolvedType => {
    const d = derived?.get(`${groupCodeUc}|${t.type}`)
    const r: ResolvedType = d !== undefined
      ? { type: t.type, coefMicro: d, source: 'history', why: t.why }
      : { type: t.type, coefMicro: t.policyMicro, source: 'policy', why: t.why }
    if (chosen === null || r.coefMicro > chosen.coefMicro) chosen = r
    return r
  })
  return { chosen, candidates, cci: typed.cci }
}
