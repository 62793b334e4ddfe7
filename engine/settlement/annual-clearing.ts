// 年度清算 (SPEC §6; seed 001 周转金 年初预付 年底清算; seed 004 结余留用、合理超支分担):
//   the year's point value = (the year's fund ÷ reimbursement ratio) ÷ the year's points, recomputed from the ledger;
//   each hospital's DIP amount (largest remainder, sums to fund ÷ ratio) against its item-based cost:
//     surplus   (DIP ≥ cost): the hospital keeps a band-wise share of the surplus   → due = item fund + kept
//     overspend (DIP < cost): the fund shares a band-wise part of the overspend    → due = DIP fund share + shared
//   bands are marginal, as fractions of the DIP amount (policy annual_clearing.surplus_bands / overspend_bands);
//   the quality deposit withheld monthly is released at or above the policy's score, in proportion below it;
//   balance = due − monthly payouts − the 周转金 advance − the deposit kept (negative: the hospital pays back).
//   The accumulation (accumulate.ts) and the allocation (point-value.ts allocate) are month-end's own.
import { divRoundHalfAwayBig, fenToYuan, mulRatioFen, PPM, pointsToJson, ratioToPpm, yuanToFen } from '../money.js'
import type { Policy } from '../policy/types.js'
import type { Tables } from '../tables/types.js'
import { accumulateMonth, type UnitTotals } from './accumulate.js'
import { settlementUnits } from './month-end.js'
import { allocate, pointValueString, pointValueYuan6 } from './point-value.js'
import { ratio6, ratioString, reimbursementRatio } from './ratio.js'
import { invalidRun, reportsOf, type InvalidRun, type LedgerDb, type MonthEndHospital, type Pool } from './types.js'

export type ClearingPolicy = NonNullable<Policy['annual_clearing']>

/** Σ over bands of (the part of `amountFen` inside the band) × its share; nothing beyond the last band. */
export function bandShareFen(amountFen: number, baseFen: number, bands: readonly { up_to_ratio: number; share: number }[]): number {
  let lower = 0
  let out = 0
  for (const b of bands) {
    const upper = Math.max(lower, mulRatioFen(Math.max(0, baseFen), b.up_to_ratio))
    const part = Math.min(amountFen, upper) - lower
    if (part > 0) out += mulRatioFen(part, b.share)
    lower = upper
    if (amountFen <= upper) break
  }
  return out
}

const MONTHS_PER_YEAR = 12

/** 周转金 (seed 001): `months` × the prior year's average monthly payout, rounded once (not the average, then × months). */
export function turnoverAdvanceFen(priorYearPayoutsFen: number, months: number): number {
  return Number(divRoundHalfAwayBig(BigInt(priorYearPayoutsFen) * BigInt(ratioToPpm(months)), BigInt(MONTHS_PER_YEAR * PPM)))
}

export interface ClearingInput {
  readonly code: string
  readonly points1e4: bigint
  readonly discharges: number
  readonly medfeeFen: number
  readonly hifpFen: number
  /** Σ of the year's monthly payouts and withheld deposits (closed month-end runs). */
  readonly payoutsFen: number
  readonly withheldFen: number
  /** Start-of-year 周转金 advance. */
  readonly advanceFen: number
  /** Quality score 0–100 (协议考核). */
  readonly qualityScore: number
  /** 集采 saving of the year's discharges against the pre-集采 prices (vbp-saving.ts), fen; kept whole (seed 001). */
  readonly vbpSavingFen?: number
}

/** A hospital's year: the month-end figures summed, then what clearing derives from them. */
export interface ClearingLine extends Pick<MonthEndHospital,
  'fixmedins_code' | 'points' | 'discharges' | 'dip_amount_yuan' | 'item_fund_yuan' | 'patient_paid_yuan'> {
  /** DIP amount − patient paid: the fund's share under DIP. */
  readonly dip_fund_yuan: number
  readonly surplus_yuan: number
  readonly surplus_kept_yuan: number
  readonly overspend_yuan: number
  readonly overspend_shared_yuan: number
  /** 集采 saving of the year (what its 集采 items would have cost more at the pre-集采 prices). */
  readonly vbp_saving_yuan: number
  /** The part of the surplus that is 集采 saving: kept whole, outside the surplus bands (not clawed back). */
  readonly vbp_saving_kept_yuan: number
  /** What the fund owes the hospital for the year. */
  readonly fund_due_yuan: number
  readonly monthly_payouts_yuan: number
  readonly turnover_advance_yuan: number
  readonly withheld_yuan: number
  readonly quality_score: number
  readonly deposit_released_yuan: number
  readonly deposit_kept_yuan: number
  /** fund due − payouts − advance − deposit kept: > 0 the fund pays, < 0 the hospital pays back. */
  readonly balance_yuan: number
}

/** One hospital's clearing given its DIP amount (the allocation is done by the caller). */
export function clearHospital(h: ClearingInput, dipFen: number, cp: ClearingPolicy): ClearingLine & { readonly balanceFen: number } {
  const patientFen = h.medfeeFen - h.hifpFen
  const dipFundFen = dipFen - patientFen
  const surplus = Math.max(0, dipFen - h.medfeeFen)
  const overspend = Math.max(0, h.medfeeFen - dipFen)
  // seed 001 集采结余留用: the surplus up to the 集采 saving is the hospital's whole; the bands apply to the rest
  const vbpSaving = Math.max(0, h.vbpSavingFen ?? 0)
  const vbpKept = Math.min(vbpSaving, surplus)
  const kept = vbpKept + bandShareFen(surplus - vbpKept, dipFen, cp.surplus_bands.map((b) => ({ up_to_ratio: b.up_to_ratio, share: b.keep_share })))
  const shared = bandShareFen(overspend, dipFen, cp.overspend_bands.map((b) => ({ up_to_ratio: b.up_to_ratio, share: b.fund_share })))
  // 结余留用: the fund pays the items plus the kept surplus; 合理超支分担: the DIP share plus its part of the overspend
  const dueFen = surplus > 0 ? h.hifpFen + kept : dipFundFen + shared
  const min = cp.quality_release_min_score
  // withheld × score ÷ min as one exact division (scores to 1e-6), not via a ratio first rounded to ppm (SPEC §1)
  const released = min <= 0 || h.qualityScore >= min ? h.withheldFen
    : Number(divRoundHalfAwayBig(BigInt(h.withheldFen) * BigInt(ratioToPpm(Math.max(0, h.qualityScore))), BigInt(ratioToPpm(min))))
  const keptDeposit = h.withheldFen - released
  const balanceFen = dueFen - h.payoutsFen - h.advanceFen - keptDeposit
  return {
    fixmedins_code: h.code, points: pointsToJson(Number(h.points1e4)), discharges: h.discharges,
    dip_amount_yuan: fenToYuan(dipFen), item_fund_yuan: fenToYuan(h.hifpFen), patient_paid_yuan: fenToYuan(patientFen),
    dip_fund_yuan: fenToYuan(dipFundFen), surplus_yuan: fenToYuan(surplus), surplus_kept_yuan: fenToYuan(kept),
    overspend_yuan: fenToYuan(overspend), overspend_shared_yuan: fenToYuan(shared),
    vbp_saving_yuan: fenToYuan(vbpSaving), vbp_saving_kept_yuan: fenToYuan(vbpKept), fund_due_yuan: fenToYuan(dueFen),
    monthly_payouts_yuan: fenToYuan(h.payoutsFen), turnover_advance_yuan: fenToYuan(h.advanceFen),
    withheld_yuan: fenToYuan(h.withheldFen), quality_score: h.qualityScore, deposit_released_yuan: fenToYuan(released),
    deposit_kept_yuan: fenToYuan(keptDeposit), balance_yuan: fenToYuan(balanceFen), balanceFen,
  }
}

export interface ClearingReport {
  readonly year: number
  readonly pool: Pool
  readonly fund_yuan: number
  readonly reimbursement_ratio: number
  readonly ratio_source: 'actual' | 'policy'
  readonly reimbursement_ratio_exact: string
  readonly total_points: number
  readonly point_value_yuan: number
  readonly point_value_exact: string
  readonly dip_total_yuan: number
  readonly hospitals: readonly ClearingLine[]
  /** Σ balance: what the fund still pays out (+) or recovers (−) in total. */
  readonly balance_total_yuan: number
  readonly closed_months: readonly string[]
}

export interface HospitalClearingFacts {
  readonly fixmedins_code: string
  readonly quality_score?: number
  readonly turnover_advance_yuan?: number
}

export type ClearingOutcome =
  | { readonly status: 'ok'; readonly report: ClearingReport }
  /** Bad arguments: the same outcome as a month-end run's. */
  | InvalidRun

/**
 * Clear a pool's year from the ledger: points recomputed month by month as the ledger stands (every reversal netted,
 * 特例单议 as decided), payouts and deposits from the year's closed month-end runs, the 周转金 advance from `facts`
 * or else `turnover_advance_months` × the prior year's average monthly payout.
 */
export async function clearYear(
  ledger: LedgerDb, tables: Tables, policy: Policy,
  q: {
    year: number; pool: Pool; fundFen: number; facts?: readonly HospitalClearingFacts[]
    /** 周转金 recorded at the start of the year (turnover.ts), fen by unit; a unit absent was advanced nothing. */
    advances?: ReadonlyMap<string, number>
    /** 集采 savings of the year by unit, fen (vbp-saving.ts). */
    vbpSavings?: ReadonlyMap<string, number>
  },
): Promise<ClearingOutcome> {
  const cp = policy.annual_clearing
  if (!cp) return invalidRun('policy.annual_clearing', 'the policy has no annual_clearing section')
  if (!Number.isInteger(q.year) || q.year < 1900 || q.year > 9999) return invalidRun('year', 'year must be YYYY')
  if (!Number.isSafeInteger(q.fundFen) || q.fundFen < 0) return invalidRun('fund_yuan', 'fund must be a non-negative amount of yuan')
  const port = reportsOf(ledger)
  if (!(await port.hasSettlements())) return invalidRun('ledger', 'the ledger has no settlements table')
  const unitOf = settlementUnits(tables, policy)
  const seq = await port.ledgerSeq()
  const decisions = await port.specialCaseDecisions()
  const units = new Map<string, UnitTotals>()
  let hifpFen = 0
  let medfeeFen = 0
  for (let m = 1; m <= 12; m++) {
    const month = `${q.year}-${String(m).padStart(2, '0')}`
    const acc = await accumulateMonth({ port, policy, unitOf, decisions, units }, month, q.pool, seq)
    hifpFen += acc.hifpFen
    medfeeFen += acc.medfeeFen
  }
  const ratio = reimbursementRatio(policy, q.pool, hifpFen, medfeeFen)
  if ('status' in ratio) return ratio
  const paid = new Map<string, { payoutsFen: number; withheldFen: number; priorPayoutsFen: number }>()
  for (const p of await port.closedPayouts(q.pool, [q.year, q.year - 1])) {
    const u = unitOf(p.code)
    const a = paid.get(u) ?? { payoutsFen: 0, withheldFen: 0, priorPayoutsFen: 0 }
    if (p.year === q.year) { a.payoutsFen += p.payoutFen; a.withheldFen += p.withheldFen } else a.priorPayoutsFen += p.payoutFen
    paid.set(u, a)
    if (!units.has(u)) units.set(u, { points1e4: 0n, discharges: 0, medfeeFen: 0, hifpFen: 0, cases: { approved: 0, pending: 0, over_quota: 0, rejected: 0 } })
  }
  const closedMonths = (await port.closedRuns(q.pool)).filter((r) => r.month.startsWith(`${q.year}-`)).map((r) => r.month)

  const facts = new Map((q.facts ?? []).map((f) => [unitOf(f.fixmedins_code), f]))
  const codes = [...units.keys()].sort()
  const alloc = allocate(q.fundFen, ratio, codes.map((c) => (units.get(c) as UnitTotals).points1e4))
  let balance = 0
  const hospitals = codes.map((code, i) => {
    const a = units.get(code) as UnitTotals
    const p = paid.get(code) ?? { payoutsFen: 0, withheldFen: 0, priorPayoutsFen: 0 }
    const f = facts.get(code)
    // 周转金: the bureau's stated advance, else the one recorded at the start of the year, else (none recorded)
    // months × the prior year's average monthly payout
    const advanceFen = f?.turnover_advance_yuan !== undefined ? yuanToFen(f.turnover_advance_yuan)
      : q.advances !== undefined ? q.advances.get(code) ?? 0
        : turnoverAdvanceFen(p.priorPayoutsFen, cp.turnover_advance_months)
    const line = clearHospital({
      code, points1e4: a.points1e4, discharges: a.discharges, medfeeFen: a.medfeeFen, hifpFen: a.hifpFen,
      payoutsFen: p.payoutsFen, withheldFen: p.withheldFen, advanceFen, qualityScore: f?.quality_score ?? 100,
      vbpSavingFen: q.vbpSavings?.get(code) ?? 0,
    }, alloc.amountsFen[i] ?? 0, cp)
    balance += line.balanceFen
    const { balanceFen: _omit, ...rest } = line
    return rest
  })
  return {
    status: 'ok',
    report: {
      year: q.year, pool: q.pool, fund_yuan: fenToYuan(q.fundFen), reimbursement_ratio: ratio6(ratio),
      ratio_source: ratio.source, reimbursement_ratio_exact: ratioString(ratio),
      total_points: pointsToJson(Number(alloc.totalPoints1e4)), point_value_yuan: pointValueYuan6(alloc.pointValue),
      point_value_exact: pointValueString(alloc.pointValue), dip_total_yuan: fenToYuan(alloc.dipTotalFen), hospitals,
      balance_total_yuan: fenToYuan(balance), closed_months: closedMonths,
    },
  }
}
