// 4101A 医疗保障基金结算清单上传 (SPEC §12): the settled stay's settlement list carries the diagnoses and procedures DIP
// groups it on; the answer is the group and points, by the same grouper settlement uses (settle-port.ts group), over
// the stay's settled claim with the list's diagnoses and procedures. The list and its group are recorded in the ledger
// (national_setl_lists); a list sent again for the same setl_id replaces the earlier one, and month-end pays the latest
// list's grouping (engine/settlement/setl-lists.ts). Once the settlement's month-end run is closed a list is refused.
import { EXP_CONTENT, NationalRefusal, opt, req, type Field, type Obj } from './fields.js'
import { envelopeOf, finish, inputOf, rejection, stayOf, type CallContext } from './context.js'
import { diagnosesOf } from './diagnoses.js'
import { claimOfStay } from './claim-of-stay.js'

const num = (max: number, int = false): Field => ({ t: 'num', min: 0, max, ...(int ? { int: true } : {}) })
const time: Field = { t: 'time' }
const yuan: Field = { t: 'yuan' }

/** setlinfo: the 结算清单's head (national 4101A; only mdtrt_id, setl_id and psn_no are read, the rest kept as sent). */
const SETLINFO = {
  mdtrt_id: req.str(30), setl_id: req.str(30), psn_no: req.str(30), fixmedins_name: opt(200), fixmedins_code: opt(30),
  hi_setl_lv: opt(3), hi_no: opt(30), medcasno: opt(40), dcla_time: time, psn_name: opt(50), gend: opt(6), brdy: time,
  age: num(150), ntly: opt(6), nwb_age: num(365), naty: opt(6), patn_cert_type: opt(6), certno: opt(50), prfs: opt(6),
  curr_addr: opt(200), emp_name: opt(200), emp_addr: opt(200), emp_tel: opt(50), poscode: opt(6), coner_name: opt(50),
  patn_rlts: opt(6), coner_addr: opt(200), coner_tel: opt(50), hi_type: opt(6), insuplc: opt(6), sp_psn_type: opt(6),
  nwb_adm_type: opt(6), nwb_bir_wt: num(10_000), nwb_adm_wt: num(10_000), opsp_diag_caty: opt(30), opsp_mdtrt_date: time,
  ipt_med_type: opt(6), adm_way: opt(6), trt_type: opt(6), adm_time: time, adm_caty: opt(30), refldept_dept: opt(200),
  dscg_time: time, dscg_caty: opt(30), act_ipt_days: num(10_000, true), otp_wm_dise: opt(200), wm_dise_code: opt(30),
  otp_tcm_dise: opt(200), tcm_dise_code: opt(30), diag_code_cnt: num(999, true), oprn_oprt_code_cnt: num(999, true),
  vent_used_dura: opt(20), pwcry_bfadm_coma_dura: opt(20), pwcry_afadm_coma_dura: opt(20), bld_cat: opt(6),
  bld_amt: num(100_000), bld_unt: opt(6), spga_nurscare_days: num(10_000), lv1_nurscare_days: num(10_000),
  scd_nurscare_days: num(10_000), lv3_nurscare_days: num(10_000), dscg_way: opt(6), acp_medins_name: opt(200),
  acp_optins_code: opt(30), bill_code: opt(30), bill_no: opt(30), biz_sn: opt(50), days_rinp_flag_31: opt(3),
  days_rinp_pup_31: opt(500), chfpdr_name: opt(50), chfpdr_code: opt(30), setl_begn_date: time, setl_end_date: time,
  psn_selfpay: yuan, psn_ownpay: yuan, acct_pay: yuan, psn_cashpay: yuan, hi_paymtd: opt(6), hsorg: opt(100),
  hsorg_opter: opt(50), medins_fill_dept: opt(100), medins_fill_psn: opt(50), resp_nurs_name: opt(50), resp_nurs_code: opt(30),
  stas_type: opt(6), medfee_sumamt: yuan, exp_content: EXP_CONTENT,
} as const
/** 基金支付信息 (kept as sent: the ledger's setldetail is the fund split). */
const PAYINFO: Field = { t: 'arr', max: 64, of: { fund_pay_type: opt(6), fund_payamt: yuan } }
/** 门诊慢特病诊断信息. */
const OPSPDISEINFO: Field = { t: 'arr', max: 64, of: { diag_name: opt(100), diag_code: opt(30), oprn_oprt_name: opt(500), oprn_oprt_code: opt(30) } }
/** 住院诊断信息: what DIP groups the stay on (maindiag_flag 1 is the main diagnosis). */
const DISE: Field = {
  t: 'arr', req: true, min: 1, max: 64, of: {
    diag_type: opt(3), diag_code: req.str(20), diag_name: opt(100), adm_cond_type: opt(3), maindiag_flag: { t: 'str', req: true, of: ['0', '1'] },
  },
}
/** 收费项目信息 (kept as sent). */
const ITEMINFO: Field = {
  t: 'arr', max: 64, of: { med_chrgitm: opt(6), amt: yuan, claa_sumfee: yuan, clab_amt: yuan, fulamt_ownpay_amt: yuan, oth_amt: yuan },
}
/** 手术操作信息: oprn_oprt_type 1 is the main procedure. */
const OPRN: Field = {
  t: 'arr', max: 64, of: {
    oprn_oprt_type: { t: 'str', req: true, of: ['1', '2'] }, oprn_oprt_name: opt(500), oprn_oprt_code: req.str(30), oprn_oprt_date: time,
    anst_way: opt(6), oper_dr_name: opt(50), oper_dr_code: opt(30), anst_dr_name: opt(50), anst_dr_code: opt(30),
    oprn_oprt_begntime: time, oprn_oprt_endtime: time, anst_begntime: time, anst_endtime: time,
  },
}
/** 重症监护信息 (kept as sent). */
const ICUINFO: Field = {
  t: 'arr', max: 64, of: { scs_cutd_ward_type: opt(6), scs_cutd_inpool_time: time, scs_cutd_exit_time: time, scs_cutd_sum_dura: opt(20) },
}
const LIST = {
  setlinfo: { t: 'obj', req: true, fields: SETLINFO }, payinfo: PAYINFO, opspdiseinfo: OPSPDISEINFO, diseinfo: DISE, iteminfo: ITEMINFO,
  oprninfo: OPRN, icuinfo: ICUINFO,
} as const

export async function uploadSetlList(ctx: CallContext): Promise<string> {
  const input = inputOf(ctx, LIST)
  const s = input['setlinfo'] as Obj
  const fixmedins = s['fixmedins_code']
  if (fixmedins !== undefined && fixmedins !== '' && fixmedins !== ctx.hospital) {
    throw new NationalRefusal('input.setlinfo.fixmedins_code', `input.setlinfo.fixmedins_code: ${String(fixmedins)} 与报文的定点医药机构 ${ctx.hospital} 不符`)
  }
  const stay = await stayOf(ctx, s['mdtrt_id'] as string, s['psn_no'] as string, true, 'input.setlinfo')
  const setlId = s['setl_id'] as string
  if (stay.status !== 'settled' || stay.setl_id !== setlId) {
    throw new NationalRefusal('input.setlinfo.setl_id', `input.setlinfo.setl_id: ${setlId} 不是就诊 ${stay.mdtrt_id} 当前有效的结算`)
  }
  // month-end pays the list's grouping (engine/settlement/setl-lists.ts) until the settlement's month is closed; a
  // closed month is final, as the bureau's data lock (数据锁定) is: the list would change a case already paid
  const month = await ctx.deps.engine.monthOf(setlId)
  if (month !== undefined && month.closedAt !== null) {
    throw new NationalRefusal('input.setlinfo.setl_id', `input.setlinfo.setl_id: 结算 ${setlId} 所属 ${month.month} 月 (险种 ${month.pool}) 的月度预结算已于 ${month.closedAt} 关账，`
      + '不能再上传或更改结算清单；如需更正分组，请撤销结算 (2305)、更正出院诊断 (2405/2402) 后重新结算，差额计入下一个月度')
  }
  const diagnoses = diagnosesOf(input['diseinfo'] as Obj[], 'input.diseinfo', ctx.deps.tables)
  // oprn_oprt_type 1 is the main procedure (主手术及操作)
  const oprn = (input['oprninfo'] as Obj[] | undefined) ?? []
  const procedures = oprn.map((o) => ({ code: String(o['oprn_oprt_code']).toUpperCase(), main: o['oprn_oprt_type'] === '1' }))
  const settled = await ctx.deps.engine.settlement(setlId)
  if (settled === undefined) throw new NationalRefusal('input.setlinfo.setl_id', `input.setlinfo.setl_id: 结算 ${setlId} 不在账本中`)
  const { claim, fieldOf } = claimOfStay(stay, { msgid: settled.msgid, diagnoses, procedures })
  const g = await ctx.deps.engine.group(claim)
  if ('reasons' in g) throw rejection(g.reasons, fieldOf)
  const setlListId = 'L' + setlId
  const output = { setl_list_id: setlListId, dip: g.dip }
  return finish(await ctx.deps.stays.recordSetlList(
    { setl_id: setlId, mdtrt_id: stay.mdtrt_id, fixmedins_code: ctx.hospital, list: input, dip: g.dip },
    envelopeOf<void>(ctx, () => output),
  ), ctx)
}
