// M_FEE_OUTSIDE_STAY (SPEC §14): a fee line dated (fee_ocur_time) before begndate or after enddate — charged to a
// stay or visit it did not happen in. Undated lines cannot be judged.
import { dateOf } from './stay-days.js'
import type { MonitoringPolicy, MonitoringRule } from './types.js'

export const feeOutsideStay: MonitoringRule<NonNullable<MonitoringPolicy['M_FEE_OUTSIDE_STAY']>> = ({ claim }) => {
  let first = -1
  let count = 0
  for (let i = 0; i < claim.fees.length; i++) {
    const day = claim.fees[i]!.day
    if (day === undefined || (day >= claim.begnDay && day <= claim.endDay)) continue
    if (first < 0) first = i
    count++
  }
  if (first < 0) return null
  const fee = claim.fees[first]!
  return {
    field: `fees[${first}].fee_ocur_time`,
    detail: `费用 ${fee.feedetlSn} 发生于 ${dateOf(fee.day!)}，不在 ${claim.begndate} 至 ${claim.enddate} 内${count > 1 ? `（共 ${count} 条）` : ''}`,
  }
}
