// SPEC §15, seed 001 (改革参保职工个人账户) — a month's personal account credits: every 职工 (insutype 310) gets one.
//   in service: in_service_rate × the contribution base (persons.csv `contribution_base_yuan`), rounded half away
//               from zero to the fen; a person with no base given gets no credit (and is counted, so the report
//               says so rather than crediting 0 silently);
//   retired:    the policy's fixed retired_monthly_yuan (seed 001: 2 % of the region's 2021 average basic pension).
// Residents (390) have no personal account; a visitor (异地就医, SPEC §13) is credited by the insuring region, not here.
import { mulRatioFen, yuanToFen } from '../money.js'
import type { AccountCredit } from '../ledger/accounts-port.js'
import type { Policy } from '../policy/types.js'
import type { Person } from '../tables/types.js'

export interface MonthCredits {
  readonly credits: readonly AccountCredit[]
  /** In-service 职工 without a contribution base: not credited. */
  readonly withoutBase: readonly string[]
}

type AccountPolicy = NonNullable<Policy['personal_account']>

export function monthCredits(persons: Iterable<Person>, rule: AccountPolicy): MonthCredits {
  const credits: AccountCredit[] = []
  const withoutBase: string[] = []
  const retiredFen = yuanToFen(rule.retired_monthly_yuan)
  for (const p of persons) {
    if (p.insutype !== '310' || (p.insuplcAdmdvs ?? null) !== null) continue
    if (p.psnKind === 'retired') {
      credits.push({ psnNo: p.psnNo, amountFen: retiredFen, kind: 'retired' })
    } else if (p.contributionBaseFen === undefined) {
      withoutBase.push(p.psnNo)
    } else {
      credits.push({ psnNo: p.psnNo, amountFen: mulRatioFen(p.contributionBaseFen, rule.in_service_rate), kind: 'in_service' })
    }
  }
  return { credits, withoutBase }
}
