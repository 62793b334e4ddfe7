// 按人头 per-capita runs stored like month-end (SPEC §15, §6): one per month, a draft replaced by the next run, a
// closed run final (a later run refuses, E_PER_CAPITA_CLOSED, nothing written); one report per institution.
import type { PerCapitaPort } from '../ledger/percapita-port.js'
import { fenToYuan, yuanToFen } from '../money.js'
import type { Policy } from '../policy/types.js'
import type { Tables } from '../tables/types.js'
import { settlePerCapita, type PerCapitaInstitution } from './settle.js'

export interface PerCapitaReport {
  readonly month: string
  readonly status: 'draft' | 'closed'
  readonly run_at: string
  readonly closed_at: string | null
  readonly budget_yuan: number
  readonly spending_yuan: number
  readonly settlement_yuan: number
  readonly institutions: readonly PerCapitaInstitution[]
}

export type PerCapitaOutcome =
  | { readonly status: 'ok'; readonly report: PerCapitaReport }
  | { readonly status: 'refused'; readonly code: 'E_PER_CAPITA_CLOSED'; readonly message: string }
  | { readonly status: 'invalid'; readonly field: string; readonly message: string }

export async function runPerCapita(port: PerCapitaPort, tables: Tables, policy: Policy,
  q: { month: string; close: boolean; now?: () => Date }): Promise<PerCapitaOutcome> {
  const pc = policy.per_capita
  if (pc === undefined) return { status: 'invalid', field: 'policy.per_capita', message: 'the policy has no per_capita section' }
  const refused = (at: string): PerCapitaOutcome => ({
    status: 'refused', code: 'E_PER_CAPITA_CLOSED', message: `per-capita ${q.month} was closed at ${at}; a closed month cannot be run again`,
  })
  const prior = await port.getPerCapita(q.month)
  if (prior?.status === 'closed') return refused(prior.closedAt ?? prior.runAt)
  const institutions = settlePerCapita(tables.persons.values(), await port.outpatientSums(q.month), pc,
    (code) => tables.hospitals.get(code)?.name ?? '')
  const now = (q.now ?? (() => new Date()))().toISOString()
  // totals in fen from the lines' yuan (each exact to the fen), shown once
  const sum = (f: (i: PerCapitaInstitution) => number): number => fenToYuan(institutions.reduce((a, i) => a + yuanToFen(f(i)), 0))
  const report: PerCapitaReport = {
    month: q.month, status: q.close ? 'closed' : 'draft', run_at: now, closed_at: q.close ? now : null,
    budget_yuan: sum((i) => i.budget_yuan), spending_yuan: sum((i) => i.spending_yuan), settlement_yuan: sum((i) => i.settlement_yuan),
    institutions,
  }
  const saved = await port.savePerCapita({ month: q.month, status: report.status, runAt: now, closedAt: report.closed_at, reportJson: JSON.stringify(report) },
    new Map(institutions.map((i) => [i.fixmedins_code, JSON.stringify({ month: q.month, status: report.status, institution: i })])))
  if (saved === 'closed') return refused((await port.getPerCapita(q.month))?.closedAt ?? now)
  return { status: 'ok', report }
}
