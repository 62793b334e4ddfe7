// SPEC §3 step 6, §9 — medical assistance (医疗救助) for eligible persons: ratio × the in-scope amount still left to
// the person after the basic fund and serious-illness insurance, within what is left of its annual cap (seed 001:
// raised to 10 万). Pays into maf_pay (setldetail 610100).
import { mulRatioFen, yuanToFen } from '../money.js'
import type { Working } from './working.js'

export function assistance(w: Working): undefined {
  if (!w.person.assistance) return undefined
  const a = w.policy.assistance
  const leftFen = w.inscpFen - w.hifpFen - w.seriousFen
  const capLeftFen = Math.max(0, yuanToFen(a.annual_cap_yuan) - w.year.maf_paid_fen)
  w.mafFen = Math.min(mulRatioFen(leftFen, a.ratio), capLeftFen)
  return undefined
}
