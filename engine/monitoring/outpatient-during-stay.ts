// M_OUTPATIENT_DURING_STAY (SPEC §14): an outpatient settlement dated strictly inside a settled, not reversed
// inpatient stay of the person, at any hospital (住院期间门诊结算: the stay's fees should cover it). A visit on the
// admission or the discharge day is not inside (stay-days.ts).
import type { MonitoringPolicy, MonitoringRule } from './types.js'
import { dateOf, overlapsStrictly } from './stay-days.js'

export const outpatientDuringStay: MonitoringRule<NonNullable<MonitoringPolicy['M_OUTPATIENT_DURING_STAY']>> = ({ claim, history }) => {
  if (claim.inpatient) return null
  for (const s of history.recentStays(claim.psnNo, claim.begnDay)) {
    if (overlapsStrictly(claim.begnDay, claim.endDay, s.begn_day, s.end_day)) {
      return { field: 'begndate', detail: `门诊就诊 ${claim.begndate} 在 ${s.fixmedins_code} 的住院 ${s.mdtrt_id}（${dateOf(s.begn_day)}至${dateOf(s.end_day)}）期间` }
    }
  }
  return null
}
