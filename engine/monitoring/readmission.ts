// M_READMISSION (SPEC §14): a stay at the same hospital, main diagnosis in the same 3-character category, admitted
// within window_days after an earlier settled, not reversed stay of the person ended (分解住院). The stay named by
// referral_from is the same episode (医共体 双向转诊, SPEC §3 step 3), not a readmission.
import { dateOf } from './stay-days.js'
import type { MonitoringPolicy, MonitoringRule } from './types.js'

export const readmission: MonitoringRule<NonNullable<MonitoringPolicy['M_READMISSION']>> = ({ claim, history }, params) => {
  if (!claim.inpatient) return null
  const since = claim.begnDay - params.window_days
  const category = claim.mainDx.slice(0, 3)
  for (const s of history.recentStays(claim.psnNo, since)) {
    if (s.mdtrt_id === claim.mdtrtId || s.mdtrt_id === claim.referralFrom) continue
    if (s.fixmedins_code !== claim.hospitalCode || s.dx_category.toUpperCase() !== category) continue
    if (s.end_day <= claim.begnDay) {
      return { field: 'begndate', detail: `${dateOf(s.end_day)} 出院的同类（${category}）住院 ${s.mdtrt_id} 后 ${claim.begnDay - s.end_day} 天再入院` }
    }
  }
  return null
}
