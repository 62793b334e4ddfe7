// M_QTY_PER_DAY (SPEC §14): the quantity of a kind of item on one day above the policy's limit (e.g. more than 24
// hours of nursing a day). Lines with a fee_ocur_time count on their day; undated lines count over the stay, against
// the limit × its calendar days (begndate to enddate, both included). Quantities are integer 1/10,000 (claim.ts).
import type { Claim } from '../claim.js'
import { startsWithAny } from './code-prefix.js'
import { dateOf } from './stay-days.js'
import type { Finding, MonitoringPolicy, MonitoringRule } from './types.js'

type Limit = NonNullable<MonitoringPolicy['M_QTY_PER_DAY']>['limits'][number]

const QTY_E4 = 10_000

export const qtyPerDay: MonitoringRule<NonNullable<MonitoringPolicy['M_QTY_PER_DAY']>> = ({ claim }, params) => {
  for (const limit of params.limits) {
    const f = overLimit(claim, limit)
    if (f !== null) return f
  }
  return null
}

function overLimit(claim: Claim, limit: Limit): Finding | null {
  // the policy's limit has at most the claim's precision in practice; rounded once to the claim's unit
  const maxE4 = Math.round(limit.max_per_day * QTY_E4)
  let byDay: Map<number, { qtyE4: number; first: number }> | undefined
  let undatedE4 = 0
  let firstUndated = -1
  for (let i = 0; i < claim.fees.length; i++) {
    const fee = claim.fees[i]!
    if (!startsWithAny(fee.code, limit.code_prefixes)) continue
    if (fee.day === undefined) {
      undatedE4 += fee.qtyE4
      if (firstUndated < 0) firstUndated = i
      continue
    }
    byDay ??= new Map()
    const d = byDay.get(fee.day) ?? { qtyE4: 0, first: i }
    d.qtyE4 += fee.qtyE4
    byDay.set(fee.day, d)
  }
  for (const [day, d] of byDay ?? []) {
    if (d.qtyE4 > maxE4) {
      return { field: `fees[${d.first}].qty`, detail: `${limit.name} ${dateOf(day)} 数量 ${d.qtyE4 / QTY_E4} 超过每日上限 ${limit.max_per_day}` }
    }
  }
  const days = claim.endDay - claim.begnDay + 1
  if (undatedE4 > maxE4 * days) {
    return { field: `fees[${firstUndated}].qty`, detail: `${limit.name} 数量 ${undatedE4 / QTY_E4} 超过 ${days} 天 × 每日上限 ${limit.max_per_day}` }
  }
  return null
}
