// M_OVERLAPPING_STAY (SPEC §14): an inpatient stay whose days overlap a settled, not reversed stay of the same person
// at another hospital — one person cannot lie in two hospitals at once (重复住院, 挂床). A transfer admitted on the
// day the other stay ended is no overlap (stay-days.ts).
import type { MonitoringPolicy, MonitoringRule } from './types.js'
import { dateOf, overlapsStrictly } from './stay-days.js'

export const overlappingStay: MonitoringRule<NonNullable<MonitoringPolicy['M_OVERLAPPING_STAY']>> = ({ claim, history }) => {
  if (!claim.inpatient) return null
  // a stay overlapping this one ended after its begndate: inside the history's scope (decide.ts claimScope)
  for (const s of history.recentStays(claim.psnNo, claim.begnDay)) {
    if (s.mdtrt_id === claim.mdtrtId || s.fixmedins_code === claim.hospitalCode) continue
    if (overlapsStrictly(claim.begnDay, claim.endDay, s.begn_day, s.end_day)) {
      return { field: 'begndate', detail: `与 ${s.fixmedins_code} 的住院 ${s.mdtrt_id}（${dateOf(s.begn_day)}至${dateOf(s.end_day)}）时间重叠` }
    }
  }
  return null
}
