import { describe, expect, it } from 'vitest'
import { deriveGroupsFromHistory, groupCodeOf, type HistoryCase } from '../../grouper-data/history.js'
import type { HospitalLevel } from '../../engine/tables/types.js'

const c = (group_code: string, year: number, yuan: number, level: HospitalLevel, ipt_days = 5): HistoryCase =>
  ({ group_code, year, cost_fen: yuan * 100, level, ipt_days })

// Target year 2026: window 2023, 2024, 2025 weighted 1 : 2 : 7; min_cases 2.
const rows: HistoryCase[] = [
  c('J18.9', 2022, 99999, 3), // outside the window: ignored everywhere
  c('J18.9', 2023, 1000, 1), c('J18.9', 2023, 3000, 3),
  c('J18.9', 2024, 4000, 3),
  c('J18.9', 2025, 5000, 1), c('J18.9', 2025, 7000, 3),
  c('J18.9:33.2302', 2025, 10000, 3), c('J18.9:33.2302', 2025, 12000, 3),
  c('K80.1:51.2200', 2025, 20000, 3), // 1 case < 2 → K80:SS (51.2200 is surgery)
  { main_dx: 'K80.100', procedures: [], year: 2024, cost_fen: 300000, level: 1 }, // dx only, 1 case → K80:BSZL
]
const out = deriveGroupsFromHistory(rows, { minCases: 2, scale: 1000, procedureKinds: new Map([['51.2200', 'surgery']]) })
const byCode = Object.fromEntries(out.groups.map((g) => [g.group_code, g]))

describe('history derivation (SPEC §2)', () => {
  it('targets the year after the newest case', () => {
    expect(out.target_year).toBe(2026)
  })

  it('averages a group over its years with weights 1:2:7', () => {
    // J18.9: means 2023 (1000+3000)/2 = 2000, 2024 4000, 2025 (5000+7000)/2 = 6000
    //        (1·2000 + 2·4000 + 7·6000) / 10 = 52000 / 10 = 5200
    expect(byCode['J18.9']).toMatchObject({ kind: 'core', avg_cost_yuan: 5200, cases: 5, main_dx_code: 'J18.9', main_op_code: '' })
  })

  it('re-normalises the weights over the years a group has: only 2025 → its 2025 mean', () => {
    // (10000 + 12000) / 2 = 11000, weight 7 / 7
    expect(byCode['J18.9:33.2302']).toMatchObject({ kind: 'core', avg_cost_yuan: 11000, cases: 2, main_op_code: '33.2302' })
  })

  it('folds a group below min_cases into its category composite by the highest procedure kind', () => {
    expect(byCode['K80:SS']).toMatchObject({ kind: 'composite', avg_cost_yuan: 20000, cases: 1, main_dx_code: 'K80' })
    expect(byCode['K80:BSZL']).toMatchObject({ kind: 'composite', avg_cost_yuan: 3000, cases: 1 })
    expect(byCode['K80.1:51.2200']).toBeUndefined()
    expect(out.folded).toEqual([
      { from: 'K80.1:51.2200', into: 'K80:SS', cases: 1 },
      { from: 'K80.1', into: 'K80:BSZL', cases: 1 },
    ])
  })

  it('computes the region average over every case of the window with the same weights', () => {
    // 2023: (1000+3000)/2 = 2000; 2024: (4000+3000)/2 = 3500; 2025: (5000+7000+10000+12000+20000)/5 = 10800
    // (2000 + 2·3500 + 7·10800) / 10 = 84600 / 10 = 8460
    expect(out.region_avg_cost_yuan).toBe(8460)
  })

  it('scores each group as average ÷ region average × scale, to 6 decimals', () => {
    expect(byCode['J18.9']?.score).toBe(614.657210) // 5200 / 8460 × 1000 = 614.6572104…
    expect(byCode['J18.9:33.2302']?.score).toBe(1300.236407) // 11000 / 8460 × 1000 = 1300.2364066…
    expect(byCode['K80:SS']?.score).toBe(2364.066194) // 20000 / 8460 × 1000 = 2364.0661938…
  })

  it('derives hospital-level coefficients from the level case mix', () => {
    // level 1: J18.9 own (1·1000 + 7·5000)/8 = 4500 × 2 cases; K80:BSZL 3000 × 1
    //          ÷ (5200 × 2 + 3000 × 1) = 12000 / 13400 = 0.8955223…
    // level 3: J18.9 (1·3000 + 2·4000 + 7·7000)/10 = 6000 × 3; J18.9:33.2302 11000 × 2; K80:SS 20000 × 1
    //          ÷ (5200 × 3 + 11000 × 2 + 20000) = 60000 / 57600 = 1.0416666…
    expect(out.level_coefficients).toEqual({ '1': 0.895522, '3': 1.041667 })
  })

  it('makes a group code from dx and procedures with the other procedures sorted', () => {
    expect(groupCodeOf('C34.100', ['32.4100', '40.5914', '33.3903'])).toBe('C34.1:32.4100_33.3903+40.5914')
    expect(groupCodeOf('j18.900', [])).toBe('J18.9')
  })

  it('weights average stay days the same way', () => {
    expect(byCode['J18.9']?.avg_ipt_days).toBe(5)
  })
})
