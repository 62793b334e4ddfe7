// M_OUTPATIENT_DURING_STAY (SPEC §14): an outpatient settlement dated strictly inside an inpatient stay of the same
// person, at any hospital (住院期间门诊结算: the stay's fees should cover it). A visit on the admission or the
// discharge day is not inside (stay-days.ts). Either may settle first, and the one settled second is flagged: a visit
// during a settled stay, or — the usual order, the stay settling at discharge — a stay during settled visits.
import type { Claim } from '../claim.js'
import type { History } from '../history.js'
import type { Finding, MonitoringPolicy, MonitoringRule } from './types.js'
import { dateOf, overlapsStrictly } from './stay-days.js'

export const outpatientDuringStay: MonitoringRule<NonNullable<MonitoringPolicy['M_OUTPATIENT_DURING_STAY']>> = ({ claim, history }) =>
  claim.inpatient ? visitsDuringThisStay(claim, history) : stayDuringThisVisit(claim, history)

function stayDuringThisVisit(claim: Claim, history: History): Finding | null {
  for (const s of history.recentStays(claim.psnNo, claim.begnDay)) {
    if (overlapsStrictly(claim.begnDay, claim.endDay, s.begn_day, s.end_day)) {
      return { field: 'begndate', detail: `门诊就诊 ${claim.begndate} 在 ${s.fixmedins_code} 的住院 ${s.mdtrt_id}（${dateOf(s.begn_day)}至${dateOf(s.end_day)}）期间` }
    }
  }
  return null
}

function visitsDuringThisStay(claim: Claim, history: History): Finding | null {
  // a visit inside the stay ended after its begndate: inside the history's scope (decide.ts claimScope)
  const inside = history.outpatientVisits(claim.psnNo, claim.begnDay)
    .filter((v) => overlapsStrictly(v.begn_day, v.end_day, claim.begnDay, claim.endDay))
  if (inside.length === 0) return null
  // the earliest visit is named (then by mdtrt_id: the same detail whatever order the ledger read them in)
  const first = inside.reduce((a, b) => (b.begn_day < a.begn_day || (b.begn_day === a.begn_day && b.mdtrt_id < a.mdtrt_id) ? b : a))
  return {
    field: 'begndate',
    detail: `住院（${claim.begndate}至${claim.enddate}）期间有 ${inside.length} 次门诊结算，最早为 ${first.fixmedins_code} 的门诊 ${first.mdtrt_id}（${dateOf(first.begn_day)}）`,
  }
}
