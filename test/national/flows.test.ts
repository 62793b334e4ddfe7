// The national gateway end to end on the demo region (SPEC §12): the inpatient flow 9001 → 1101 → 2401 → 2301 (three
// uploads, two lines withdrawn by 2302) → 2402 → 2303 → 2304 → 4101A → 2305 and the outpatient flow 2201 → 2203 → 2204
// (a batch withdrawn by 2205) → 2206 → 2207 → 2208 give, to the fen, what POST /v1 gives for the same claim on a ledger
// with the same history; 3201 reconciles the totals.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import type { Tables } from '../../engine/tables/types.js'
import { SETLINFO_FIELDS, type AdjudicationResult } from '../../engine/result.js'
import { sqliteAccounts } from '../../engine/ledger/sqlite/accounts.js'
import {
  buildDemoTables, closeSide, demoClaims, diseinfo, envelope, feedetail, openSide, post, removeDir, sumYuan, tmpDir, type Answer, type Side,
} from './world.js'

let dir: string
let tables: Tables
let gw: Side
let v1: Side
let ipt: ClaimInput
let otp: ClaimInput
let seq = 0

beforeAll(async () => {
  dir = tmpDir()
  tables = buildDemoTables(dir).tables
  ;({ inpatient: ipt, outpatient: otp } = demoClaims(tables))
  const hospitals = [...new Set([ipt.fixmedins_code, otp.fixmedins_code])]
  // the real clock: 3201 reconciles by the day the ledger writer recorded the settlements
  gw = await openSide(tables, join(dir, 'gateway.sqlite'), hospitals, { nationalClock: () => new Date() })
  v1 = await openSide(tables, join(dir, 'v1.sqlite'), hospitals)
}, 120_000)

afterAll(async () => {
  await closeSide(gw)
  await closeSide(v1)
  removeDir(dir)
})

async function call(c: ClaimInput, infno: string, input: unknown): Promise<Answer> {
  const { status, answer } = await post(gw.app, gw.tokens.get(c.fixmedins_code)!, envelope(c.fixmedins_code, infno, ++seq, input))
  expect(status).toBe(200)
  return answer
}

async function ok(c: ClaimInput, infno: string, input: unknown): Promise<Answer> {
  const a = await call(c, infno, input)
  expect(a.err_msg, `${infno}: ${a.err_msg}`).toBeNull()
  expect(a.infcode).toBe(0)
  return a
}

async function v1Post(url: string, c: ClaimInput, body: unknown): Promise<AdjudicationResult> {
  const res = await v1.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${v1.tokens.get(c.fixmedins_code)!}` }, payload: body as object })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as AdjudicationResult
}

/** The §9 setlinfo fields of a national setlinfo (it carries setl_id, mdtrt_id … beside them). */
function moneyOf(setlinfo: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(SETLINFO_FIELDS.map((k) => [k, setlinfo[k]]))
}

function detailOf(d: readonly { fund_pay_type: string; fund_payamt: number }[]): unknown[] {
  return d.map((x) => ({ fund_pay_type: x.fund_pay_type, fund_payamt: x.fund_payamt }))
}

describe('the inpatient flow through the gateway', () => {
  it('settles to the fen what POST /v1/settlements settles, groups as it does after 4101A, and 2305 rolls back like the /v1 reversal', async () => {
    const c = ipt
    const sign = await ok(c, '9001', { signIn: { opter_no: '0001', mac: '00-00-00-00-00-00', ip: '127.0.0.1' } })
    expect(sign.output.signinoutb.sign_no).toMatch(/^SN/)

    const person = await ok(c, '1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: c.psn_no, psn_cert_type: '01', certno: c.psn_no, psn_name: '患者' } })
    expect(person.output.baseinfo.psn_no).toBe(c.psn_no)
    expect(person.output.insuinfo[0].insutype).toBe(c.insutype)

    const admitted = await ok(c, '2401', {
      mdtrtinfo: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, med_type: '21', ipt_no: 'ZY0001', adm_dept_codg: 'A01' },
      diseinfo: diseinfo(c),
    })
    const mdtrtId: string = admitted.output.result.mdtrt_id
    expect(mdtrtId).toMatch(/^N\d{12}$/)

    // three uploads of the claim's lines, with two stray lines in the second that 2302 withdraws again
    const third = Math.ceil(c.fees.length / 3)
    const chunks = [c.fees.slice(0, third), c.fees.slice(third, 2 * third), c.fees.slice(2 * third)]
    const stray = c.fees.slice(0, 2).map((f, i) => ({ ...f, feedetl_sn: `X${i + 1}` }))
    const classified: Record<string, Record<string, unknown>> = {}
    for (const [i, chunk] of chunks.entries()) {
      const lines = i === 1 ? [...chunk, ...stray] : chunk
      const up = await ok(c, '2301', { feedetail: feedetail(c, mdtrtId, lines) })
      expect(up.output.result.map((l: { feedetl_sn: string }) => l.feedetl_sn)).toEqual(lines.map((l) => l.feedetl_sn))
      for (const l of up.output.result) classified[l.feedetl_sn] = l
    }
    for (const sn of ['X1', 'X2']) await ok(c, '2302', { data: { feedetl_sn: sn, mdtrt_id: mdtrtId, psn_no: c.psn_no } })

    await ok(c, '2402', {
      dscginfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, insutype: c.insutype, endtime: `${c.enddate} 10:00:00`, dscg_way: c.dscg_way ?? '1', dscg_maindiag_code: c.diagnoses[0]!.code },
      diseinfo: diseinfo(c),
    })
    const total = sumYuan(c.fees.map((f) => f.amount))
    const settleInput = { data: { psn_no: c.psn_no, mdtrt_id: mdtrtId, insutype: c.insutype, medfee_sumamt: total, acct_used_flag: '0', mid_setl_flag: '0' } }
    const pre = await ok(c, '2303', settleInput)
    const fin = await ok(c, '2304', settleInput)

    const vPre = await v1Post('/v1/presettlements', c, c)
    const vFin = await v1Post('/v1/settlements', c, c)
    expect(vFin.status).toBe('settled')
    // a claim the funds pay part of, so that the comparisons below compare something
    expect(vFin.setlinfo!.fund_pay_sumamt).toBeGreaterThan(0)
    expect(vFin.setlinfo!.psn_part_amt).toBeGreaterThan(0)
    expect(moneyOf(pre.output.setlinfo)).toEqual(vPre.setlinfo)
    expect(detailOf(pre.output.setldetail)).toEqual(vPre.setldetail)
    expect(moneyOf(fin.output.setlinfo)).toEqual(vFin.setlinfo)
    expect(detailOf(fin.output.setldetail)).toEqual(vFin.setldetail)
    expect(fin.output.setlinfo.medfee_sumamt).toBe(total)
    // each uploaded line was answered with the split the settlement then made of it
    for (const l of vFin.lines!) {
      const g = classified[l.feedetl_sn]!
      expect([g['chrgitm_lv'], g['fulamt_ownpay_amt'], g['overlmt_amt'], g['preselfpay_amt'], g['inscp_scp_amt']])
        .toEqual([l.chrgitm_lv, l.fulamt_ownpay_amt, l.overlmt_amt, l.preselfpay_amt, l.inscp_scp_amt])
    }
    const year = Number(c.enddate.slice(0, 4))
    expect(gw.ledger.personYear(c.psn_no, year)).toEqual(v1.ledger.personYear(c.psn_no, year))
    expect(gw.ledger.personYear(c.psn_no, year).admissions).toBe(1)

    // 4101A: the settlement list's diagnoses and procedures → the DIP group /v1 found with them
    const setlId: string = fin.output.setlinfo.setl_id
    const list = await ok(c, '4101A', {
      setlinfo: { mdtrt_id: mdtrtId, setl_id: setlId, psn_no: c.psn_no, psn_name: '患者', ipt_med_type: '1' },
      diseinfo: c.diagnoses.map((d) => ({ diag_type: '1', diag_code: d.code, maindiag_flag: d.main ? '1' : '0' })),
      oprninfo: (c.procedures ?? []).map((p) => ({ oprn_oprt_type: p.main ? '1' : '2', oprn_oprt_code: p.code, oprn_oprt_date: `${c.begndate} 14:00:00` })),
    })
    expect(list.output.dip.group_code).toBe(vFin.dip!.group_code)
    expect(list.output.dip.points).toBe(vFin.dip!.points)
    expect(list.output.dip.kind).toBe(vFin.dip!.kind)

    // 2305 and the /v1 reversal: the same negated money, the accumulators back where they were
    const rev = await ok(c, '2305', { data: { setl_id: setlId, mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    const vRev = await v1Post(`/v1/settlements/${vFin.setl_id!}/reversal`, c, { msgid: `${c.fixmedins_code}20261101120000${'0001'}` })
    expect(moneyOf(rev.output.setlinfo)).toEqual(vRev.setlinfo)
    expect(rev.output.setlinfo.reverses).toBe(setlId)
    expect(gw.ledger.personYear(c.psn_no, year)).toEqual(v1.ledger.personYear(c.psn_no, year))
    expect(gw.ledger.personYear(c.psn_no, year).admissions).toBe(0)
    expect(gw.ledger.verify()).toEqual([])

    // the stay is discharged again: it settles anew, to the same money (the history is what it was)
    const again = await ok(c, '2304', settleInput)
    expect(moneyOf(again.output.setlinfo)).toEqual(vFin.setlinfo)
    expect(again.output.setlinfo.setl_id).not.toBe(setlId)
  }, 60_000)
})

describe('1101 人员信息获取', () => {
  it('answers the personal account balance the ledger holds: opening + the month\'s credit (SPEC §15)', async () => {
    const c = otp
    const openingFen = tables.persons.get(c.psn_no)!.acctBalanceFen
    // a credit recorded in the gateway's ledger: 123.45 yuan more than the persons.csv opening balance
    await sqliteAccounts(gw.ledger.db).creditMonth('2026-01', [{ psnNo: c.psn_no, amountFen: 12_345, kind: 'in_service' }])
    const person = await ok(c, '1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: c.psn_no } })
    expect(person.output.insuinfo[0].balc).toBe((openingFen + 12_345) / 100)
  })
})

describe('the outpatient flow through the gateway', () => {
  it('settles what POST /v1/settlements settles; 2208 rolls back like the /v1 reversal', async () => {
    const c = otp
    const reg = await ok(c, '2201', { data: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, mdtrt_cert_type: '02', mdtrt_cert_no: c.psn_no, ipt_otp_no: 'MZ0001', dept_code: 'A01' } })
    const mdtrtId: string = reg.output.data.mdtrt_id
    await ok(c, '2203', {
      mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, med_type: c.med_type, begntime: `${c.begndate} 08:10:00` },
      diseinfo: c.diagnoses.map((d, i) => ({ diag_type: '1', diag_srt_no: i + 1, diag_code: d.code, diag_name: '', diag_dept: 'A01', dise_dor_no: 'D1', dise_dor_name: '医师', diag_time: `${c.begndate} 08:10:00`, vali_flag: '1' })),
    })
    await ok(c, '2204', { feedetail: feedetail(c, mdtrtId, c.fees, { chrg_bchno: 'B1' }) })
    const stray = c.fees.slice(0, 1).map((f) => ({ ...f, feedetl_sn: 'Y1' }))
    await ok(c, '2204', { feedetail: feedetail(c, mdtrtId, stray, { chrg_bchno: 'B2' }) })
    await ok(c, '2205', { data: { chrg_bchno: 'B2', mdtrt_id: mdtrtId, psn_no: c.psn_no } })

    const total = sumYuan(c.fees.map((f) => f.amount))
    const input = { data: { psn_no: c.psn_no, mdtrt_id: mdtrtId, insutype: c.insutype, med_type: c.med_type, medfee_sumamt: total, chrg_bchno: 'B1', acct_used_flag: '0' } }
    const pre = await ok(c, '2206', input)
    const fin = await ok(c, '2207', input)
    const vFin = await v1Post('/v1/settlements', c, { ...c, msgid: `${c.fixmedins_code}20261101110000${'0009'}` })
    expect(moneyOf(pre.output.setlinfo)).toEqual(vFin.setlinfo)
    expect(moneyOf(fin.output.setlinfo)).toEqual(vFin.setlinfo)
    expect(detailOf(fin.output.setldetail)).toEqual(vFin.setldetail)
    expect(fin.output.setlinfo.clr_type).toBe('11')
    const year = Number(c.enddate.slice(0, 4))
    expect(gw.ledger.personYear(c.psn_no, year)).toEqual(v1.ledger.personYear(c.psn_no, year))

    await ok(c, '2208', { data: { setl_id: fin.output.setlinfo.setl_id, mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    await v1Post(`/v1/settlements/${vFin.setl_id!}/reversal`, c, { msgid: `${c.fixmedins_code}20261101120000${'0002'}` })
    expect(gw.ledger.personYear(c.psn_no, year)).toEqual(v1.ledger.personYear(c.psn_no, year))
    // settled again for 3201 below
    await ok(c, '2207', input)
  }, 60_000)
})

describe('3201 reconciliation', () => {
  it('agrees on the ledger\'s totals (settlements less reversals) and says where the hospital\'s differ', async () => {
    const c = ipt
    const rows = gw.ledger.db.prepare(`SELECT medfee_sumamt_fen AS m, fund_pay_sumamt_fen AS f, acct_pay_fen AS a, kind,
      date(recorded_at, '+8 hours') AS day FROM settlements WHERE fixmedins_code = ? AND insutype = ? AND inpatient = 1 ORDER BY seq`)
      .all(c.fixmedins_code, c.insutype) as { m: number; f: number; a: number; kind: string; day: string }[]
    const days = rows.map((r) => r.day).sort()
    // the stay settled, reversed and settled again: 2 settlements, 1 reversal → one settlement's worth
    expect(rows.map((r) => r.kind)).toEqual(['settlement', 'reversal', 'settlement'])
    const sum = (k: 'm' | 'f' | 'a'): number => rows.reduce((s, r) => s + r[k], 0) / 100
    const data = {
      insutype: c.insutype, clr_type: '21', setl_optins: '150200', stmt_begndate: days[0]!, stmt_enddate: days.at(-1)!,
      medfee_sumamt: sum('m'), fund_pay_sumamt: sum('f'), acct_pay: sum('a'), fixmedins_setl_cnt: 1,
    }
    const same = await ok(c, '3201', { data })
    expect(same.output.data.stmt_rslt).toBe('0')
    const differ = await ok(c, '3201', { data: { ...data, medfee_sumamt: sumYuan([data.medfee_sumamt, 0.01]) } })
    expect(differ.output.data.stmt_rslt).toBe('1')
    expect(differ.output.data.stmt_rslt_dscr).toContain('medfee_sumamt')
  })
})
