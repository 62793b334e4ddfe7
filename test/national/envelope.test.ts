// The envelope's contract (SPEC §12, BRIEF strict input): 401 only for the token; every other failure is HTTP 200 with
// infcode −1, a Chinese err_msg naming the national field, and nothing changed in the ledger; msgid replays the first
// answer byte for byte and refuses another body; 2404 / 2405 / 2302 undo their steps.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import type { Tables } from '../../engine/tables/types.js'
import { NATIONAL_PATH } from '../../server/national/envelope.js'
import {
  buildDemoTables, closeSide, demoClaims, diseinfo, envelope, feedetail, ledgerState, openSide, post, removeDir, sumYuan, tmpDir,
  type Answer, type Envelope, type Side,
} from './world.js'

let dir: string
let tables: Tables
let gw: Side
let c: ClaimInput
let other: string
let token: string
let seq = 100

beforeAll(async () => {
  dir = tmpDir()
  tables = buildDemoTables(dir).tables
  c = demoClaims(tables).inpatient
  other = [...tables.hospitals.keys()].find((h) => h !== c.fixmedins_code)!
  gw = await openSide(tables, join(dir, 'gateway.sqlite'), [c.fixmedins_code, other])
  token = gw.tokens.get(c.fixmedins_code)!
}, 120_000)

afterAll(async () => {
  await closeSide(gw)
  removeDir(dir)
})

const env = (infno: string, input: unknown): Envelope => envelope(c.fixmedins_code, infno, ++seq, input)

async function send(e: Envelope | string, t: string | null = token): Promise<{ status: number; answer: Answer; text: string }> {
  return post(gw.app, t, e)
}

async function ok(infno: string, input: unknown): Promise<Answer> {
  const { status, answer } = await send(env(infno, input))
  expect(status).toBe(200)
  expect(answer.err_msg, `${infno}: ${answer.err_msg}`).toBeNull()
  return answer
}

/** The call answers −1 with an err_msg containing `field`, and the ledger is as it was. */
async function refused(e: Envelope | string, field: string, t: string | null = token): Promise<Answer> {
  const before = ledgerState(gw.ledger)
  const { status, answer } = await send(e, t)
  expect(status).toBe(200)
  expect(answer.infcode).toBe(-1)
  expect(answer.output).toBeNull()
  expect(answer.err_msg).toContain(field)
  expect(ledgerState(gw.ledger)).toBe(before)
  return answer
}

const admitInput = (): unknown => ({
  mdtrtinfo: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, med_type: '21' }, diseinfo: diseinfo(c),
})

async function admitted(): Promise<string> {
  return (await ok('2401', admitInput())).output.result.mdtrt_id as string
}

const dischargeInput = (mdtrtId: string): unknown => ({
  dscginfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, insutype: c.insutype, endtime: `${c.enddate} 10:00:00`, dscg_way: '1' }, diseinfo: diseinfo(c),
})

const settleInput = (mdtrtId: string, total = sumYuan(c.fees.map((f) => f.amount))): unknown =>
  ({ data: { psn_no: c.psn_no, mdtrt_id: mdtrtId, insutype: c.insutype, medfee_sumamt: total } })

describe('the envelope', () => {
  it('answers 401 with a national body for a missing or unknown token, and changes nothing', async () => {
    const before = ledgerState(gw.ledger)
    for (const t of [null, 'dps_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const { status, answer } = await send(env('2401', admitInput()), t)
      expect(status).toBe(401)
      expect(answer.infcode).toBe(-1)
      expect(answer.err_msg).toContain('令牌')
    }
    expect(ledgerState(gw.ledger)).toBe(before)
  })

  it('refuses an unknown infno, a missing input, another hospital\'s envelope, a msgid of another hospital', async () => {
    await refused(env('9999', {}), 'infno 9999')
    const { input: _input, ...noInput } = env('2401', admitInput())
    await refused(noInput as Envelope, 'input 缺失')
    // the token is the first hospital's, the envelope says the other's
    await refused(envelope(other, '2401', ++seq, admitInput()), `fixmedins_code ${other}`)
    await refused({ ...env('2401', admitInput()), msgid: `${other}20261101100000${'0777'}` }, 'msgid')
    await refused({ ...env('2401', admitInput()), extra_key: '1' }, 'extra_key 不是本交易的字段')
  })

  it('refuses bodies that are not strict JSON: a repeated key, bytes that are not UTF-8, deep nesting', async () => {
    const text = JSON.stringify(env('2401', admitInput()))
    await refused(text.replace('"infno":"2401"', '"infno":"2401","infno":"2402"'), '字段 infno 重复出现')
    const bytes = Buffer.from(text.replace('收费员', 'XX'), 'utf8')
    bytes[bytes.indexOf('XX')] = 0xff
    const before = ledgerState(gw.ledger)
    const res = await gw.app.inject({ method: 'POST', url: NATIONAL_PATH, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload: bytes })
    expect(res.json().infcode).toBe(-1)
    expect(res.json().err_msg).toContain('UTF-8')
    expect(ledgerState(gw.ledger)).toBe(before)
    let deep: unknown = 1
    for (let i = 0; i < 40; i++) deep = { a: deep }
    await refused(env('2401', deep), '嵌套')
  })

  it('checks every input field, naming the national field', async () => {
    const a = admitInput() as { mdtrtinfo: Record<string, unknown>; diseinfo: Record<string, unknown>[] }
    await refused(env('2401', { ...a, mdtrtinfo: { ...a.mdtrtinfo, bogus: 'x' } }), 'input.mdtrtinfo.bogus 不是本交易的字段')
    await refused(env('2401', { ...a, mdtrtinfo: { ...a.mdtrtinfo, psn_no: undefined } }), 'input.mdtrtinfo.psn_no 缺失')
    await refused(env('2401', { ...a, mdtrtinfo: { ...a.mdtrtinfo, begntime: '1899-12-31 08:00:00' } }), 'input.mdtrtinfo.begntime')
    await refused(env('2401', { ...a, mdtrtinfo: { ...a.mdtrtinfo, begntime: '2026-02-30 08:00:00' } }), 'input.mdtrtinfo.begntime')
    await refused(env('2401', { ...a, mdtrtinfo: { ...a.mdtrtinfo, insutype: 310 } }), 'input.mdtrtinfo.insutype 应为字符串')
    await refused(env('2401', { ...a, diseinfo: [{ ...a.diseinfo[0], diag_code: 'Q99.999' }] }), 'input.diseinfo[0].diag_code')
    await refused(env('2401', { ...a, diseinfo: [] }), 'input.diseinfo 至少需要 1 条')
    const mdtrtId = await admitted()
    const [line] = feedetail(c, mdtrtId, c.fees.slice(0, 1))
    await refused(env('2301', { feedetail: [{ ...line, det_item_fee_sumamt: 12.345 }] }), 'input.feedetail[0].det_item_fee_sumamt 金额有误: 最多两位小数')
    await refused(env('2301', { feedetail: [{ ...line, cnt: '2' }] }), 'input.feedetail[0].cnt 应为数值')
    // amount ≠ cnt × pric: the engine's own check, reported under the national name
    await refused(env('2301', { feedetail: [{ ...line, det_item_fee_sumamt: sumYuan([line!['det_item_fee_sumamt'] as number, 0.01]) }] }), 'input.feedetail[0].det_item_fee_sumamt')
    await refused(env('2301', { feedetail: [{ ...line, mdtrt_id: 'N999999999999' }] }), 'N999999999999')
  })

  it('accepts the national interface\'s documented optional fields (exp_content included), typed; still refuses unknown keys', async () => {
    const exp = { region_key: 'x', nested: { any: [1, 2] } }
    const a = admitInput() as { mdtrtinfo: Record<string, unknown>; diseinfo: Record<string, unknown>[] }
    const mdtrtId = (await ok('2401', {
      mdtrtinfo: { ...a.mdtrtinfo, psn_cert_type: '01', certno: '150200199001011234', psn_name: '患者', ipt_no: 'ZY1', adm_bed: '12', exp_content: exp },
      diseinfo: a.diseinfo,
    })).output.result.mdtrt_id as string
    await ok('2301', { feedetail: feedetail(c, mdtrtId, c.fees, { init_feedetl_sn: '', drord_no: 'YZ1', med_type: '21', hosp_appr_flag: '1', exp_content: 'x' }) })
    const d = dischargeInput(mdtrtId) as { dscginfo: Record<string, unknown>; diseinfo: unknown[] }
    await ok('2402', { ...d, dscginfo: { ...d.dscginfo, dscg_bed: '12', dscg_dept_codg: 'A01', exp_content: exp } })
    const si = settleInput(mdtrtId) as { data: Record<string, unknown> }
    const data = { ...si.data, mdtrt_cert_type: '02', mdtrt_cert_no: c.psn_no, psn_setlway: '01', mid_setl_flag: '0', pub_hosp_rfom_flag: '0', invono: 'FP1', exp_content: exp }
    // typed: exp_content is a string or an object, an optional amount is yuan with 2 decimals, med_type the stay's
    await refused(env('2303', { data: { ...data, exp_content: [1] } }), 'input.data.exp_content 应为字符串或对象')
    await refused(env('2303', { data: { ...data, fulamt_ownpay_amt: 1.234 } }), 'input.data.fulamt_ownpay_amt 金额有误')
    await refused(env('2303', { data: { ...data, med_type: '22' } }), 'input.data.med_type')
    await refused(env('2303', { data: { ...data, bogus_flag: '1' } }), 'input.data.bogus_flag 不是本交易的字段')
    const settled = await ok('2304', { data })
    const setlId = settled.output.setlinfo.setl_id as string
    // 4101A with the 结算清单's head, fund, item and ICU blocks (kept as sent; DIP reads diseinfo and oprninfo)
    const list = {
      setlinfo: {
        mdtrt_id: mdtrtId, setl_id: setlId, psn_no: c.psn_no, fixmedins_code: c.fixmedins_code, psn_name: '患者', gend: '1', age: 60,
        adm_time: `${c.begndate} 08:00:00`, dscg_time: `${c.enddate} 10:00:00`, act_ipt_days: 3, vent_used_dura: '0/0/0', psn_cashpay: 12.5,
        hi_paymtd: '4', exp_content: exp,
      },
      payinfo: [{ fund_pay_type: '310100', fund_payamt: 100 }],
      diseinfo: c.diagnoses.map((x) => ({ diag_type: '1', diag_code: x.code, maindiag_flag: x.main ? '1' : '0' })),
      iteminfo: [{ med_chrgitm: '01', amt: 10, claa_sumfee: 10, clab_amt: 0, fulamt_ownpay_amt: 0, oth_amt: 0 }],
      oprninfo: [], icuinfo: [],
    }
    await refused(env('4101A', { ...list, setlinfo: { ...list.setlinfo, act_ipt_days: 2.5 } }), 'input.setlinfo.act_ipt_days 应为整数')
    await refused(env('4101A', { ...list, setlinfo: { ...list.setlinfo, fixmedins_code: other } }), 'input.setlinfo.fixmedins_code')
    await refused(env('4101A', { ...list, bldinfo: [] }), 'input.bldinfo 不是本交易的字段')
    await refused(env('4101A', { ...list, payinfo: [{ fund_pay_type: '310100', fund_payamt: 100, x: 1 }] }), 'input.payinfo[0].x 不是本交易的字段')
    expect((await ok('4101A', list)).output.dip).toBeTruthy()
  })

  it('refuses 中途结算 (mid_setl_flag 1) on 2303 and 2304, saying why, and changes nothing', async () => {
    const mdtrtId = await admitted()
    await ok('2301', { feedetail: feedetail(c, mdtrtId, c.fees) })
    await ok('2402', dischargeInput(mdtrtId))
    const si = settleInput(mdtrtId) as { data: Record<string, unknown> }
    for (const infno of ['2303', '2304']) {
      const a = await refused(env(infno, { data: { ...si.data, mid_setl_flag: '1' } }), 'input.data.mid_setl_flag: 不支持中途结算')
      expect(a.err_msg).toContain('起付线')
      expect(a.err_msg).toContain('mid_setl_flag=0')
    }
  })

  it('replays the first answer for the same msgid and body; another body under that msgid answers −1', async () => {
    const e = env('2401', admitInput())
    const first = await send(e)
    expect(first.answer.infcode).toBe(0)
    const stays = (): number => gw.ledger.db.prepare('SELECT COUNT(*) FROM national_stays').pluck().get() as number
    const n = stays()
    // a retry with a refreshed inf_time is the same call
    const again = await send({ ...e, inf_time: '2026-11-01 10:00:05' })
    expect(again.text).toBe(first.text)
    expect(stays()).toBe(n)
    await refused({ ...e, input: { ...(admitInput() as object), mdtrtinfo: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 09:00:00`, med_type: '21' } } }, `msgid ${e.msgid} 已用于另一笔`)
  })
})

describe('the home page', () => {
  it('tells a HIS integrator where to point and which transactions are served', async () => {
    const page = (await gw.app.inject({ url: '/' })).body
    expect(page).toContain(NATIONAL_PATH)
    for (const infno of ['9001', '1101', '2401', '2301', '2304', '2207', '4101A', '3201']) expect(page).toContain(`<td>${infno}</td>`)
  })
})

describe('stay rules', () => {
  it('2304 refuses a medfee_sumamt that differs from the uploaded lines; 2301 on a settled stay answers −1', async () => {
    const mdtrtId = await admitted()
    await ok('2301', { feedetail: feedetail(c, mdtrtId, c.fees) })
    await ok('2402', dischargeInput(mdtrtId))
    const total = sumYuan(c.fees.map((f) => f.amount))
    await refused(env('2304', settleInput(mdtrtId, sumYuan([total, 0.01]))), 'input.data.medfee_sumamt')
    const settled = await ok('2304', settleInput(mdtrtId))
    expect(settled.output.setlinfo.setl_id).toMatch(/^S/)
    await refused(env('2301', { feedetail: feedetail(c, mdtrtId, c.fees.slice(0, 1).map((f) => ({ ...f, feedetl_sn: 'Z1' }))) }), '已结算')
    await refused(env('2302', { data: { feedetl_sn: '0000', mdtrt_id: mdtrtId, psn_no: c.psn_no } }), '已结算')
    await refused(env('2405', { data: { mdtrt_id: mdtrtId, psn_no: c.psn_no } }), '已结算')
    // a second 2304 (another msgid) on the settled stay
    await refused(env('2304', settleInput(mdtrtId)), '已结算')
    await ok('2305', { data: { setl_id: settled.output.setlinfo.setl_id, mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    await refused(env('2305', { data: { setl_id: settled.output.setlinfo.setl_id, mdtrt_id: mdtrtId, psn_no: c.psn_no } }), 'input.data.setl_id')
  })

  it('2405 undoes a discharge, 2302 withdraws lines (0000: all), 2404 cancels the emptied stay', async () => {
    const mdtrtId = await admitted()
    await refused(env('2405', { data: { mdtrt_id: mdtrtId, psn_no: c.psn_no } }), '在院')
    await ok('2301', { feedetail: feedetail(c, mdtrtId, c.fees) })
    await ok('2402', dischargeInput(mdtrtId))
    await ok('2405', { data: { mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    await refused(env('2303', settleInput(mdtrtId)), '请先办理出院')
    await refused(env('2404', { data: { mdtrt_id: mdtrtId, psn_no: c.psn_no } }), '请先撤销费用明细')
    await refused(env('2302', { data: { feedetl_sn: 'NOPE', mdtrt_id: mdtrtId, psn_no: c.psn_no } }), 'NOPE')
    await ok('2302', { data: { feedetl_sn: c.fees[0]!.feedetl_sn, mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    // the withdrawn line may be uploaded again
    await ok('2301', { feedetail: feedetail(c, mdtrtId, c.fees.slice(0, 1)) })
    await refused(env('2301', { feedetail: feedetail(c, mdtrtId, c.fees.slice(0, 1)) }), '已上传')
    await ok('2302', { data: { feedetl_sn: '0000', mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    expect(gw.ledger.db.prepare('SELECT COUNT(*) FROM national_stay_fees WHERE mdtrt_id = ?').pluck().get(mdtrtId)).toBe(0)
    await ok('2404', { data: { mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    await refused(env('2301', { feedetail: feedetail(c, mdtrtId, c.fees) }), '已撤销')
    await refused(env('2402', dischargeInput(mdtrtId)), '已撤销')
  })

  it('a stay of one hospital is unknown to another', async () => {
    const mdtrtId = await admitted()
    const e = envelope(other, '2301', ++seq, { feedetail: feedetail(c, mdtrtId, c.fees) })
    await refused(e, '不存在或不属于本机构', gw.tokens.get(other)!)
  })
})
