// 4101A 医疗保障基金结算清单上传 (SPEC §12): the settled stay's settlement list carries the diagnoses and procedures DIP
// groups it on; the answer is the group and points, by the same grouper settlement uses (settle-port.ts group), over
// the stay's settled claim with the list's diagnoses and procedures. The list and its group are recorded in the ledger
// (national_setl_lists); a list sent again for the same setl_id replaces the earlier one, and month-end pays the latest
// list's grouping (engine/settlement/setl-lists.ts). Once the settlement's month-end run is closed a list is refused.
import { NationalRefusal, opt, req, type Field, type Obj } from './fields.js'
import { envelopeOf, finish, inputOf, rejection, stayOf, type CallContext } from './context.js'
import { diagnosesOf } from './diagnoses.js'
import { claimOfStay } from './claim-of-stay.js'

const SETLINFO = {
  mdtrt_id: req.str(30), setl_id: req.str(30), psn_no: req.str(30), psn_name: opt(50), gend: opt(6), brdy: { t: 'time' },
  age: { t: 'num', min: 0, max: 150 }, ntly: opt(6), hi_type: opt(6), insuplc: opt(6), ipt_med_type: opt(6),
  adm_time: { t: 'time' }, dscg_time: { t: 'time' }, act_ipt_days: { t: 'num', min: 0, max: 10000 }, dscg_way: opt(6),
  medins_fill_dept: opt(100), medins_fill_psn: opt(50), setl_begn_date: { t: 'time' }, setl_end_date: { t: 'time' },
  psn_selfpay: { t: 'yuan' }, psn_ownpay: { t: 'yuan' }, acct_pay: { t: 'yuan' }, psn_cashpay: { t: 'yuan' },
} as const
const DISE: Field = {
  t: 'arr', req: true, min: 1, max: 64, of: {
    diag_type: opt(3), diag_code: req.str(20), diag_name: opt(100), adm_cond_type: opt(3), maindiag_flag: { t: 'str', req: true, of: ['0', '1'] },
  },
}
const OPRN: Field = {
  t: 'arr', max: 64, of: {
    oprn_oprt_type: { t: 'str', req: true, of: ['1', '2'] }, oprn_oprt_name: opt(500), oprn_oprt_code: req.str(30), oprn_oprt_date: { t: 'time' },
    anst_way: opt(6), oper_dr_name: opt(50), oper_dr_code: opt(30), anst_dr_name: opt(50), anst_dr_code: opt(30),
  },
}
const LIST = { setlinfo: { t: 'obj', req: true, fields: SETLINFO }, diseinfo: DISE, oprninfo: OPRN } as const

export async function uploadSetlList(ctx: CallContext): Promise<string> {
  const input = inputOf(ctx, LIST)
  const s = input['setlinfo'] as Obj
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
