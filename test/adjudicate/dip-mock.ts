// A fixed DIP result for adjudication tests: grouping is tested on its own (test/grouping); here it only has to be
// attached to inpatient settlements. Use with: vi.mock('../../engine/grouping/index.js', () => dipMock)
import type { DipResult } from '../../engine/grouping/types.js'

export const FIXED_DIP: DipResult = {
  group_code: 'J18.9', kind: 'core', score: 500, points: 500, points_1e4: 5_000_000, deviation: 'normal', flags: [],
  hospital_coefficient: 1, tcm_bonus: 1, deviation_factor: 1, avg_cost_yuan: 5000, total_cost_yuan: 1000,
}

export const dipMock = { groupClaim: (): DipResult => FIXED_DIP }
