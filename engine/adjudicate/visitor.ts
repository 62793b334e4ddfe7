// SPEC §13 (异地就医, seed 002) — the policy a claim settles under. A person insured here: this region's policy. A
// visitor (persons.csv insuplc_admdvs, another region): this region's catalogue (就医地目录), alliance, DIP and
// month-end rules, with the insuring region's deductibles, ratios and caps (参保地政策) — the policy sections the
// benefit rules read (deductible.ts, basic-fund.ts, outpatient.ts, serious-illness.ts, assistance.ts). The insuring
// region's policy comes from the tables (sources other-regions/<admdvs>.json); a visitor whose region has none is
// refused, touching nothing.
import type { Policy } from '../policy/types.js'
import { reason, type Reason } from '../reasons.js'
import type { Person, Tables } from '../tables/types.js'

/** The 参保地 sections: what a visitor's insuring region decides. Everything else is the 就医地's. */
export const INSURING_REGION_SECTIONS = ['basic', 'outpatient', 'serious_illness', 'assistance'] as const

/** The person's insuring region when it is not this one (a visitor), else null. */
export function insuringRegionOf(person: Person): string | null {
  return person.insuplcAdmdvs ?? null
}

// built once per (this region's policy, the insuring region's policy): a claim only picks it
const merged = new WeakMap<Policy, WeakMap<Policy, Policy>>()

/** The policy this person's claims settle under, or the reason there is none. */
export function settlementPolicy(person: Person, own: Policy, tables: Tables): Policy | Reason[] {
  const admdvs = insuringRegionOf(person)
  if (admdvs === null) return own
  const home = tables.otherPolicies?.get(admdvs)
  if (home === undefined) {
    return [reason('E_UNKNOWN_INSURING_REGION', 'psn_no', `psn_no ${person.psnNo} is insured in ${admdvs}, whose policy the tables do not hold`)]
  }
  let byHome = merged.get(own)
  if (byHome === undefined) merged.set(own, byHome = new WeakMap())
  const known = byHome.get(home)
  if (known !== undefined) return known
  const policy = { ...own } as Record<string, unknown>
  for (const k of INSURING_REGION_SECTIONS) {
    if (home[k] === undefined) delete policy[k]
    else policy[k] = home[k]
  }
  const out = Object.freeze(policy) as Policy
  byHome.set(home, out)
  return out
}
