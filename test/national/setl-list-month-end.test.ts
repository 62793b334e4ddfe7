// 4101A at month-end (SPEC §12, §5, §6): the settlement list's diagnoses and procedures are the ones DIP groups the
// stay on, so month-end and the feedback report pay the latest list's group and points instead of the grouping made
// at 2304 (which the gateway makes without procedures: 2304 carries none). Once the settlement's month is closed a
// list is refused and changes nothing; a reversal after the close takes back the points the closed month paid, i.e.
// the list's.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { hospitalReport, settleMonth } from '../../engine/settlement/index.js'
import type { MonthEndReport } from '../../engine/settlement/types.js'
import type { Tables } from '../../engine/tables/types.js'
import {
  buildDemoTables, closeSide, diseinfo, envelope, feedetail, ledgerState, openSide, post, removeDir, sumYuan, tmpDir, type Answer, type Side,
} from './world.js'

let dir: string
let tables: Tables
let gw: Side
let c: ClaimInput
let seq = 0

beforeAll(async () => {
  dir = tmpDir()
  tables = buildDemoTables(dir).tables
  // an inpatient stay whose procedures move its DIP group (grouped without them at 2304, with them at 4101A)
  const all = [...generateDemoClaims(tables, { count: 200, seed: 7, month: '2026-10' })]
  const found = all.find((x) => x.med_type === '21' && !x.referral_from && (x.procedures ?? []).length > 0 && x.insutype === '310')
  if (found === undefined) throw new Error('no demo stay with procedures')
  c = found
  gw = await openSide(tables, join(dir, 'gateway.sqlite'), [c.fixmedins_code])
}, 120_000)

afterAll(async () => {
  await closeSide(gw)
  removeDir(dir)
})

async function call(infno: string, input: unknown): Promise<Answer> {
  const { status, answer } = await post(gw.app, gw.tokens.get(c.fixmedins_code)!, envelope(c.fixmedins_code, infno, ++seq, input))
  expect(status).toBe(200)
  return answer
}

async function ok(infno: string, input: unknown): Promise<Answer> {
  const a = await call(infno, input)
  expect(a.err_msg, `${infno}: ${a.err_msg}`).toBeNull()
  return a
}

function list(mdtrtId: string, setlId: string, procedures: ClaimInput['procedures']): unknown {
  return {
    setlinfo: { mdtrt_id: mdtrtId, setl_id: setlId, psn_no: c.psn_no },
    diseinfo: c.diagnoses.map((d) => ({ diag_type: '1', diag_code: d.code, maindiag_flag: d.main ? '1' : '0' })),
    oprninfo: (procedures ?? []).map((p) => ({ oprn_oprt_type: p.main ? '1' : '2', oprn_oprt_code: p.code })),
  }
}

async function monthEnd(month: string, close: boolean): Promise<MonthEndReport> {
  // a fixed ratio: the next month has no discharge of its own to take the actual ratio from
  const policy = { ...tables.policy, month_end: { ...tables.policy.month_end, reimbursement_ratio: { '310': 0.6, '390': 0.6 } } }
  const out = await settleMonth(gw.ledger, tables, policy, { month, pool: '310', budgetFen: 100_000_000, close, now: () => new Date('2026-11-05T02:00:00Z') })
  if (out.status !== 'ok') throw new Error(JSON.stringify(out))
  return out.report
}

describe('4101A and month-end', () => {
  it('pays the latest list\'s grouping until the month closes, then refuses a list; a later reversal takes back what was paid', async () => {
    const admitted = await ok('2401', {
      mdtrtinfo: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, med_type: '21' },
      diseinfo: diseinfo(c),
    })
    const mdtrtId: string = admitted.output.result.mdtrt_id
    await ok('2301', { feedetail: feedetail(c, mdtrtId, c.fees) })
    await ok('2402', { dscginfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, insutype: c.insutype, endtime: `${c.enddate} 10:00:00`, dscg_way: '1' }, diseinfo: diseinfo(c) })
    const total = sumYuan(c.fees.map((f) => f.amount))
    const fin = await ok('2304', { data: { psn_no: c.psn_no, mdtrt_id: mdtrtId, insutype: c.insutype, medfee_sumamt: total, mid_setl_flag: '0' } })
    const setlId: string = fin.output.setlinfo.setl_id
    const settledPoints = gw.ledger.db.prepare('SELECT dip_points_1e4 FROM settlements WHERE setl_id = ?').pluck().get(setlId) as number

    // month-end before any list: the 2304 grouping (one discharge: the month's total is its points)
    expect((await monthEnd('2026-10', false)).total_points).toBe(settledPoints / 10_000)

    // the list with the procedures: another group, and month-end pays it
    const withOps = await ok('4101A', list(mdtrtId, setlId, c.procedures))
    expect(withOps.output.dip.points_1e4).not.toBe(settledPoints)
    const draft = await monthEnd('2026-10', false)
    expect(draft.total_points).toBe(withOps.output.dip.points)
    expect(draft.hospitals[0]!.points).toBe(withOps.output.dip.points)
    const feedback = await hospitalReport(gw.ledger, tables, tables.policy, { month: '2026-10', pool: '310', code: c.fixmedins_code })
    expect(feedback!.groups.map((g) => g.dip_group_code)).toEqual([withOps.output.dip.group_code ?? '(ungroupable)'])
    expect(feedback!.groups[0]!.points).toBe(withOps.output.dip.points)

    // the latest upload wins: a list without procedures groups as 2304 did
    const noOps = await ok('4101A', list(mdtrtId, setlId, []))
    expect(noOps.output.dip.points_1e4).toBe(settledPoints)
    expect((await monthEnd('2026-10', false)).total_points).toBe(settledPoints / 10_000)
    // and back again: the closed month pays the list with the procedures
    await ok('4101A', list(mdtrtId, setlId, c.procedures))
    const closed = await monthEnd('2026-10', true)
    expect(closed.total_points).toBe(withOps.output.dip.points)

    // after the close a list is refused, naming the month, and nothing changes
    const before = ledgerState(gw.ledger)
    const late = await call('4101A', list(mdtrtId, setlId, []))
    expect(late.infcode).toBe(-1)
    expect(late.err_msg).toContain('input.setlinfo.setl_id')
    expect(late.err_msg).toContain('2026-10 月 (险种 310) 的月度预结算已于')
    expect(late.err_msg).toContain('关账')
    expect(ledgerState(gw.ledger)).toBe(before)

    // 2305 after the close: carried into the next month's run, taking back the list's points (what 2026-10 paid)
    await ok('2305', { data: { setl_id: setlId, mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    const next = await monthEnd('2026-11', false)
    expect(next.hospitals.map((h) => [h.fixmedins_code, h.adjustment?.points, h.adjustment?.setl_ids.length]))
      .toEqual([[c.fixmedins_code, -withOps.output.dip.points, 1]])
  }, 60_000)
})
