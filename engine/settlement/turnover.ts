// 周转金 (seed 001: 年初预付、年底清算; SPEC §6): at the start of a year each settlement unit of a pool is advanced
// `annual_clearing.turnover_advance_months` × its prior year's average monthly payout (the closed month-end runs of
// the prior year), recorded once (clearing-port.ts issueAdvances), shown in that year's month-end reports, and
// subtracted at the year's annual clearing.
import type { ClearingPort, TurnoverAdvance } from '../ledger/clearing-port.js'
import type { Policy } from '../policy/types.js'
import type { Tables } from '../tables/types.js'
import { turnoverAdvanceFen } from './annual-clearing.js'
import { settlementUnits } from './month-end.js'
import { invalidRun, reportsOf, type InvalidRun, type LedgerDb, type Pool } from './types.js'

/** Each unit's advance for `year` from the prior year's closed payouts (units with no payout get none). */
export async function computeAdvances(ledger: LedgerDb, tables: Tables, policy: Policy, year: number, pool: Pool): Promise<TurnoverAdvance[] | InvalidRun> {
  const cp = policy.annual_clearing
  if (!cp) return invalidRun('policy.annual_clearing', 'the policy has no annual_clearing section (turnover_advance_months)')
  const unitOf = settlementUnits(tables, policy)
  const prior = new Map<string, number>()
  for (const p of await reportsOf(ledger).closedPayouts(pool, [year - 1])) {
    const u = unitOf(p.code)
    prior.set(u, (prior.get(u) ?? 0) + p.payoutFen)
  }
  return [...prior.keys()].sort().map((code) => {
    const priorFen = prior.get(code) as number
    // a unit clawed back over the year (negative payouts) is advanced nothing
    return { code, priorPayoutsFen: priorFen, amountFen: Math.max(0, turnoverAdvanceFen(priorFen, cp.turnover_advance_months)) }
  })
}

/** Issue the year's advances once: units already issued are left as they were. */
export async function issueAdvances(ledger: LedgerDb, clearing: ClearingPort, tables: Tables, policy: Policy,
  year: number, pool: Pool, at = new Date()): Promise<{ readonly issued: number; readonly issuedFen: number; readonly already: number } | InvalidRun> {
  const list = await computeAdvances(ledger, tables, policy, year, pool)
  if (!Array.isArray(list)) return list
  return clearing.issueAdvances(year, pool, list, at)
}
