// Supervision scores (SPEC §5 违规行为监管辅助目录): a hospital's readmission, low-standard admission, over-long stay
// and in-hospital death rates beside the region's, overall and by group.
import { describe, expect, it } from 'vitest'
import { supervisionScores, type SupervisedCase } from '../../engine/grouping/supervision.js'

const c = (code: string, group: string | null, ...flags: string[]): SupervisedCase => ({ fixmedins_code: code, dip_group_code: group, flags })

describe('supervisionScores', () => {
  // region: 8 cases; H1 has 4 of them (J18.9 ×3, one ungroupable), H2 4 (J18.9 ×2, I63.9 ×2)
  const month = [
    c('H1', 'J18.9', 'F_READMISSION'), c('H1', 'J18.9', 'F_IN_HOSPITAL_DEATH', 'F_INCOMPLETE_STAY'), c('H1', 'J18.9'),
    c('H1', null, 'F_UNGROUPABLE', 'F_LONG_STAY'),
    c('H2', 'J18.9'), c('H2', 'J18.9', 'F_LOW_STANDARD_ADMISSION'), c('H2', 'I63.9', 'F_READMISSION'), c('H2', 'I63.9'),
  ]
  const s = supervisionScores(month, ['H1'])
  it('the hospital: readmission 1/4 = 0.25, death 1/4, long stay 1/4, low standard 0', () => {
    expect(s.hospital).toEqual({ cases: 4, readmission: { count: 1, rate: 0.25 }, low_standard_admission: { count: 0, rate: 0 },
      long_stay: { count: 1, rate: 0.25 }, in_hospital_death: { count: 1, rate: 0.25 } })
  })
  it('the region: readmission 2/8 = 0.25, low standard 1/8 = 0.125, long stay 1/8, death 1/8', () => {
    expect(s.region).toEqual({ cases: 8, readmission: { count: 2, rate: 0.25 }, low_standard_admission: { count: 1, rate: 0.125 },
      long_stay: { count: 1, rate: 0.125 }, in_hospital_death: { count: 1, rate: 0.125 } })
  })
  it('by group, the hospital\'s groups most cases first: J18.9 death 1/3 = 0.3333 against the region\'s 1/5 = 0.2', () => {
    expect(s.by_group.map((g) => g.dip_group_code)).toEqual(['J18.9', '(ungroupable)'])
    const j = s.by_group[0]
    expect(j?.hospital).toMatchObject({ cases: 3, in_hospital_death: { count: 1, rate: 0.3333 }, readmission: { count: 1, rate: 0.3333 } })
    expect(j?.region).toMatchObject({ cases: 5, in_hospital_death: { count: 1, rate: 0.2 }, low_standard_admission: { count: 1, rate: 0.2 } })
  })
  it('an alliance\'s members together; a month without cases gives zero rates', () => {
    expect(supervisionScores(month, ['H1', 'H2']).hospital.cases).toBe(8)
    expect(supervisionScores([], ['H1'])).toEqual({ hospital: expect.objectContaining({ cases: 0, readmission: { count: 0, rate: 0 } }),
      region: expect.objectContaining({ cases: 0 }), by_group: [] })
  })
})
