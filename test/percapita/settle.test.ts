// SPEC §15 按人头, hand-worked: budget = contracted persons × monthly amount; spending = their outpatient basic-fund
// payments anywhere (care elsewhere charged to the contracting institution); 结余留用 / 超支分担 by marginal bands.
import { describe, expect, it } from 'vitest'
import { settlePerCapita, type PerCapitaPolicy } from '../../engine/percapita/settle.js'
import type { Person } from '../../engine/tables/types.js'

const PC: PerCapitaPolicy = {
  '390': { monthly_yuan: 8 },
  surplus_bands: [{ up_to_ratio: 0.15, keep_share: 1 }, { up_to_ratio: 10, keep_share: 0.5 }],
  overspend_bands: [{ up_to_ratio: 0.1, fund_share: 0.5 }, { up_to_ratio: 10, fund_share: 0 }],
}
const resident = (psnNo: string, contract?: string): Person => ({
  psnNo, insutype: '390', psnKind: 'resident', poverty: false, assistance: false, city: 'X', acctBalanceFen: 0, brdy: null,
  ...(contract !== undefined ? { contractFixmedins: contract } : {}),
})

describe('settlePerCapita', () => {
  it('keeps a surplus by bands, shares an overspend by bands, and charges care elsewhere to the contract', () => {
    const persons = [
      ...Array.from({ length: 100 }, (_, i) => resident(`A${i}`, 'HA')),
      ...Array.from({ length: 10 }, (_, i) => resident(`C${i}`, 'HC')),
      resident('N1'),
      // a 职工 signed with HA: the policy has no 310 amount, so neither budget nor spending
      { ...resident('W1', 'HA'), insutype: '310' as const, psnKind: 'in_service' as const },
    ]
    const sums = [
      { psnNo: 'A0', code: 'HA', hifpFen: 30_000, visits: 3 },
      { psnNo: 'A1', code: 'HA', hifpFen: 20_000, visits: 1 },
      { psnNo: 'A2', code: 'HB', hifpFen: 10_000, visits: 2 },
      { psnNo: 'C0', code: 'HC', hifpFen: 10_000, visits: 1 },
      { psnNo: 'N1', code: 'HA', hifpFen: 99_900, visits: 1 },
      { psnNo: 'W1', code: 'HA', hifpFen: 99_900, visits: 1 },
    ]
    const [a, c] = settlePerCapita(persons, sums, PC, (code) => `name of ${code}`)
    // HA: budget 100 × 8 = 800.00; spending 300 + 200 at HA + 100 at HB = 600.00; surplus 200.00 = 25 % of 800:
    // the first 15 % (120.00) kept whole, the other 80.00 half (40.00) → kept 160.00, paid +160.00
    expect(a).toMatchObject({
      fixmedins_code: 'HA', name: 'name of HA', persons: 100, budget_yuan: 800, spending_yuan: 600, spending_own_yuan: 500,
      spending_elsewhere_yuan: 100, elsewhere: [{ fixmedins_code: 'HB', visits: 2, hifp_yuan: 100 }],
      surplus_yuan: 200, surplus_kept_yuan: 160, overspend_yuan: 0, settlement_yuan: 160,
    })
    expect(a!.note).toContain('charged to this institution')
    // HC: budget 10 × 8 = 80.00; spending 100.00; overspend 20.00 = 25 %: the first 10 % (8.00) shared half (4.00),
    // the rest not at all → the institution bears 16.00
    expect(c).toMatchObject({ fixmedins_code: 'HC', budget_yuan: 80, spending_yuan: 100, overspend_yuan: 20, overspend_shared_yuan: 4, settlement_yuan: -16 })
  })

  it('a reversal netted to nothing leaves the whole budget as surplus', () => {
    const [a] = settlePerCapita([resident('A0', 'HA')], [{ psnNo: 'A0', code: 'HA', hifpFen: 0, visits: 0 }], PC, () => '')
    // budget 8.00, surplus 8.00 = 100 %: 15 % (1.20) whole + 6.80 half (3.40) = 4.60
    expect(a).toMatchObject({ budget_yuan: 8, surplus_yuan: 8, surplus_kept_yuan: 4.6, settlement_yuan: 4.6 })
  })
})
