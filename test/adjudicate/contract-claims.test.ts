// The contract check's four claims (shared/contract/check), worked by hand on the fixture, which mirrors the contract
// region: SD001 → JD001 (甲), SD002 → YD005 (乙 5 %), SD003 → CD001 (丙), ST001 → JT020 (甲 诊疗项目 20 %),
// SC001 → YC080 (乙 耗材, cap 80, 20 %); PB0001 → resident, PB0002 → worker, PB0003 → poverty + assistance;
// H15020300001/2 → the GY01 alliance (level 1, 2), H15020300003 → level 3. Settled in order, each against a history
// that holds what the earlier ones added (their accum and stay), as the ledger would.
import { describe, expect, it, vi } from 'vitest'
import { adjudicate } from '../../engine/adjudicate/index.js'
import type { History, OutpatientVisit, PersonYear, StayRecord } from '../../engine/history.js'
import { ZERO_YEAR } from '../../engine/history.js'
import type { Settlement } from '../../engine/result.js'
import { C, H, P, claim, ctx, fee, fen } from '../fixtures/claims.js'

vi.mock('../../engine/grouping/index.js', async () => (await import('./dip-mock.js')).dipMock)

/** A minimal in-memory ledger: person-years summed from accum deltas, stays from settlements. */
class MemoryHistory implements History {
  private readonly years = new Map<string, PersonYear>()
  private readonly stays: StayRecord[] = []
  /** Deductible charged per episode (the sum of its stays' act_pay_dedc). */
  private readonly episodeDedc = new Map<string, number>()
  personYear(psnNo: string, year: number): PersonYear { return this.years.get(`${psnNo}:${year}`) ?? ZERO_YEAR }
  stay(psnNo: string, mdtrtId: string): StayRecord | undefined { return this.stays.find((s) => s.psn_no === psnNo && s.mdtrt_id === mdtrtId) }
  recentStays(psnNo: string, sinceDay: number): readonly StayRecord[] { return this.stays.filter((s) => s.psn_no === psnNo && s.end_day >= sinceDay) }
  outpatientVisits(): readonly OutpatientVisit[] { return [] }
  episodeDeductibleFen(psnNo: string, episodeId: string): number { return this.episodeDedc.get(`${psnNo}:${episodeId}`) ?? 0 }
  accountNetFen(psnNo: string): number {
    let paid = 0
    for (const [k, y] of this.years) if (k.startsWith(`${psnNo}:`)) paid += y.acct_paid_fen
    return -paid
  }
  record(s: Settlement): void {
    const key = `${s.claim.psnNo}:${s.claim.year}`
    const y: Record<string, number> = { ...this.personYear(s.claim.psnNo, s.claim.year) }
    for (const [k, v] of Object.entries(s.accum)) y[k] = (y[k] ?? 0) + v
    this.years.set(key, y as unknown as PersonYear)
    if (s.stay) {
      this.stays.push({ ...s.stay, setl_id: `S${this.stays.length + 1}` })
      const e = `${s.claim.psnNo}:${s.stay.episode_id}`
      this.episodeDedc.set(e, (this.episodeDedc.get(e) ?? 0) + s.setlinfo.act_pay_dedc_fen)
    }
  }
}

describe('the contract\'s four claims, settled in order', () => {
  const h = new MemoryHistory()
  const settle = (body: unknown): Settlement => {
    const o = adjudicate(body, ctx(h))
    if (o.status !== 'ok') throw new Error(JSON.stringify(o.reasons))
    h.record(o.settlement)
    return o.settlement
  }

  it('1: a resident\'s claim of every line class stays under the level-3 deductible', () => {
    const s = settle(claim({ psn_no: P.RESIDENT, fees: [fee(C.JIA, 10, 20), fee(C.YI5, 1, 4.52), fee(C.BING, 1, 30), fee(C.JIA_ITEM, 1, 150), fee(C.CAPPED, 2, 100)] }))
    // worked in catalogue.test.ts: in scope 452.29 < 800 → all deductible, fund 0
    expect(s.setlinfo).toMatchObject({ medfee_sumamt_fen: 58452, inscp_scp_amt_fen: 45229, act_pay_dedc_fen: 45229, fund_pay_sumamt_fen: 0, psn_cash_pay_fen: 58452 })
  })

  it('2: a worker\'s 1st admission at level 3', () => {
    const s = settle(claim({ psn_no: P.WORKER, procedures: [{ code: '88.4101', main: true }], fees: [fee(C.JIA, 100, 70)] }))
    // 7000 in scope; 900 deductible; 0.85 × 6100 = 5185; base 1815 < 20000
    expect(s.setlinfo).toMatchObject({ medfee_sumamt_fen: fen(7000), act_pay_dedc_fen: fen(900), hifp_pay_fen: fen(5185), hifob_pay_fen: 0, psn_part_amt_fen: fen(1815) })
    expect(s.setldetail).toEqual([{ fund_pay_type: '310100', fund_payamt_fen: fen(5185) }])
  })

  it('3: a poor, assisted resident at the alliance\'s level-1 member', () => {
    const s = settle(claim({ mdtrt_id: 'MC0003', psn_no: P.POOR, fixmedins_code: H.A1, begndate: '2026-09-01', enddate: '2026-09-04', fees: [fee(C.JIA, 30, 100)] }))
    // 3000 in scope; 200 deductible; 0.9 × 2800 = 2520; base 480 < 7500 (poverty half deductible) → no 大病;
    // assistance 0.7 × 480 = 336; person 3000 − 2520 − 336 = 144
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(200), hifp_pay_fen: fen(2520), hifmi_pay_fen: 0, maf_pay_fen: fen(336), psn_part_amt_fen: fen(144) })
    expect(s.accum.admissions).toBe(1)
  })

  it('4: the same person referred up to the level-2 lead the day of discharge is one admission with claim 3', () => {
    const s = settle(claim({ psn_no: P.POOR, fixmedins_code: H.A2, begndate: '2026-09-04', enddate: '2026-09-12', referral_from: 'MC0003', fees: [fee(C.JIA, 50, 100)] }))
    // merged: 500 − 200 already charged = 300; 0.8 × 4700 = 3760; base 480 + 1240 = 1720 < 7500 → no 大病;
    // assistance 0.7 × 1240 = 868; person 5000 − 3760 − 868 = 372
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(300), hifp_pay_fen: fen(3760), maf_pay_fen: fen(868), psn_part_amt_fen: fen(372) })
    expect(s.accum.admissions).toBe(0)
    expect(s.stay).toMatchObject({ episode_id: 'MC0003', episode_n: 1, episode_dedc_fen: fen(500) })
    expect(h.personYear(P.POOR, 2026)).toMatchObject({ admissions: 1, hifp_paid_fen: fen(2520 + 3760), serious_base_fen: fen(1720), maf_paid_fen: fen(336 + 868) })
  })
})
