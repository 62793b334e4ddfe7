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
  /** Why it applies (the trace and the result): worded only when read. */
  readonly why: () => string
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

/** The policy's types with their names and coefficients, made once per policy object (not per claim). */
interface Prepared {
  readonly cci: readonly { readonly min: number; readonly type: string; readonly micro: number }[] | null
  readonly age: readonly { readonly bound: 'max_days' | 'max_years' | 'min_years'; readonly n: number; readonly type: string; readonly micro: number }[] | null
}
const prepared = new WeakMap<Auxiliary, Prepared>()

function prepare(aux: Auxiliary): Prepared {
  const hit = prepared.get(aux)
  if (hit) return hit
  const p: Prepared = {
    cci: aux.cci_levels?.map((l) => ({ min: l.min, type: `cci:${l.min}`, micro: ratioToPpm(l.coef) })) ?? null,
    age: aux.age_bands?.map((b) => {
      const bound = b.max_days !== undefined ? 'max_days' : b.max_years !== undefined ? 'max_years' : 'min_years'
      const n = b[bound] as number
      return { bound, n, type: `age:${bound}=${n}`, micro: ratioToPpm(b.coef) }
    }) ?? null,
  }
  prepared.set(aux, p)
  return p
}

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
  const pre = prepare(aux)
  let types: ApplicableType[] | null = null
  let cci: CharlsonIndex | null = null
  if (pre.cci !== null) {
    const found = charlsonIndex(c.otherDx, charlson)
    cci = found
    let band: { readonly min: number; readonly type: string; readonly micro: number } | undefined
    for (const l of pre.cci) if (found.index >= l.min) band = l
    if (band !== undefined) {
      const min = band.min
      ;(types ??= []).push({ type: band.type, policyMicro: band.micro, why: () => {
        const list = found.conditions.map((f) => `${f.condition} ${f.dx} (${f.weight})`).join(', ')
        return `Charlson index ${found.index} ≥ ${min}${list === '' ? '' : `: ${list}`}`
      } })
    }
  }
  const t = aux.tumour
  if (t !== undefined && MALIGNANT_MAIN.test(c.mainDx)) {
    const main = c.mainDx
    if (t.metastasis !== undefined) {
      const m = c.otherDx.find((dx) => METASTASIS.test(dx))
      if (m !== undefined) (types ??= []).push({ type: 'tumour:metastasis', policyMicro: ratioToPpm(t.metastasis), why: () => `malignant ${main} with metastasis ${m}` })
    }
    if (t.radiotherapy !== undefined) {
      const op = c.procedures.find((p) => p.startsWith(RADIOTHERAPY_PREFIX))
      if (op !== undefined) (types ??= []).push({ type: 'tumour:radiotherapy', policyMicro: ratioToPpm(t.radiotherapy), why: () => `malignant ${main} with radiotherapy ${op}` })
    }
    if (t.chemotherapy !== undefined) {
      const op = c.procedures.find((p) => p.startsWith(CHEMOTHERAPY_PREFIX))
      if (op !== undefined) (types ??= []).push({ type: 'tumour:chemotherapy', policyMicro: ratioToPpm(t.chemotherapy), why: () => `malignant ${main} with chemotherapy ${op}` })
    }
  }
  if (pre.age !== null && c.brdy !== null) {
    const age = ageAt(c.brdy, c.begndate)
    if (age !== null) {
      for (const b of pre.age) {
        const applies = b.bound === 'max_days' ? age.days <= b.n : b.bound === 'max_years' ? age.years <= b.n : age.years >= b.n
        if (!applies) continue
        const why = b.bound === 'max_days' ? () => `${age.days} days old at admission (≤ ${b.n})`
          : b.bound === 'max_years' ? () => `${age.years} years old at admission (≤ ${b.n})` : () => `${age.years} years old at admission (≥ ${b.n})`
        ;(types ??= []).push({ type: b.type, policyMicro: b.micro, why })
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
  readonly why: () => string
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
