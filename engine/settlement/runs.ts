// Month-end runs as the ledger's reports port stores them (engine/ledger/reports-port.ts): one per (month, pool), a
// draft replaced by the next run, a closed run final. 特例单议: a hospital applies for a candidate of its own, the
// bureau decides; both are checked here against the discharge the ledger holds, then recorded through the port.
import type { Decision, Pool } from '../ledger/reports-port.js'
import { reportsOf, type LedgerDb, type MonthEndReport } from './types.js'

export async function storedReport(ledger: LedgerDb, month: string, pool: Pool): Promise<MonthEndReport | undefined> {
  const run = await reportsOf(ledger).getRun(month, pool)
  return run ? (JSON.parse(run.report_json) as MonthEndReport) : undefined
}

/** Why a setl_id cannot be applied for or decided on; undefined when it is a live 特例单议 candidate (of `code`). */
export type CaseRefusal = { readonly code: 'E_UNKNOWN_SETTLEMENT' | 'E_NOT_CANDIDATE' | 'E_FORBIDDEN'; readonly message: string }

async function candidateRefusal(ledger: LedgerDb, setlId: string, hospital?: string): Promise<CaseRefusal | undefined> {
  const f = await reportsOf(ledger).settlementFacts(setlId)
  if (f === undefined) return { code: 'E_UNKNOWN_SETTLEMENT', message: `${setlId} is not in the ledger` }
  if (hospital !== undefined && f.code !== hospital) return { code: 'E_FORBIDDEN', message: `${setlId} belongs to another hospital` }
  if (f.kind !== 'settlement' || f.reversed) return { code: 'E_NOT_CANDIDATE', message: `${setlId} is a reversal or reversed` }
  // a 4101A list regroups the stay (setl-lists.ts): its deviation is the list's
  const port = reportsOf(ledger)
  const listed = f.insutype === '310' || f.insutype === '390'
    ? (await port.setlListGroupings(f.month, f.insutype, await port.ledgerSeq())).find((g) => g.setlId === setlId)
    : undefined
  const deviation = listed?.dip.deviation ?? f.deviation
  // an episode's stay may be its case's candidate (the summed cost) whatever its own deviation
  if (deviation !== 'review' && !f.inEpisode) {
    return { code: 'E_NOT_CANDIDATE', message: `${setlId} is not a 特例单议 candidate (its deviation is ${deviation ?? 'none'})` }
  }
  return undefined
}

/** Record an expert decision on a 特例单议 candidate (seed 001: 特殊病例专家评议). */
export async function recordSpecialCaseDecision(
  ledger: LedgerDb, setlId: string, decision: Decision, note?: string, at = new Date(),
): Promise<{ readonly status: 'recorded' } | { readonly status: 'refused'; readonly refusal: CaseRefusal }> {
  const refusal = await candidateRefusal(ledger, setlId)
  if (refusal) return { status: 'refused', refusal }
  await reportsOf(ledger).decideSpecialCase(setlId, decision, note ?? null, at)
  return { status: 'recorded' }
}

/** A hospital applies for expert review of one of its candidates (the bureau then decides). */
export async function applyForSpecialCase(
  ledger: LedgerDb, setlId: string, hospital: string, note?: string, at = new Date(),
): Promise<{ readonly status: 'applied'; readonly applied_at: string } | { readonly status: 'refused'; readonly refusal: CaseRefusal }> {
  const refusal = await candidateRefusal(ledger, setlId, hospital)
  if (refusal) return { status: 'refused', refusal }
  const r = await reportsOf(ledger).applySpecialCase(setlId, hospital, note ?? null, at)
  return { status: 'applied', applied_at: r.applied_at }
}
