// 智能监控 through the national interface (SPEC §12, §14) on the demo region, whose policy has the rules: a warn flag
// settles (infcode 0) and is said in warn_msg; a block (fees dated outside the visit) is refused in err_msg and the
// upload changes nothing.
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import { buildDemoTables, closeSide, demoClaims, envelope, feedetail, ledgerState, openSide, post, removeDir, tmpDir, type Answer, type Side } from '../national/world.js'

let dir: string
let gw: Side
let otp: ClaimInput
let seq = 0

beforeAll(async () => {
  dir = tmpDir()
  const { tables } = buildDemoTables(dir)
  otp = demoClaims(tables).outpatient
  gw = await openSide(tables, join(dir, 'gateway.sqlite'), [otp.fixmedins_code])
}, 120_000)

afterAll(async () => {
  await closeSide(gw)
  removeDir(dir)
})

async function call(infno: string, input: unknown): Promise<Answer> {
  const { status, answer } = await post(gw.app, gw.tokens.get(otp.fixmedins_code)!, envelope(otp.fixmedins_code, infno, ++seq, input))
  expect(status).toBe(200)
  return answer
}

it('25 hours of nursing on the visit day settle with the flag in warn_msg; a fee dated the next day is refused', async () => {
  const c = otp
  const reg = await call('2201', { data: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, mdtrt_cert_type: '02', mdtrt_cert_no: c.psn_no, ipt_otp_no: 'MZ0001', dept_code: 'A01' } })
  const mdtrtId: string = reg.output.data.mdtrt_id
  await call('2203', {
    mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, med_type: c.med_type, begntime: `${c.begndate} 08:10:00` },
    diseinfo: c.diagnoses.map((d, i) => ({ diag_type: '1', diag_srt_no: i + 1, diag_code: d.code, diag_name: '', diag_dept: 'A01', dise_dor_no: 'D1', dise_dor_name: '医师', diag_time: `${c.begndate} 08:10:00`, vali_flag: '1' })),
  })
  // demo policy: 护理费 (T1102…) at most 24 a day; 25 × 22.11 = 552.75 yuan
  const nursing = [{ feedetl_sn: 'N1', code: 'T110200001', qty: 25, price: 22.11, amount: 552.75 }]
  const up = await call('2204', { feedetail: feedetail(c, mdtrtId, nursing, { chrg_bchno: 'B1' }) })
  expect([up.infcode, up.err_msg]).toEqual([0, null])

  // the next day's fee: M_FEE_OUTSIDE_STAY is block in the demo policy; nothing of the upload is kept
  const before = ledgerState(gw.ledger)
  const late = feedetail(c, mdtrtId, [{ ...nursing[0]!, feedetl_sn: 'N2', qty: 1, amount: 22.11 }], { chrg_bchno: 'B2' })
    .map((l) => ({ ...l, fee_ocur_time: `${nextDay(c.begndate)} 09:00:00` }))
  const refused = await call('2204', { feedetail: late })
  expect(refused.infcode).toBe(-1)
  expect(refused.err_msg).toContain('M_FEE_OUTSIDE_STAY')
  expect(ledgerState(gw.ledger)).toBe(before)

  const input = { data: { psn_no: c.psn_no, mdtrt_id: mdtrtId, insutype: c.insutype, med_type: c.med_type, medfee_sumamt: 552.75, chrg_bchno: 'B1', acct_used_flag: '0' } }
  const want = `[M_QTY_PER_DAY] 单日数量超过限量: 护理费（小时） ${c.begndate} 数量 25 超过每日上限 24`
  const pre = await call('2206', input)
  expect([pre.infcode, pre.warn_msg]).toEqual([0, want])
  const fin = await call('2207', input)
  expect([fin.infcode, fin.warn_msg]).toEqual([0, want])
}, 120_000)

function nextDay(d: string): string {
  return new Date(Date.parse(d + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10)
}
