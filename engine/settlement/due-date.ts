// 支付期限 (SPEC §6; seed 001: 结算后 20 个工作日内拨付): a closed run's payment due date is the policy's
// month_end.payment_due_working_days working days after the day of the close, on the region's calendar — Monday to
// Friday, less the policy's public holidays, plus the weekend days that are worked (调休, calendar.working_weekend_days).
import type { Policy } from '../policy/types.js'

const DAY_MS = 86_400_000

export function isWorkingDay(date: string, calendar: Policy['calendar']): boolean {
  if (calendar?.working_weekend_days.includes(date) === true) return true
  if (calendar?.holidays.includes(date) === true) return false
  const weekday = new Date(date + 'T00:00:00Z').getUTCDay()
  return weekday !== 0 && weekday !== 6
}

/** The nth working day after `date` (YYYY-MM-DD; the close's own day does not count). */
export function addWorkingDays(date: string, n: number, calendar: Policy['calendar']): string {
  let t = Date.parse(date + 'T00:00:00Z')
  for (let left = n; left > 0;) {
    t += DAY_MS
    if (isWorkingDay(new Date(t).toISOString().slice(0, 10), calendar)) left -= 1
  }
  return new Date(t).toISOString().slice(0, 10)
}

/** The due date of a run closed at `closedAt` (ISO time; its UTC day), or undefined when the policy sets no term. */
export function paymentDueDate(closedAt: string, policy: Policy): string | undefined {
  const n = policy.month_end.payment_due_working_days
  return n === undefined ? undefined : addWorkingDays(closedAt.slice(0, 10), n, policy.calendar)
}
