// 按人头 per-capita outpatient payment (seeds 000, 002, 004; SPEC §15). Per primary institution and month:
//   budget   = Σ over its contracted (签约) persons of per_capita[insutype].monthly_yuan
//   spending = the basic fund's outpatient payments (hifp_pay, reversals netted) for those persons ANYWHERE in the
//              region: care of a contracted person at another institution is charged to the contracting
//              institution's budget (the usual rule; the report lists it apart)
//   spending ≤ budget: the institution keeps a band-wise share of the surplus (结余留用)   → due = kept
//   spending > budget: the fund shares a band-wise part of the overspend (超支分担)        → due = −(overspend − shared)
// The fund already paid every visit item by item (to whichever institution treated it), so `due` is what the
// contracting institution is paid (+) or pays back (−) on top. Bands are marginal fractions of the budget, as in
// annual clearing (annual-clearing.ts bandShareFen).
import { fenToYuan, yuanToFen } from '../money.js'
import type { Policy } from '../policy/types.js'
import { bandShareFen } from '../settlement/annual-clearing.js'
import type { Person } from '../tables/types.js'

export type PerCapitaPolicy = NonNullable<Policy['per_capita']>

/** One person's outpatient basic-fund payments at one institution in the month (settlements − reversals), fen. */
export interface OutpatientSum {
  readonly psnNo: string
  readonly code: string
  readonly hifpFen: number
  readonly visits: number
}

export interface ElsewhereLine {
  readonly fixmedins_code: string
  readonly visits: number
  readonly hifp_yuan: number
}

export interface PerCapitaInstitution {
  readonly fixmedins_code: string
  readonly name: string
  readonly persons: number
  readonly budget_yuan: number
  readonly spending_yuan: number
  readonly spending_own_yuan: number
  /** Care of its contracted persons at other institutions, charged to this budget. */
  readonly spending_elsewhere_yuan: number
  readonly elsewhere: readonly ElsewhereLine[]
  readonly surplus_yuan: number
  readonly surplus_kept_yuan: number
  readonly overspend_yuan: number
  readonly overspend_shared_yuan: number
  /** > 0 the fund pays the institution; < 0 the institution pays back. */
  readonly settlement_yuan: number
  readonly note: string
}

export const ELSEWHERE_NOTE = '签约参保人在其他定点机构的门诊统筹费用计入本机构按人头预算 (outpatient care of contracted persons at other institutions is charged to this institution\'s per-capita budget)'

/** The month's institutions (those with contracted persons of a configured insutype), by code. */
export function settlePerCapita(persons: Iterable<Person>, sums: readonly OutpatientSum[], pc: PerCapitaPolicy,
  names: (code: string) => string): PerCapitaInstitution[] {
  const contractOf = new Map<string, string>()
  const inst = new Map<string, { persons: number; budgetFen: number; ownFen: number; elsewhere: Map<string, { visits: number; fen: number }> }>()
  for (const p of persons) {
    const rule = pc[p.insutype]
    if (p.contractFixmedins === undefined || rule === undefined) continue
    contractOf.set(p.psnNo, p.contractFixmedins)
    const i = inst.get(p.contractFixmedins) ?? { persons: 0, budgetFen: 0, ownFen: 0, elsewhere: new Map() }
    i.persons++
    i.budgetFen += yuanToFen(rule.monthly_yuan)
    inst.set(p.contractFixmedins, i)
  }
  for (const s of sums) {
    const code = contractOf.get(s.psnNo)
    if (code === undefined) continue
    const i = inst.get(code)!
    if (s.code === code) { i.ownFen += s.hifpFen; continue }
    const e = i.elsewhere.get(s.code) ?? { visits: 0, fen: 0 }
    e.visits += s.visits
    e.fen += s.hifpFen
    i.elsewhere.set(s.code, e)
  }
  const keep = pc.surplus_bands.map((b) => ({ up_to_ratio: b.up_to_ratio, share: b.keep_share }))
  const share = pc.overspend_bands.map((b) => ({ up_to_ratio: b.up_to_ratio, share: b.fund_share }))
  return [...inst.keys()].sort().map((code) => {
    const i = inst.get(code)!
    let elsewhereFen = 0
    for (const e of i.elsewhere.values()) elsewhereFen += e.fen
    const spendingFen = i.ownFen + elsewhereFen
    const surplus = Math.max(0, i.budgetFen - spendingFen)
    const overspend = Math.max(0, spendingFen - i.budgetFen)
    const kept = bandShareFen(surplus, i.budgetFen, keep)
    const shared = bandShareFen(overspend, i.budgetFen, share)
    const dueFen = surplus > 0 ? kept : -(overspend - shared)
    return {
      fixmedins_code: code, name: names(code), persons: i.persons, budget_yuan: fenToYuan(i.budgetFen),
      spending_yuan: fenToYuan(spendingFen), spending_own_yuan: fenToYuan(i.ownFen), spending_elsewhere_yuan: fenToYuan(elsewhereFen),
      elsewhere: [...i.elsewhere.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([c, e]) => ({ fixmedins_code: c, visits: e.visits, hifp_yuan: fenToYuan(e.fen) })),
      surplus_yuan: fenToYuan(surplus), surplus_kept_yuan: fenToYuan(kept), overspend_yuan: fenToYuan(overspend),
      overspend_shared_yuan: fenToYuan(shared), settlement_yuan: fenToYuan(dueFen), note: ELSEWHERE_NOTE,
    }
  })
}
