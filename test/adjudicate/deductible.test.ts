// SPEC §3 step 3, §9: the deductible by insutype × level × nth admission, and county-alliance (医共体) merging.
import { describe, expect, it, vi } from 'vitest'
import { adjudicate } from '../../engine/adjudicate/index.js'
import type { History } from '../../engine/history.js'
import type { Settlement } from '../../engine/result.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClaimInput } from '../../engine/claim.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { C, H, P, claim, ctx, fee, fen, history, makePolicy, stay } from '../fixtures/claims.js'

vi.mock('../../engine/grouping/index.js', async () => (await import('./dip-mock.js')).dipMock)

function settle(body: unknown, h: History = history(), policy = makePolicy()): Settlement {
  const o = adjudicate(body, ctx(h, policy))
  if (o.status !== 'ok') throw new Error('rejected: ' + JSON.stringify(o.reasons))
  return o.settlement
}

describe('deductible by nth admission (职工 310, level 3: 900 yuan × [1, 0.5, 0])', () => {
  // in-service worker at the level-3 hospital, 10,000 yuan fully in scope, ratio 0.85
  const body = () => claim({ psn_no: P.WORKER, fees: [fee(C.JIA, 100, 100)] })

  it('the 1st admission of the year pays the full deductible', () => {
    const s = settle(body(), history({ admissions: 0 }))
    // act 900; fund 0.85 × (10000 − 900) = 7735
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(900), hifp_pay_fen: fen(7735) })
    expect(s.accum.admissions).toBe(1)
    expect(s.stay).toMatchObject({ episode_n: 1, episode_dedc_fen: fen(900) })
  })

  it('the 2nd admission pays half', () => {
    const s = settle(body(), history({ admissions: 1 }))
    // act 900 × 0.5 = 450; fund 0.85 × 9550 = 8117.50
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(450), hifp_pay_fen: 811750 })
    expect(s.stay).toMatchObject({ episode_n: 2 })
  })

  it('the 3rd and later admissions pay none (the last factor repeats)', () => {
    // act 0; fund 0.85 × 10000 = 8500
    expect(settle(body(), history({ admissions: 2 })).setlinfo).toMatchObject({ act_pay_dedc_fen: 0, hifp_pay_fen: fen(8500) })
    expect(settle(body(), history({ admissions: 7 })).setlinfo).toMatchObject({ act_pay_dedc_fen: 0, hifp_pay_fen: fen(8500) })
  })

  it('the deductible charged is at most the in-scope amount', () => {
    // in scope 500 < 900: act 500, fund 0
    const s = settle(claim({ psn_no: P.WORKER, fees: [fee(C.JIA, 5, 100), fee(C.BING, 1, 1000)] }))
    expect(s.setlinfo).toMatchObject({ inscp_scp_amt_fen: fen(500), act_pay_dedc_fen: fen(500), hifp_pay_fen: 0 })
  })

  it('the deductible depends on the hospital level', () => {
    // level 1 alliance member for a resident: 200; fund 0.9 × (10000 − 200) = 8820
    const s = settle(claim({ fixmedins_code: H.L1, fees: [fee(C.JIA, 100, 100)] }))
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(200), hifp_pay_fen: fen(8820) })
  })
})

describe('county alliance merging (医共体 单次住院, seed 001)', () => {
  // The resident's first stay at the level-1 member A1 (GY01), discharged 2026-09-04, charged its 200 deductible.
  const first = stay({ mdtrt_id: 'MA1', fixmedins_code: H.A1, enddate: '2026-09-04', episode_dedc_fen: fen(200) })
  const referred = (o: Parameters<typeof claim>[0] = {}) =>
    claim({ fixmedins_code: H.A2, referral_from: 'MA1', begndate: '2026-09-04', enddate: '2026-09-12', fees: [fee(C.JIA, 50, 100)], ...o })

  it('an upward referral pays only the deductible difference and is not a new admission', () => {
    const s = settle(referred(), history({ admissions: 1 }, [first]))
    // level 2 due 500 − 200 already charged = 300; fund 0.8 × (5000 − 300) = 3760
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(300), hifp_pay_fen: fen(3760) })
    expect(s.accum.admissions).toBe(0)
    expect(s.stay).toMatchObject({ episode_id: 'MA1', episode_n: 1, episode_dedc_fen: fen(500), alliance_id: 'GY01', level: 2 })
  })

  it('a downward referral pays no deductible', () => {
    const upper = stay({ mdtrt_id: 'MA2', fixmedins_code: H.A2, enddate: '2026-09-04', episode_dedc_fen: fen(500) })
    const s = settle(referred({ fixmedins_code: H.A1, referral_from: 'MA2' }), history({ admissions: 1 }, [upper]))
    // level 1 due 200 − 500 < 0 → 0; fund 0.9 × 5000 = 4500
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: 0, hifp_pay_fen: fen(4500) })
    expect(s.accum.admissions).toBe(0)
    expect(s.stay).toMatchObject({ episode_id: 'MA2', episode_dedc_fen: fen(500) })
  })

  it('a merged stay keeps the episode\'s nth admission (职工: 2nd admission factor 0.5)', () => {
    // the worker's episode is the 2nd admission of the year and charged 300 × 0.5 = 150 at level 1
    const ep = stay({ mdtrt_id: 'MW1', psn_no: P.WORKER, fixmedins_code: H.A1, enddate: '2026-09-04', episode_n: 2, episode_dedc_fen: fen(150) })
    const s = settle(referred({ psn_no: P.WORKER, referral_from: 'MW1' }), history({ admissions: 2 }, [ep]))
    // at level 2 the 2nd admission is due 600 × 0.5 = 300; minus 150 charged = 150; fund 0.9 × (5000 − 150) = 4365
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(150), hifp_pay_fen: fen(4365) })
    expect(s.stay).toMatchObject({ episode_n: 2, episode_dedc_fen: fen(300) })
  })

  it('merges within merge_gap_days of the earlier discharge and not after', () => {
    // gap 1 day: begndate 09-05 merges (300), 09-06 is a new admission: 2nd of the year, factor 1 → 500
    expect(settle(referred({ begndate: '2026-09-05' }), history({ admissions: 1 }, [first])).setlinfo.act_pay_dedc_fen).toBe(fen(300))
    const late = settle(referred({ begndate: '2026-09-06' }), history({ admissions: 1 }, [first]))
    expect(late.setlinfo.act_pay_dedc_fen).toBe(fen(500))
    expect(late.accum.admissions).toBe(1)
    expect(late.stay).toMatchObject({ episode_id: late.claim.mdtrtId, episode_n: 2 })
  })

  it('a stay never merges into an episode it started itself (resubmitted after a reversal, referred from its successor)', () => {
    // MA1 was reversed and is resubmitted naming MA2 as its origin; MA2's episode is MA1's own: no merge, a new
    // admission (2nd of the year for a resident: factor 1 → level-1 deductible 200)
    const successor = stay({ mdtrt_id: 'MA2', fixmedins_code: H.A2, episode_id: 'MA1', enddate: '2026-09-12', episode_dedc_fen: fen(500) })
    const s = settle(referred({ mdtrt_id: 'MA1', fixmedins_code: H.A1, referral_from: 'MA2', begndate: '2026-09-12', enddate: '2026-09-14' }),
      history({ admissions: 1 }, [successor]))
    expect(s.accum.admissions).toBe(1)
    expect(s.stay).toMatchObject({ episode_id: 'MA1', episode_n: 2 })
    expect(s.setlinfo.act_pay_dedc_fen).toBe(fen(200))
  })

  it('a branching episode (A→B, then A→C): C is credited with what A and B charged, not only A', () => {
    // B (level 2, referred from MA1) was charged 500 − 200 = 300: the episode charged 500 in all
    const b = stay({ mdtrt_id: 'MA2', fixmedins_code: H.A2, episode_id: 'MA1', enddate: '2026-09-12', episode_dedc_fen: fen(500) })
    const c = settle(referred({ mdtrt_id: 'MA3', referral_from: 'MA1', begndate: '2026-09-05', enddate: '2026-09-15' }),
      history({ admissions: 1 }, [first, b]))
    // level 2 due 500 − 500 charged over the episode = 0 (crediting only MA1's 200 would charge 300 a second time)
    expect(c.setlinfo.act_pay_dedc_fen).toBe(0)
    expect(c.accum.admissions).toBe(0)
    expect(c.stay).toMatchObject({ episode_id: 'MA1', episode_dedc_fen: fen(500) })
  })

  it('a referral from a hospital outside the alliance is a new admission', () => {
    const other = stay({ mdtrt_id: 'MX1', fixmedins_code: H.L3, enddate: '2026-09-04', episode_dedc_fen: fen(800) })
    const s = settle(referred({ referral_from: 'MX1' }), history({ admissions: 1 }, [other]))
    expect(s.setlinfo.act_pay_dedc_fen).toBe(fen(500))
    expect(s.accum.admissions).toBe(1)
  })

  it('a referral_from naming no settled stay settles as a normal admission (not a rejection)', () => {
    const s = settle(referred({ referral_from: 'NOWHERE' }), history({ admissions: 0 }))
    // 1st admission at level 2: 500; fund 0.8 × 4500 = 3600
    expect(s.setlinfo).toMatchObject({ act_pay_dedc_fen: fen(500), hifp_pay_fen: fen(3600) })
    expect(s.stay).toMatchObject({ episode_n: 1, episode_id: s.claim.mdtrtId })
  })

  it('settle_as_one = false still merges: merging depends on merge_gap_days alone (#20 item 4, SPEC §3 step 3)', () => {
    // settle_as_one only decides month-end roll-up. One admission owes the level-2 deductible once: A1 charged 200,
    // the referred stay at A2 pays 500 − 200 = 300 (200 + 300 = 500), not a second admission's full 500 (200 + 500)
    const apart = makePolicy((p) => { p.alliance.settle_as_one = false })
    const s = settle(referred(), history({ admissions: 1 }, [first]), apart)
    expect(s.setlinfo.act_pay_dedc_fen).toBe(fen(300))
    expect(s.accum.admissions).toBe(0)
    expect(s.stay).toMatchObject({ episode_id: 'MA1', episode_dedc_fen: fen(500) })
  })

  it('merge_gap_days null switches merging off: the referred stay is a new admission', () => {
    const off = makePolicy((p) => { p.alliance.merge_gap_days = null })
    const s = settle(referred(), history({ admissions: 1 }, [first]), off)
    // 2nd admission of a resident (factor 1) at level 2: the full 500
    expect(s.setlinfo.act_pay_dedc_fen).toBe(fen(500))
    expect(s.accum.admissions).toBe(1)
  })
})

describe('the episode deductible on a real ledger', () => {
  it('is the sum over the episode\'s live stays: a branch counts, a reversed branch no longer does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dipsettle-episode-'))
    const ledger = openLedger(join(dir, 'ledger.sqlite'))
    try {
      const record = (body: ClaimInput) => {
        const o = adjudicate(body, ctx(ledger, makePolicy()))
        if (o.status !== 'ok') throw new Error('rejected: ' + JSON.stringify(o.reasons))
        const r = ledger.record(o.settlement, `hash-${body.msgid}`)
        if (r.status !== 'settled') throw new Error(r.status)
        return { dedc: o.settlement.setlinfo.act_pay_dedc_fen, setlId: r.result.setl_id ?? '' }
      }
      const fees = [fee(C.JIA, 50, 100)]
      const a = record(claim({ mdtrt_id: 'MA1', fixmedins_code: H.A1, begndate: '2026-09-01', enddate: '2026-09-04', fees }))
      expect(a.dedc).toBe(fen(200))
      const branch = (id: string) => claim({ mdtrt_id: id, fixmedins_code: H.A2, referral_from: 'MA1', begndate: '2026-09-04', enddate: '2026-09-12', fees })
      const b = record(branch('MA2'))
      expect(b.dedc).toBe(fen(300)) // level 2: 500 − 200
      const c = record(branch('MA3'))
      expect(c.dedc).toBe(0) // 500 − (200 + 300)
      for (const x of [c, b]) {
        const rev = ledger.reverse(x.setlId, `${H.A2}20260920090000${x.setlId.slice(-4)}`, `rev-${x.setlId}`)
        expect(rev.status).toBe('settled')
      }
      // both branches reversed: only MA1's 200 is credited again
      expect(record(branch('MA4')).dedc).toBe(fen(300))
      expect(ledger.verify()).toEqual([])
    } finally {
      ledger.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('an mdtrt_id already settled', () => {
  it('is rejected with E_MDTRT_SETTLED', () => {
    const body = claim()
    const o = adjudicate(body, ctx(history({}, [stay({ mdtrt_id: body.mdtrt_id, fixmedins_code: H.L3, enddate: '2026-09-09' })])))
    expect(o).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_MDTRT_SETTLED', field: 'mdtrt_id' }] })
  })
})
