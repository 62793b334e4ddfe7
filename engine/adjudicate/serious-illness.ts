// SPEC §3 step 5, §9 — serious-illness insurance (大病保险 for 390, 职工大额 for 310). Its base is the in-scope amount
// the basic fund did not pay (deductible, co-payment, above the cap), accumulated over the year. Tier ratios apply to
// the parts of that running total above deductible + above_yuan; capped by what is left of the year's cap.
// Poverty population (seed 004): deductible × factor, every ratio + ratio_add, no cap when no_cap.
//
// This claim pays the tiered amount of ITS OWN segment of the running total (from the year's base before it to the
// base after it), cut at each tier boundary and rounded once per segment — so the year's payments are the sum of
// rounded parts, never a re-rounded total.
import { PPM, mulPpmFen, mulRatioFen, ratioToPpm, yuanToFen } from '../money.js'
import type { Working } from './working.js'

export function seriousIllness(w: Working): undefined {
  const si = w.policy.serious_illness[w.claim.insutype]
  const poverty = w.person.poverty ? si.poverty : undefined
  const deductibleFen = poverty
    ? mulRatioFen(yuanToFen(si.deductible_yuan), poverty.deductible_factor)
    : yuanToFen(si.deductible_yuan)
  const addPpm = poverty ? ratioToPpm(poverty.ratio_add) : 0

  w.seriousBaseAddFen = w.inscpFen - w.hifpFen
  const beforeFen = w.year.serious_base_fen
  const afterFen = beforeFen + w.seriousBaseAddFen
  let payFen = 0
  si.tiers.forEach((tier, i) => {
    const next = si.tiers[i + 1]
    const loFen = deductibleFen + yuanToFen(tier.above_yuan)
    const hiFen = next ? deductibleFen + yuanToFen(next.above_yuan) : Infinity
    const segmentFen = Math.min(afterFen, hiFen) - Math.max(beforeFen, loFen)
    if (segmentFen > 0) payFen += mulPpmFen(segmentFen, Math.min(PPM, ratioToPpm(tier.ratio) + addPpm))
  })
  if (!poverty?.no_cap) payFen = Math.min(payFen, Math.max(0, yuanToFen(si.annual_cap_yuan) - w.year.serious_paid_fen))
  w.seriousFen = payFen
  return undefined
}
