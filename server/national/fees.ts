// 2301 住院费用明细上传 / 2302 撤销, and the outpatient 2204 / 2205 (SPEC §12). An upload appends its lines to the stay
// and answers each line's classification as the national interface does: the amounts come from the settlement core's
// pre-settlement of the stay with these lines (settle-port.ts presettle), never from a rule of this folder; the
// catalogue's own data (price cap, 先行自付 proportion) is shown beside them. A line the engine refuses (amount ≠
// cnt × pric, …) refuses the whole upload, naming its national field; nothing is appended.
import type { StayFee } from '../../engine/ledger/stays-port.js'
import type { AdjudicationResult } from '../../engine/result.js'
import { fenToYuan } from '../../engine/money.js'
import type { CatalogueItem, Tables } from '../../engine/tables/types.js'
import type { Policy } from '../../engine/policy/types.js'
import { EXP_CONTENT, NationalRefusal, opt, req, timeDay, type Fields, type Obj } from './fields.js'
import { envelopeOf, finish, inputOf, rejection, stayOf, statusText, type CallContext } from './context.js'
import { claimOfStay } from './claim-of-stay.js'

const LINE_COMMON = {
  feedetl_sn: req.str(30, { re: /^[A-Za-z0-9_-]+$/ }), mdtrt_id: req.str(30), psn_no: req.str(30), fee_ocur_time: { t: 'time', req: true },
  med_list_codg: req.str(50), medins_list_codg: req.str(150), det_item_fee_sumamt: { t: 'yuan', req: true },
  cnt: { t: 'num', req: true, min: 0.0001, max: 1e7 }, pric: { t: 'yuan', req: true }, bilg_dept_codg: opt(30), bilg_dept_name: opt(100),
  bilg_dr_codg: opt(30), bilg_dr_name: opt(50), acord_dept_codg: opt(30), acord_dept_name: opt(100), orders_dr_code: opt(30),
  orders_dr_name: opt(50), hosp_appr_flag: opt(3), tcmdrug_used_way: opt(6), etip_flag: opt(3), etip_hosp_code: opt(30),
  dscg_tkdrug_flag: opt(3), matn_fee_flag: opt(6), memo: opt(500), exp_content: EXP_CONTENT,
} as const

/** 2301 feedetail line. */
const IPT_LINE: Fields = { ...LINE_COMMON, init_feedetl_sn: opt(30), drord_no: opt(30), med_type: opt(6) }
/** 2204 feedetail line. */
const OTP_LINE: Fields = {
  ...LINE_COMMON, init_feedetl_sn: opt(30), drord_no: opt(30), med_type: opt(6), chrg_bchno: req.str(30), dise_codg: opt(30), rxno: opt(30), rx_circ_flag: opt(3), sin_dos_dscr: opt(200),
  used_frqu_dscr: opt(200), prd_days: { t: 'num', min: 0, max: 999 }, medc_way_dscr: opt(200),
}

const UPLOAD = (line: Fields): Fields => ({ feedetail: { t: 'arr', req: true, min: 1, max: 5000, of: line } })
const WITHDRAW_IPT: Fields = { data: { t: 'obj', req: true, fields: { feedetl_sn: req.str(30), mdtrt_id: req.str(30), psn_no: req.str(30), memo: opt(500), exp_content: EXP_CONTENT } } }
const WITHDRAW_OTP: Fields = { data: { t: 'obj', req: true, fields: { chrg_bchno: req.str(30), mdtrt_id: req.str(30), psn_no: req.str(30), exp_content: EXP_CONTENT } } }

/** 医疗收费项目类别 by the catalogue's list type (09 西药费, 11 中成药费, 10 中药饮片费, 05 治疗费, 08 卫生材料费; 14 其他). */
const CHRGITM_TYPE: Readonly<Record<string, string>> = { 101: '09', 102: '11', 103: '10', 201: '05', 301: '08' }

export async function uploadFees(ctx: CallContext, inpatient: boolean): Promise<string> {
  const lines = inputOf(ctx, UPLOAD(inpatient ? IPT_LINE : OTP_LINE))['feedetail'] as Obj[]
  const first = lines[0] as Obj
  const mdtrtId = first['mdtrt_id'] as string
  const psnNo = first['psn_no'] as string
  const seen = new Set<string>()
  lines.forEach((l, i) => {
    if (l['mdtrt_id'] !== mdtrtId) throw new NationalRefusal(`input.feedetail[${i}].mdtrt_id`, `input.feedetail[${i}].mdtrt_id: 一次上传只能属于一个就诊 (${mdtrtId})`)
    if (l['psn_no'] !== psnNo) throw new NationalRefusal(`input.feedetail[${i}].psn_no`, `input.feedetail[${i}].psn_no: 一次上传只能属于一个参保人 (${psnNo})`)
    const sn = l['feedetl_sn'] as string
    if (seen.has(sn)) throw new NationalRefusal(`input.feedetail[${i}].feedetl_sn`, `input.feedetail[${i}].feedetl_sn: 流水号 ${sn} 在本次上传中重复`)
    seen.add(sn)
  })
  const stay = await stayOf(ctx, mdtrtId, psnNo, inpatient, 'input.feedetail[0]')
  if (stay.status !== 'open' && stay.status !== 'discharged') {
    throw new NationalRefusal('input.feedetail[0].mdtrt_id', `就诊 ${mdtrtId} 状态为「${statusText(stay.status)}」，不能上传费用明细${stay.status === 'settled' ? '，请先撤销结算' : ''}`)
  }
  const taken = lines.findIndex((l) => stay.fees.some((f) => f.feedetl_sn === l['feedetl_sn']))
  if (taken >= 0) throw new NationalRefusal(`input.feedetail[${taken}].feedetl_sn`, `input.feedetail[${taken}].feedetl_sn: 流水号 ${String(lines[taken]?.['feedetl_sn'])} 已上传，请先撤销再重传`)
  const fees: StayFee[] = lines.map((l) => {
    const { feedetl_sn, med_list_codg, cnt, pric, det_item_fee_sumamt, ...extra } = l
    return { feedetl_sn, med_list_codg, cnt, pric, det_item_fee_sumamt, extra } as StayFee
  })
  // a stay not yet discharged is classified as if it ended on its latest fee day
  const today = ctx.deps.now()
  const lastDay = lines.map((l, i) => timeDay(l['fee_ocur_time'] as string, `input.feedetail[${i}].fee_ocur_time`, today))
    .concat(stay.fees.map((f) => String(f.extra['fee_ocur_time'] ?? '').slice(0, 10)), [stay.visit.begndate]).sort().at(-1) as string
  const { claim, fieldOf } = claimOfStay(stay, { msgid: ctx.msgid, uploading: fees, enddate: lastDay })
  const r = await ctx.deps.engine.presettle(claim)
  if (r.status === 'rejected') throw rejection(r.reasons, fieldOf)
  const stored = stay.fees.length
  const output = { result: fees.map((f, i) => classification(f, r, stored + i, ctx.deps.tables, ctx.deps.policy)) }
  return finish(await ctx.deps.stays.addFees(ctx.hospital, mdtrtId, fees, envelopeOf(ctx, () => output)), ctx, 'input.feedetail')
}

/** One uploaded line's answer: the engine's split of the line, and the catalogue's data for it. */
function classification(f: StayFee, r: AdjudicationResult, index: number, tables: Tables, policy: Policy): Record<string, unknown> {
  const line = r.lines?.[index]
  if (line === undefined || line.feedetl_sn !== f.feedetl_sn) throw new Error(`the pre-settlement has no line ${f.feedetl_sn} at ${index}`)
  const item: CatalogueItem | undefined = tables.catalogue.get(f.med_list_codg.toUpperCase())
  const prop = line.chrgitm_lv === '01' ? 0 : line.chrgitm_lv === '03' ? 1
    : (item?.selfpayPropPpm ?? Math.round(policy.catalogue.default_selfpay_prop * 1e6)) / 1e6
  return {
    feedetl_sn: f.feedetl_sn, det_item_fee_sumamt: f.det_item_fee_sumamt, cnt: f.cnt, pric: f.pric,
    pric_uplmt_amt: item?.priceCapFen != null ? fenToYuan(item.priceCapFen) : null, selfpay_prop: prop,
    fulamt_ownpay_amt: line.fulamt_ownpay_amt, overlmt_amt: line.overlmt_amt, preselfpay_amt: line.preselfpay_amt,
    inscp_scp_amt: line.inscp_scp_amt, chrgitm_lv: line.chrgitm_lv, med_chrgitm_type: CHRGITM_TYPE[item?.listType ?? ''] ?? '14',
    list_sp_item_flag: item?.vbp === true ? '1' : '0', lmt_used_flag: item?.minHospLv != null || item?.dxPrefix != null ? '1' : '0',
    drt_reim_flag: '0', memo: line.reasons.map((x) => x.message).join('; '),
  }
}

/** 2302 (one feedetl_sn, or 0000 for all) / 2205 (a chrg_bchno's lines, or 0000 for all). */
export async function withdrawFees(ctx: CallContext, inpatient: boolean): Promise<string> {
  const d = inputOf(ctx, inpatient ? WITHDRAW_IPT : WITHDRAW_OTP)['data'] as Obj
  const stay = await stayOf(ctx, d['mdtrt_id'] as string, d['psn_no'] as string, inpatient, 'input.data')
  const key = (inpatient ? d['feedetl_sn'] : d['chrg_bchno']) as string
  const field = inpatient ? 'input.data.feedetl_sn' : 'input.data.chrg_bchno'
  let sns: string[] | null = null
  if (key !== '0000') {
    sns = inpatient ? [key] : stay.fees.filter((f) => f.extra['chrg_bchno'] === key).map((f) => f.feedetl_sn)
    if (sns.length === 0) throw new NationalRefusal(field, `${field}: 收费批次 ${key} 没有已上传的费用明细`)
  }
  return finish(await ctx.deps.stays.removeFees(ctx.hospital, stay.mdtrt_id, sns, envelopeOf(ctx, () => ({}))), ctx, field)
}
