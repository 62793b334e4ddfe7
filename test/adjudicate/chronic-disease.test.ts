// #20 item 9, SPEC §3 — 门诊慢特病 (med_type 14): an eligible disease of the policy only, and its own deductible and
// cap accumulators, apart from 门诊统筹 (med_type 11).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { adjudicate } from '../../engine/adjudicate/index.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import type { Outcome } from '../../engine/adjudicate/types.js'
import { C, H, P, claim, ctx, fee, fen, history, makePolicy } from '../fixtures/claims.js'

vi.mock('../../engine/grouping/index.js', async () => (await import('./dip-mock.js')).dipMock)

/** The demo region's 14/310 rule (deductible 0, in service 0.9/0.85/0.8, cap 10,000) and its 慢特病 list. */
const policy = makePolicy((p) => {
  const doc = p as unknown as { outpatient: Record<string, unknown> }
  doc.outpatient['14'] = {
    '310': { deductible_yuan: { '1': 0, '2': 0, '3': 0 },
      ratio: { in_service: { '1': 0.9, '2': 0.85, '3': 0.8 }, retired: { '1': 0.92, '2': 0.87, '3': 0.82 } }, annual_cap_yuan: 10000 },
  }
  doc.outpatient['chronic_diseases'] = [
    { code: 'M03900', name: '高血压', dx_prefixes: ['I10', 'I11'], annual_cap_yuan: 3000 },
    { code: 'M00500', name: '恶性肿瘤门诊治疗', dx_prefixes: ['C'], annual_cap_yuan: 80000 },
  ]
})

/** A 职工 in service at the level-3 hospital, one day, 10,400 yuan of 甲类 (all in scope). */
const chronicClaim = (dx = 'C34.900', o: Parameters<typeof claim>[0] = {}) => claim({
  psn_no: P.WORKER, fixmedins_code: H.L3, med_type: '14', begndate: '2026-09-09', enddate: '2026-09-09',
  diagnoses: [{ code: dx, main: true }], fees: [fee(C.JIA, 104, 100)], ...o,
})

function settled(o: Outcome) {
  if (o.status !== 'ok') throw new Error('rejected: ' + JSON.stringify(o.reasons))
  return o.settlement
}

describe('门诊慢特病 (med_type 14)', () => {
  it('after 3,000 of ordinary outpatient, 慢特病 pays 8,320, not 7,000 (the issue\'s case)', () => {
    // 门诊统筹 has paid 3,000 this year (and used its 300 deductible). 慢特病: in scope 10,400, deductible 0,
    // ratio 0.8 (in service, level 3) → 8,320; its cap min(10,000 rule, 80,000 disease) − 0 paid by 慢特病 = 10,000.
    // Sharing 门诊统筹's accumulator paid min(8,320, 10,000 − 3,000) = 7,000.
    const year = history({ op_dedc_fen: fen(300), op_hifp_paid_fen: fen(3000) })
    const s = settled(adjudicate(chronicClaim(), ctx(year, policy)))
    expect(s.setlinfo).toMatchObject({ inscp_scp_amt_fen: fen(10400), act_pay_dedc_fen: 0, hifp_pay_fen: fen(8320) })
    // it adds to the 慢特病 accumulators, not to 门诊统筹's
    expect(s.accum).toMatchObject({ chronic_hifp_paid_fen: fen(8320), chronic_dedc_fen: 0, op_hifp_paid_fen: 0, op_dedc_fen: 0 })
  })

  it('a main diagnosis that is no eligible disease is refused, naming the field (a cold is not a 慢特病)', () => {
    const o = adjudicate(chronicClaim('J18.900'), ctx(history(), policy))
    expect(o).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_CHRONIC_DISEASE', field: 'diagnoses' }] })
  })

  it('a disease\'s own annual cap holds against what 慢特病 paid this year', () => {
    // 高血压 cap 3,000; 2,500 already paid by 慢特病 → 500 of the 8,320 the ratio gives
    const s = settled(adjudicate(chronicClaim('I10.X00'), ctx(history({ chronic_hifp_paid_fen: fen(2500) }), policy)))
    expect(s.setlinfo.hifp_pay_fen).toBe(fen(500))
    // the ordinary outpatient accumulator does not count against it: 3,000 there changes nothing
    const s2 = settled(adjudicate(chronicClaim('I10.X00'), ctx(history({ op_hifp_paid_fen: fen(3000) }), policy)))
    expect(s2.setlinfo.hifp_pay_fen).toBe(fen(3000))
  })

  it('an ordinary outpatient visit (11) does not see what 慢特病 paid', () => {
    // 11/310 level 3: deductible 300, ratio 0.5, cap 5,000; 慢特病 has paid 9,000 → 0.5 × (10,400 − 300) = 5,050 → cap 5,000
    const s = settled(adjudicate(chronicClaim('J18.900', { med_type: '11' }), ctx(history({ chronic_hifp_paid_fen: fen(9000) }), policy)))
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(300), hifp_pay_fen: fen(5000) })
    expect(s.accum).toMatchObject({ op_hifp_paid_fen: fen(5000), chronic_hifp_paid_fen: 0 })
  })

  it('on a real ledger, the accumulators add up apart and ledger verify agrees', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dipsettle-chronic-'))
    const ledger = openLedger(join(dir, 'ledger.sqlite'))
    try {
      const record = (body: ReturnType<typeof claim>) => {
        const s = settled(adjudicate(body, { ...ctx(ledger, policy) }))
        expect(ledger.record(s, `hash-${body.msgid}`).status).toBe('settled')
        return s
      }
      // 11: 0.5 × (4,000 − 300) = 1,850; then 14 twice: 8,320, then min(8,320, 10,000 − 8,320 = 1,680)
      record(chronicClaim('J18.900', { med_type: '11', fees: [fee(C.JIA, 40, 100)] }))
      expect(record(chronicClaim()).setlinfo.hifp_pay_fen).toBe(fen(8320))
      expect(record(chronicClaim()).setlinfo.hifp_pay_fen).toBe(fen(1680))
      expect(ledger.personYear(P.WORKER, 2026)).toMatchObject({
        op_dedc_fen: fen(300), op_hifp_paid_fen: fen(1850), chronic_dedc_fen: 0, chronic_hifp_paid_fen: fen(10000),
      })
      expect(ledger.verify()).toEqual([])
    } finally {
      ledger.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
