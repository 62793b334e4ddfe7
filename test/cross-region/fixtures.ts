// 异地就医 fixtures (SPEC §13): the hand-made tables of test/fixtures/claims.ts plus a visitor insured in a
// neighbouring region (admdvs 150400) whose policy differs from this region's in every benefit number — and in its
// catalogue setting, which a visitor must NOT take (就医地目录).
import type { Policy } from '../../engine/policy/types.js'
import { validatePolicy } from '../../engine/policy/validate.js'
import type { Person, Tables } from '../../engine/tables/types.js'
import { makePolicy, makeTables, PERSONS, POLICY } from '../fixtures/claims.js'
import { specPolicyDoc } from '../fixtures/spec-policy.js'

export const HOME = '150400'
export const OWN = '150200'
/** A visitor: a resident insured in HOME; and a 职工 one. */
export const V = { RESIDENT: 'PV01', WORKER: 'PV02' } as const

/**
 * The insuring region's policy: 390 deductible 1,000 at level 3, resident ratio 0.6 at level 3, cap 150,000; 大病
 * 390 deductible 10,000, one tier at 0.5; assistance 0.5; catalogue default 先行自付 0.5 (never used for a visitor).
 */
export function homePolicyDoc(): ReturnType<typeof specPolicyDoc> & { admdvs: string } {
  const d = specPolicyDoc()
  d.region = 'neighbour'
  d.basic['390'].deductible_yuan = { '1': 300, '2': 600, '3': 1000 }
  d.basic['390'].ratio = { resident: { '1': 0.85, '2': 0.75, '3': 0.6 } }
  d.basic['390'].annual_cap_yuan = 150000
  d.serious_illness['390'].deductible_yuan = 10000
  d.serious_illness['390'].tiers = [{ above_yuan: 0, ratio: 0.5 }]
  d.assistance.ratio = 0.5
  d.catalogue.default_selfpay_prop = 0.5
  return { ...d, admdvs: HOME }
}

export const HOME_POLICY: Policy = (() => {
  const v = validatePolicy(homePolicyDoc())
  if (!v.ok) throw new Error('home policy invalid: ' + JSON.stringify(v.problems))
  return v.policy
})()

export const OWN_POLICY: Policy = makePolicy((p) => { (p as Record<string, unknown>)['admdvs'] = OWN })

const visitor = (psnNo: string, of: Person): Person => ({ ...of, psnNo, insuplcAdmdvs: HOME })

export function crossRegionTables(policy: Policy = OWN_POLICY): Tables {
  const base = makeTables(policy)
  const persons = new Map(base.persons)
  persons.set(V.RESIDENT, visitor(V.RESIDENT, PERSONS.find((p) => p.psnNo === 'PR01') as Person))
  persons.set(V.WORKER, visitor(V.WORKER, PERSONS.find((p) => p.psnNo === 'PE01') as Person))
  return { ...base, persons, otherPolicies: new Map([[HOME, HOME_POLICY]]) }
}

export { POLICY }
