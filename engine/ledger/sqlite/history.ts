// History reads of the SQLite ledger: the per-person snapshot decide() consults (one read of accumulators, live
// stays and version), the msgid's first answer, and the single lookups (5206, a settlement by setl_id).
import { HistorySnapshot, ZERO_YEAR } from '../../history.js'
import type { HistoryScope, LiveStay, OutpatientVisit, PersonYear, StayRecord } from '../../history.js'
import type { AdjudicationResult } from '../../result.js'
import { storedAnswer } from '../codec.js'
import type { ClaimHistory } from '../port.js'
import type { PriorAnswer } from '../outcome.js'
import type { Statements } from './statements.js'
import { regionYearsOf } from './cross-region.js'

type StayRow = StayRecord & { readonly act_pay_dedc_fen: number; readonly seq: number }

/** The person's snapshot and the msgid's first answer; the caller holds one read transaction around it. */
export function readClaimHistory(st: Statements, psnNo: string, msgid: string | undefined, scope?: HistoryScope): ClaimHistory {
  const prior = msgid === undefined || msgid === '' ? undefined : answerOfMsgid(st, msgid)
  const version = st.personVersion.get(psnNo) as number
  const years = new Map<number, PersonYear>()
  for (const r of st.personYears.all(psnNo) as (PersonYear & { year: number })[]) {
    const { year, ...y } = r
    years.set(year, y)
  }
  const rows = (scope === undefined ? st.liveStays.all(psnNo)
    : st.liveStaysInScope.all({ psn: psnNo, since: scope.sinceDay, ids: JSON.stringify(scope.mdtrtIds) })) as StayRow[]
  const stays: LiveStay[] = rows.map(({ act_pay_dedc_fen, seq, ...stay }) => ({ stay, dedcFen: act_pay_dedc_fen, seq }))
  // the outpatient visits of the scope's days (a stay settled after them is checked against them, SPEC §14)
  const visits = st.liveVisitsSince.all(psnNo, scope === undefined ? Number.MIN_SAFE_INTEGER : scope.sinceDay) as OutpatientVisit[]
  // a visitor's accumulators kept per insuring region (SPEC §13)
  const regionYears = regionYearsOf(st.personVersion.database, psnNo)
  const accountCreditsFen = st.accountCredits.get(psnNo) as number
  return {
    history: new HistorySnapshot({
      psnNo, version, years, stays, visits, accountCreditsFen, ...(regionYears.size > 0 ? { regionYears } : {}), ...(scope !== undefined ? { scope } : {}),
    }),
    prior,
  }
}

export function answerOfMsgid(st: Statements, msgid: string): PriorAnswer | undefined {
  const row = st.byMsgid.get(msgid) as { setl_id: string; body_hash: string; result_json: string } | undefined
  return row === undefined ? undefined : { bodyHash: row.body_hash, result: settlementAnswer(st, row.setl_id, row.result_json) }
}

export function settlementAnswer(st: Statements, setlId: string, resultJson: string): AdjudicationResult {
  return storedAnswer(resultJson, st.linesOf.get(setlId) as string | undefined)
}

export function personYear(st: Statements, psnNo: string, year: number): PersonYear {
  return (st.personYear.get(psnNo, year) as PersonYear | undefined) ?? ZERO_YEAR
}
