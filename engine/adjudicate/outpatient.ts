// Outpatient claims (med_type 11 普通门诊, 14 门诊慢特病): the basic fund under policy.outpatient[med_type][insutype] —
// a deductible per year accumulated over the year's visits (op_dedc_fen), ratio by person kind × level, and an
// annual cap on what the outpatient fund paid this year (op_hifp_paid_fen). 门诊慢特病 pays only an eligible disease
// and keeps its own deductible and cap accumulators (chronic-disease.ts). No DIP. A missing section rejects the
// claim (E_NO_OUTPATIENT_POLICY): the region has not said how to pay it.
//
// Choice: outpatient claims are not in the serious-illness base nor paid by assistance (the policy gives them no
// rule); the personal account applies as for inpatients.
import { mulRatioFen, yuanToFen } from '../money.js'
import { reason, type Reason } from '../reasons.js'
import { noRatio, ratioFor } from './basic-fund.js'
import { levelKey, type Working } from './working.js'
import { chronicDiseaseOf, isChronicClaim } from './chronic-disease.js'

export function outpatientFund(w: Working): readonly Reason[] | undefined {
  const medType = w.claim.medType === '11' || w.claim.medType === '14' ? w.claim.medType : undefined
  const rule = medType ? w.policy.outpatient?.[medType]?.[w.claim.insutype] : undefined
  if (!rule) {
    return [reason('E_NO_OUTPATIENT_POLICY', 'med_type',
      `the policy has no outpatient rule for med_type ${w.claim.medType} and insutype ${w.claim.insutype}`)]
  }
  let capFen = yuanToFen(rule.annual_cap_yuan)
  let usedDedcFen = w.year.op_dedc_fen
  let paidFen = w.year.op_hifp_paid_fen
  if (isChronicClaim(w.claim)) {
    // 门诊慢特病: an eligible disease only, and its own accumulators (chronic-disease.ts)
    const disease = chronicDiseaseOf(w.claim.mainDx, w.policy)
    if (disease === undefined) {
      return [reason('E_CHRONIC_DISEASE', 'diagnoses', `the main diagnosis ${w.claim.mainDx} is not an eligible 门诊慢特病 of the policy (outpatient.chronic_diseases)`)]
    }
    capFen = Math.min(capFen, yuanToFen(disease.annual_cap_yuan))
    usedDedcFen = w.year.chronic_dedc_fen
    paidFen = w.year.chronic_hifp_paid_fen
  }
  const ratio = ratioFor(rule.ratio, w.person.psnKind, w.hospital.level)
  if (ratio === undefined) return noRatio(w)
  const dueFen = Math.max(0, yuanToFen(rule.deductible_yuan[levelKey(w.hospital.level)]) - usedDedcFen)
  w.actPayDedcFen = Math.min(dueFen, w.inscpFen)
  const payFen = mulRatioFen(w.inscpFen - w.actPayDedcFen, ratio)
  w.hifpFen = Math.min(payFen, Math.max(0, capFen - paidFen))
  return undefined
}
