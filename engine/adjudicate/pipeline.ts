// The order the rules run in (SPEC §3), top to bottom. validate.ts runs before them: it turns the claim body into
// the parsed claim, the hospital and the person the rules work on (step 1). DIP grouping (step 9) runs after, in
// index.ts, on the parsed claim; recording (step 10) is the ledger's.
import { allianceEpisode } from './alliance.js'
import { assistance } from './assistance.js'
import { basicFund } from './basic-fund.js'
import { classifyLines } from './catalogue.js'
import { deductible } from './deductible.js'
import { outpatientFund } from './outpatient.js'
import { personalAccount } from './personal-account.js'
import { seriousIllness } from './serious-illness.js'
import { split } from './split.js'
import type { Rule } from './working.js'

/** Inpatient (med_type 2x): steps 2–8. */
export const inpatientRules: readonly Rule[] = [
  classifyLines,    // 2  catalogue per line: 全自费, 超限价, 先行自付, in scope
  allianceEpisode,  // 3a 医共体: does this stay merge into an earlier one?
  deductible,       // 3b 起付线 by insutype × level × nth admission
  basicFund,        // 4  统筹基金, within the annual cap
  seriousIllness,   // 5  大病保险 / 职工大额, tiered on the year's base
  assistance,       // 6  医疗救助
  personalAccount,  // 7  个人账户 (职工)
  split,            // 8  setlinfo + setldetail, invariants
]

/** Outpatient (med_type 11, 14): catalogue, the outpatient fund, personal account, split. */
export const outpatientRules: readonly Rule[] = [
  classifyLines,
  outpatientFund,
  personalAccount,
  split,
]
