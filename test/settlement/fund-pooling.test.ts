import { describe, expect, it } from 'vitest'
import { adjustmentFund, coverShortfall, poolFunds, reserveRequirementFen, type PoolingPolicy } from '../../engine/settlement/fund-pooling.js'
import { fen, testPolicy } from './fixtures.js'

// contribution 5 % of prior-year income; weights insured 0.5, collection 0.25, performance 0.25;
// 归集基金 3 months 职工 + 1 month 居民; 50/50 while the reserve lasts, then city : local = 2 : 8
const fp = testPolicy().fund_pooling as PoolingPolicy

describe('Taizhou shortfall rule (seed 003)', () => {
  it('a shortfall the city\'s own surplus covers touches nothing else', () => {
    expect(coverShortfall(fen(1_000_000), fen(1_500_000), fen(5_000_000), fp)).toEqual({
      fromSurplus: fen(1_000_000), fromReserve: 0, localFinance: 0, cityFinance: 0, reserveLeft: fen(5_000_000) })
  })

  it('beyond the surplus, 归集基金 and local finance pay 50/50', () => {
    // 1,000,000 − surplus 400,000 = 600,000 → 300,000 reserve + 300,000 local; reserve 5,000,000 → 4,700,000
    expect(coverShortfall(fen(1_000_000), fen(400_000), fen(5_000_000), fp)).toEqual({
      fromSurplus: fen(400_000), fromReserve: fen(300_000), localFinance: fen(300_000), cityFinance: 0, reserveLeft: fen(4_700_000) })
  })

  it('when the 归集基金 runs out, the unmatched rest is shared city : local = 2 : 8', () => {
    // 1,000,000 − surplus 200,000 = 800,000; reserve pays its last 100,000, local matches 100,000;
    // the remaining 600,000: city 120,000, local 480,000 → local in all 580,000
    // 200,000 + 100,000 + 580,000 + 120,000 = 1,000,000
    expect(coverShortfall(fen(1_000_000), fen(200_000), fen(100_000), fp)).toEqual({
      fromSurplus: fen(200_000), fromReserve: fen(100_000), localFinance: fen(580_000), cityFinance: fen(120_000), reserveLeft: 0 })
  })

  it('cities draw on one 归集基金 in order: the second finds it exhausted', () => {
    const r = poolFunds([
      { city: 'A', priorIncomeFen: 0, insured: 1, collectionRate: 1, performance: 1, shortfallFen: fen(300_000) },
      { city: 'B', priorIncomeFen: 0, insured: 1, collectionRate: 1, performance: 1, shortfallFen: fen(100_000) },
    ], fp, fen(150_000))
    // A: 150,000 reserve + 150,000 local, reserve 0; B: no reserve → 20,000 city + 80,000 local
    expect(r.shortfalls).toEqual([
      { city: 'A', shortfall_yuan: 300_000, from_surplus_yuan: 0, from_reserve_yuan: 150_000, local_finance_yuan: 150_000, city_finance_yuan: 0, reserve_left_yuan: 0 },
      { city: 'B', shortfall_yuan: 100_000, from_surplus_yuan: 0, from_reserve_yuan: 0, local_finance_yuan: 80_000, city_finance_yuan: 20_000, reserve_left_yuan: 0 },
    ])
  })

  it('the 归集基金 holds 3 months of 职工 and 1 month of 居民 payments', () => {
    // 职工 1,200,000 a year → 300,000; 居民 600,000 a year → 50,000
    expect(reserveRequirementFen({ '310': fen(1_200_000), '390': fen(600_000) }, fp)).toBe(fen(350_000))
  })
})

describe('调剂金 (seed 000)', () => {
  it('three cities contribute 5 % of income and receive by insured, collection rate and performance', () => {
    const r = adjustmentFund([
      { city: 'A', priorIncomeFen: fen(100_000_000), insured: 600_000, collectionRate: 0.95, performance: 0.9 },
      { city: 'B', priorIncomeFen: fen(60_000_000), insured: 300_000, collectionRate: 0.9, performance: 0.8 },
      { city: 'C', priorIncomeFen: fen(40_000_000), insured: 100_000, collectionRate: 0.85, performance: 1.0 },
    ], fp)
    // contributions 5,000,000 + 3,000,000 + 2,000,000 = pool 10,000,000
    // A: 0.5 × 0.6 + 0.25 × 0.95/2.7 + 0.25 × 0.9/2.7 = 0.3 + 0.25 × 1.85/2.7 = 0.471296296…
    // B: 0.15 + 0.25 × 1.7/2.7 = 0.307407407…;  C: 0.05 + 0.25 × 1.85/2.7 = 0.221296296…
    // in fen: 471,296,296.30 / 307,407,407.41 / 221,296,296.30 → floors sum 999,999,999, the 1 fen left to B
    expect(r.pool_yuan).toBe(10_000_000)
    expect(r.cities).toEqual([
      { city: 'A', contribution_yuan: 5_000_000, share: 0.471296, received_yuan: 4_712_962.96, net_yuan: -287_037.04 },
      { city: 'B', contribution_yuan: 3_000_000, share: 0.307407, received_yuan: 3_074_074.08, net_yuan: 74_074.08 },
      { city: 'C', contribution_yuan: 2_000_000, share: 0.221296, received_yuan: 2_212_962.96, net_yuan: 212_962.96 },
    ])
  })
})
