// Annual clearing stored like month-end (SPEC §6): one run per (year, pool), a draft replaced by the next run, a
// closed run final — a later run refuses (E_CLEARING_CLOSED) and nothing is written; each hospital's line is kept as
// its own report. The 周转金 cleared is the advance recorded at the start of the year (turnover.ts) unless the bureau
// states another (facts).
import type { ClearingPort } from '../ledger/clearing-port.js'
import type { Policy } from '../policy/types.js'
import type { Tables } from '../tables/types.js'
import { clearYear, type ClearingReport, type HospitalClearingFacts } from './annual-clearing.js'
import { settlementUnits } from './month-end.js'
import type { InvalidRun, LedgerDb, Pool } from './types.js'
import { vbpCodes, vbpSavings as vbpSavingsOf } from './vbp-saving.js'

export interface StoredClearingReport extends ClearingReport {
  readonly status: 'draft' | 'closed'
  readonly run_at: string
  readonly closed_at: string | null
}

export type ClearingRunOutcome =
  | { readonly status: 'ok'; readonly report: StoredClearingReport }
  | { readonly status: 'refused'; readonly code: 'E_CLEARING_CLOSED'; readonly closed_at: string; readonly message: string }
  | InvalidRun

export async function runClearing(
  ledger: LedgerDb, clearing: ClearingPort, tables: Tables, policy: Policy,
  q: { year: number; pool: Pool; fundFen: number; facts?: readonly HospitalClearingFacts[]; close: boolean; now?: () => Date },
): Promise<ClearingRunOutcome> {
  const refused = (closedAt: string): ClearingRunOutcome => ({
    status: 'refused', code: 'E_CLEARING_CLOSED', closed_at: closedAt,
    message: `annual clearing ${q.year} pool ${q.pool} was closed at ${closedAt}; a closed clearing cannot be run again`,
  })
  const prior = await clearing.getClearing(q.year, q.pool)
  if (prior?.status === 'closed') return refused(prior.closedAt ?? prior.runAt)
  const advances = new Map([...(await clearing.advances(q.year, q.pool)).values()].map((a) => [a.code, a.amountFen]))
  // a year with no advance recorded (a ledger from before 周转金 was issued here) keeps clearYear's estimate
  // 集采 savings kept (seed 001), per settlement unit
  const vbpSavings = vbpSavingsOf(tables, await clearing.vbpLineAmounts(q.year, q.pool, vbpCodes(tables)), settlementUnits(tables, policy))
  const out = await clearYear(ledger, tables, policy, {
    year: q.year, pool: q.pool, fundFen: q.fundFen, facts: q.facts ?? [], ...(advances.size > 0 ? { advances } : {}), vbpSavings,
  })
  if (out.status !== 'ok') return out
  const now = (q.now ?? (() => new Date()))().toISOString()
  const report: StoredClearingReport = { ...out.report, status: q.close ? 'closed' : 'draft', run_at: now, closed_at: q.close ? now : null }
  const hospitals = new Map(report.hospitals.map((h) => [h.fixmedins_code, JSON.stringify({
    year: report.year, pool: report.pool, status: report.status, point_value_yuan: report.point_value_yuan,
    reimbursement_ratio: report.reimbursement_ratio, hospital: h,
  })]))
  const saved = await clearing.saveClearing({
    year: q.year, pool: q.pool, status: report.status, fundFen: q.fundFen, runAt: now, closedAt: report.closed_at,
    reportJson: JSON.stringify(report),
  }, hospitals)
  // closed by another run between the check above and the save: nothing of this run was written
  if (saved === 'closed') return refused((await clearing.getClearing(q.year, q.pool))?.closedAt ?? now)
  return { status: 'ok', report }
}
