// The length of a stay as DIP counts it (per-diem points, 低标入院, long stay): enddate − begndate, at least 1 day
// (a same-day discharge is one bed day).
import type { Claim } from '../claim.js'

export function stayDays(claim: Pick<Claim, 'begnDay' | 'endDay'>): number {
  return Math.max(1, claim.endDay - claim.begnDay)
}
