// Adjudicate one claim (SPEC §3): validate → the rules of pipeline.ts → DIP grouping (inpatient) → the Settlement,
// with what it adds to the person's year (accum) and the stay later claims will see. Pure: a function of (body,
// tables, policy, history); it records nothing. Outcomes are data; only a bug throws.
import type { Claim } from '../claim.js'
import { groupClaim } from '../grouping/index.js'
import { reason } from '../reasons.js'
import type { AccumDelta, Settlement } from '../result.js'
import { inpatientRules, outpatientRules } from './pipeline.js'
import type { AdjudicationContext, Outcome } from './types.js'
import { validateClaim } from './validate.js'
import { isChronicClaim } from './chronic-disease.js'
import { assert, startWorking, type Working } from './working.js'
import { monitor } from '../monitoring/index.js'
import { insuringRegionOf, settlementPolicy } from './visitor.js'

export { parseClaim } from './validate.js'

/** Adjudicate one claim body against the history in ctx; pure, records nothing. */
export function adjudicate(input: unknown, ctx: AdjudicationContext): Outcome {
  const v = validateClaim(input, ctx.tables, { maxStayDays: ctx.policy.dip.max_stay_days })
  if (v.status === 'rejected') return v
  const { claim } = v
  if (ctx.history.stay(claim.psnNo, claim.mdtrtId) !== undefined) {
    return { status: 'rejected', msgid: claim.msgid, reasons: [reason('E_MDTRT_SETTLED', 'mdtrt_id')] }
  }

  // 智能监控 (SPEC §14): a block rejects before any money is computed; warn flags go with the settlement
  const monitoring = monitor(claim, v.person, ctx.history, ctx.policy)
  if (monitoring.blocked.length > 0) return { status: 'rejected', msgid: claim.msgid, reasons: monitoring.blocked }

  // 异地就医 (SPEC §13): a visitor settles under the insuring region's benefit sections
  const region = insuringRegionOf(v.person)
  const policy = settlementPolicy(v.person, ctx.policy, ctx.tables)
  if (Array.isArray(policy)) return { status: 'rejected', msgid: claim.msgid, reasons: policy }
  const w = startWorking(claim, ctx, v.hospital, v.person, policy)
  for (const rule of claim.inpatient ? inpatientRules : outpatientRules) {
    const reasons = rule(w)
    if (reasons !== undefined) return { status: 'rejected', msgid: claim.msgid, reasons }
  }
  assert(w.setlinfo !== null, 'split runs last')

  const settlement: Settlement = {
    claim,
    setlinfo: w.setlinfo,
    setldetail: w.setldetail,
    lines: w.lines,
    dip: claim.inpatient
      ? groupClaim(claim, ctx, {
        known: { hospital: w.hospital, mergedEpisodeId: w.episode?.merged === true ? w.episode.id : null, brdy: w.person.brdy },
      })
      : null,
    accum: accumDelta(w),
    stay: claim.inpatient ? stayOf(claim, w) : null,
    monitoring: monitoring.flags,
    ...(region !== null ? { insuplcAdmdvs: region } : {}),
  }
  return { status: 'ok', settlement }
}

/** What this claim adds to the person's year accumulators (a reversal subtracts it). */
function accumDelta(w: Working): AccumDelta {
  const inpatient = w.claim.inpatient
  // 门诊慢特病 has its own deductible and cap, apart from 门诊统筹 (outpatient.ts)
  const chronic = isChronicClaim(w.claim)
  return {
    // an alliance-merged stay is the same admission as the one it merges into
    admissions: inpatient && w.episode?.merged === false ? 1 : 0,
    hifp_paid_fen: inpatient ? w.hifpFen : 0,
    serious_base_fen: w.seriousBaseAddFen,
    serious_paid_fen: w.seriousFen,
    maf_paid_fen: w.mafFen,
    acct_paid_fen: w.acctFen,
    op_dedc_fen: inpatient || chronic ? 0 : w.actPayDedcFen,
    op_hifp_paid_fen: inpatient || chronic ? 0 : w.hifpFen,
    chronic_dedc_fen: chronic ? w.actPayDedcFen : 0,
    chronic_hifp_paid_fen: chronic ? w.hifpFen : 0,
  }
}

function stayOf(claim: Claim, w: Working): NonNullable<Settlement['stay']> {
  const e = w.episode
  assert(e !== null, 'allianceEpisode ran for an inpatient claim')
  return {
    mdtrt_id: claim.mdtrtId,
    psn_no: claim.psnNo,
    fixmedins_code: claim.hospitalCode,
    alliance_id: w.hospital.allianceId,
    level: w.hospital.level,
    begn_day: claim.begnDay,
    end_day: claim.endDay,
    episode_id: e.id,
    episode_n: e.n,
    episode_dedc_fen: e.priorDedcFen + w.actPayDedcFen,
    dx_category: claim.mainDx.slice(0, 3),
    year: claim.year,
  }
}
