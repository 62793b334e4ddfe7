// SPEC §3 step 3, §9 — the inpatient deductible (起付线) by insutype × hospital level × nth admission of the year:
// due = deductible × factor[min(n, len) − 1]; a stay merged into an alliance episode is charged only what its own
// level's due exceeds the deductible already charged in the episode (upward transfer: the difference; downward:
// nothing). act_pay_dedc = min(due, in scope).
import { mulRatioFen, yuanToFen } from '../money.js'
import { assert, levelKey, type Working } from './working.js'

export function deductible(w: Working): undefined {
  const { episode } = w
  assert(episode !== null, 'allianceEpisode runs before deductible')
  const basic = w.policy.basic[w.claim.insutype]
  const levelFen = yuanToFen(basic.deductible_yuan[levelKey(w.hospital.level)])
  const factors = basic.nth_admission_deductible_factor
  const factor = factors[Math.min(episode.n, factors.length) - 1]
  assert(factor !== undefined, 'the policy schema requires at least one nth-admission factor')
  const dueFen = Math.max(0, mulRatioFen(levelFen, factor) - episode.priorDedcFen)
  w.actPayDedcFen = Math.min(dueFen, w.inscpFen)
  return undefined
}
