// M_SEX_AGE (SPEC §14): a diagnosis or an item that the policy's lists reserve to one sex or an age range, on a
// claim of a person outside it (e.g. an obstetric diagnosis for a male). gend and brdy come from persons.csv; a person
// without them is not judged on what is unknown. Age: completed years at begndate.
import { ageAt } from '../grouping/auxiliary.js'
import type { Claim } from '../claim.js'
import type { Person } from '../tables/types.js'
import { startsWithAny } from './code-prefix.js'
import type { Finding, MonitoringPolicy, MonitoringRule } from './types.js'

type Check = NonNullable<MonitoringPolicy['M_SEX_AGE']>['checks'][number]

const SEX = { '1': '男', '2': '女' } as const

export const sexAge: MonitoringRule<NonNullable<MonitoringPolicy['M_SEX_AGE']>> = ({ claim, person }, params) => {
  for (const check of params.checks) {
    const field = appliesAt(claim, check)
    if (field === null) continue
    const why = mismatch(claim, person, check)
    if (why !== null) return { field, detail: `${check.name}：${why}` } satisfies Finding
  }
  return null
}

/** The field where the check's diagnosis or item appears, or null when the claim has none of them. */
function appliesAt(claim: Claim, check: Check): string | null {
  const dx = check.dx_prefixes
  if (dx !== undefined && (startsWithAny(claim.mainDx, dx) || claim.otherDx.some((c) => startsWithAny(c, dx)))) return 'diagnoses'
  const items = check.item_prefixes
  if (items !== undefined) {
    for (let i = 0; i < claim.fees.length; i++) if (startsWithAny(claim.fees[i]!.code, items)) return `fees[${i}].code`
  }
  return null
}

function mismatch(claim: Claim, person: Person, check: Check): string | null {
  const gend = person.gend ?? null
  if (check.gend !== undefined && gend !== null && gend !== check.gend) return `限${SEX[check.gend]}性，参保人为${SEX[gend]}性`
  if ((check.min_years !== undefined || check.max_years !== undefined) && person.brdy !== null) {
    const age = ageAt(person.brdy, claim.begndate)
    if (age === null) return null
    if (check.min_years !== undefined && age.years < check.min_years) return `限 ${check.min_years} 岁及以上，参保人 ${age.years} 岁`
    if (check.max_years !== undefined && age.years > check.max_years) return `限 ${check.max_years} 岁及以下，参保人 ${age.years} 岁`
  }
  return null
}
