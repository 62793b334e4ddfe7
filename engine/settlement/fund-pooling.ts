// Fund pooling between cities (SPEC §7):
//  调剂金 (seed 000): each city pays the policy's share of its prior-year fund income; the pool goes back out by the
//    weighted shares of insured count, collection rate and fund performance (exact fractions, largest remainder).
//  归集基金 (seed 003, Taizhou): sized to `reserve_months` of each pool's payments (3 months 职工, 1 month 居民).
//  A city's shortfall (seed 003): first its own accumulated surplus; then 归集基金 and local finance 50/50
//    (reserve_share_while_available); the part the 归集基金 can no longer match is shared city finance : local finance
//    2 : 8 (city_share_after_reserve). Several cities draw on one 归集基金 in the order given.
import { allocateLargestRemainder, divRoundHalfAwayBig, fenToYuan, mulPpmFen, mulRatioFen, PPM, ratioToPpm } from '../money.js'
import type { Policy } from '../policy/types.js'

export type PoolingPolicy = NonNullable<Policy['fund_pooling']>

export interface CityFacts {
  readonly city: string
  /** Prior-year fund income (征缴收入), fen. */
  readonly priorIncomeFen: number
  readonly insured: number
  /** 征收率 as a fraction. */
  readonly collectionRate: number
  /** 基金使用绩效 score (any scale: only the ratios between cities matter). */
  readonly performance: number
}

export interface AdjustmentLine {
  readonly city: string
  readonly contribution_yuan: number
  /** The city's weighted share of the pool, 6 decimals (display). */
  readonly share: number
  readonly received_yuan: number
  /** received − contribution. */
  readonly net_yuan: number
}

export interface AdjustmentFund {
  readonly pool_yuan: number
  readonly cities: readonly AdjustmentLine[]
}

/**
 * share_i = w_ins × ins_i / Σins + w_col × col_i / Σcol + w_perf × perf_i / Σperf, over the common denominator
 * Σins × Σcol × Σperf so that the pool is split exactly (largest remainder, ties to the earlier city).
 */
export function adjustmentFund(cities: readonly CityFacts[], fp: PoolingPolicy): AdjustmentFund {
  const contributions = cities.map((c) => mulRatioFen(c.priorIncomeFen, fp.adjustment_contribution_ratio))
  const pool = contributions.reduce((a, b) => a + b, 0)
  const ins = cities.map((c) => BigInt(Math.round(c.insured)))
  const col = cities.map((c) => BigInt(ratioToPpm(c.collectionRate)))
  const perf = cities.map((c) => BigInt(ratioToPpm(c.performance)))
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n)
  // a factor nobody scores on (Σ = 0) contributes nothing
  const [sI, sC, sP] = [sum(ins), sum(col), sum(perf)].map((s) => (s === 0n ? 1n : s)) as [bigint, bigint, bigint]
  const [wI, wC, wP] = [fp.adjustment_weights.insured, fp.adjustment_weights.collection_rate, fp.adjustment_weights.performance].map((w) => BigInt(ratioToPpm(w))) as [bigint, bigint, bigint]
  const weights = cities.map((_, i) => wI * (ins[i] as bigint) * sC * sP + wC * (col[i] as bigint) * sI * sP + wP * (perf[i] as bigint) * sI * sC)
  const totalW = sum(weights)
  const received = totalW === 0n ? cities.map(() => 0n) : allocateLargestRemainder(BigInt(pool), weights)
  return {
    pool_yuan: fenToYuan(pool),
    cities: cities.map((c, i) => ({
      city: c.city,
      contribution_yuan: fenToYuan(contributions[i] as number),
      share: totalW === 0n ? 0 : Number(divRoundHalfAwayBig((weights[i] as bigint) * 1_000_000n, totalW)) / 1_000_000,
      received_yuan: fenToYuan(Number(received[i])),
      net_yuan: fenToYuan(Number(received[i]) - (contributions[i] as number)),
    })),
  }
}

/** 归集基金 a city must hold: months_310/12 of its 职工 payments + months_390/12 of its 居民 payments (annual, fen). */
export function reserveRequirementFen(annualPaymentsFen: { readonly '310': number; readonly '390': number }, fp: PoolingPolicy): number {
  const part = (fen: number, months: number) => Number(divRoundHalfAwayBig(BigInt(fen) * BigInt(ratioToPpm(months)), 12n * BigInt(PPM)))
  return part(annualPaymentsFen['310'], fp.reserve_months['310']) + part(annualPaymentsFen['390'], fp.reserve_months['390'])
}

export interface ShortfallLine {
  readonly city: string
  readonly shortfall_yuan: number
  readonly from_surplus_yuan: number
  readonly from_reserve_yuan: number
  readonly local_finance_yuan: number
  readonly city_finance_yuan: number
  readonly reserve_left_yuan: number
}

/** Cover one city's shortfall; returns the split and the 归集基金 left. All fen. */
export function coverShortfall(shortfallFen: number, surplusFen: number, reserveFen: number, fp: PoolingPolicy): {
  fromSurplus: number; fromReserve: number; localFinance: number; cityFinance: number; reserveLeft: number
} {
  const need = Math.max(0, shortfallFen)
  const fromSurplus = Math.min(need, Math.max(0, surplusFen))
  const rest = need - fromSurplus
  const sPpm = ratioToPpm(fp.reserve_share_while_available)
  const reserveDue = mulPpmFen(rest, sPpm)
  const reserve = Math.max(0, reserveFen)
  if (reserveDue <= reserve) {
    return { fromSurplus, fromReserve: reserveDue, localFinance: rest - reserveDue, cityFinance: 0, reserveLeft: reserve - reserveDue }
  }
  // the 归集基金 pays what it has and local finance matches it 50/50; the rest is shared 2:8
  const matched = Number(divRoundHalfAwayBig(BigInt(reserve) * BigInt(PPM - sPpm), BigInt(sPpm)))
  const unmatched = rest - reserve - matched
  const cityFinance = mulRatioFen(unmatched, fp.city_share_after_reserve)
  return { fromSurplus, fromReserve: reserve, localFinance: matched + unmatched - cityFinance, cityFinance, reserveLeft: 0 }
}

export interface PoolingCity extends CityFacts {
  readonly annualPaymentsFen?: { readonly '310': number; readonly '390': number }
  readonly shortfallFen?: number
  readonly surplusFen?: number
}

export interface PoolingReport {
  readonly adjustment_fund: AdjustmentFund
  readonly reserve: { readonly required_yuan: number; readonly balance_yuan: number; readonly cities: readonly { readonly city: string; readonly required_yuan: number }[] }
  readonly shortfalls: readonly ShortfallLine[]
}

/** The whole pooling year: 调剂金, 归集基金 sizing, and the shortfalls met in the order given. */
export function poolFunds(cities: readonly PoolingCity[], fp: PoolingPolicy, reserveBalanceFen?: number): PoolingReport {
  const required = cities.map((c) => ({ city: c.city, fen: c.annualPaymentsFen ? reserveRequirementFen(c.annualPaymentsFen, fp) : 0 }))
  const requiredFen = required.reduce((a, r) => a + r.fen, 0)
  let reserve = reserveBalanceFen ?? requiredFen
  const shortfalls: ShortfallLine[] = []
  for (const c of cities) {
    if (!c.shortfallFen || c.shortfallFen <= 0) continue
    const s = coverShortfall(c.shortfallFen, c.surplusFen ?? 0, reserve, fp)
    reserve = s.reserveLeft
    shortfalls.push({
      city: c.city, shortfall_yuan: fenToYuan(c.shortfallFen), from_surplus_yuan: fenToYuan(s.fromSurplus),
      from_reserve_yuan: fenToYuan(s.fromReserve), local_finance_yuan: fenToYuan(s.localFinance),
      city_finance_yuan: fenToYuan(s.cityFinance), reserve_left_yuan: fenToYuan(s.reserveLeft),
    })
  }
  return {
    adjustment_fund: adjustmentFund(cities, fp),
    reserve: { required_yuan: fenToYuan(requiredFen), balance_yuan: fenToYuan(reserveBalanceFen ?? requiredFen), cities: required.map((r) => ({ city: r.city, required_yuan: fenToYuan(r.fen) })) },
    shortfalls,
  }
}
