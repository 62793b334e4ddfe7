// 2401 入院办理 / 2404 入院撤销 (SPEC §12): a stay is opened with its admission diagnoses; dipsettle assigns its
// mdtrt_id. 2404 cancels a stay that is still open and whose fee lines were all withdrawn (2302).
import { EXP_CONTENT, NationalRefusal, opt, req, type Obj } from './fields.js'
import { envelopeOf, finish, inputOf, stayOf, type CallContext } from './context.js'
import { DISEINFO, diagnosesOf } from './diagnoses.js'
import { checkVisitor } from './visitor.js'

const MDTRTINFO = {
  psn_no: req.str(30), insutype: req.str(6, { re: /^\d{3}$/ }), coner_name: opt(50), tel: opt(50), begntime: { t: 'time', req: true },
  mdtrt_cert_type: opt(3), mdtrt_cert_no: opt(50), med_type: req.str(6, { re: /^2\d{1,3}$/ }), ipt_no: opt(30), medrcdno: opt(30),
  atddr_no: opt(30), chfpdr_name: opt(50), adm_diag_dscr: opt(200), adm_dept_codg: opt(30), adm_dept_name: opt(100),
  adm_bed: opt(30), dscg_maindiag_code: opt(20), dscg_maindiag_name: opt(100), main_cond_dscr: opt(500),
  dise_codg: opt(30), dise_name: opt(500), oprn_oprt_code: opt(30), oprn_oprt_name: opt(500), fpsc_no: opt(30),
  matn_type: opt(6), birctrl_type: opt(6), latechb_flag: opt(3), geso_val: { t: 'num', min: 0, max: 50 },
  fetts: { t: 'num', min: 0, max: 20 }, fetus_cnt: { t: 'num', min: 0, max: 20 }, pret_flag: opt(3), birctrl_matn_date: { t: 'time' },
  dise_type_code: opt(30), insuplc_admdvs: opt(6), mdtrtarea_admvs: opt(6), psn_cert_type: opt(6), certno: opt(50),
  psn_type: opt(6), psn_name: opt(50), exp_content: EXP_CONTENT,
} as const

const ADMIT = { mdtrtinfo: { t: 'obj', req: true, fields: MDTRTINFO }, diseinfo: DISEINFO } as const
const CANCEL = { data: { t: 'obj', req: true, fields: { mdtrt_id: req.str(30), psn_no: req.str(30), exp_content: EXP_CONTENT } } } as const

export async function admit(ctx: CallContext): Promise<string> {
  const input = inputOf(ctx, ADMIT)
  const m = input['mdtrtinfo'] as Obj
  const psnNo = m['psn_no'] as string
  const insutype = m['insutype'] as string
  const begndate = (m['begntime'] as string).slice(0, 10)
  await checkVisitor(ctx, psnNo, insutype, begndate, 'input.mdtrtinfo')
  const diagnoses = diagnosesOf(input['diseinfo'] as Obj[], 'input.diseinfo', ctx.deps.tables)
  const change = await ctx.deps.stays.openStay(
    { fixmedins_code: ctx.hospital, psn_no: psnNo, insutype, inpatient: true, visit: { med_type: m['med_type'] as string, begndate, diagnoses, discharge: null } },
    envelopeOf(ctx, (s) => ({ result: { mdtrt_id: s.mdtrt_id, psn_no: s.psn_no, ipt_otp_no: (m['ipt_no'] as string | undefined) ?? '' } })),
  )
  return finish(change, ctx)
}

export async function cancelAdmission(ctx: CallContext): Promise<string> {
  const d = inputOf(ctx, CANCEL)['data'] as Obj
  const stay = await stayOf(ctx, d['mdtrt_id'] as string, d['psn_no'] as string, true, 'input.data')
  if (stay.fees.length > 0) {
    throw new NationalRefusal('input.data.mdtrt_id', `就诊 ${stay.mdtrt_id} 尚有 ${stay.fees.length} 条费用明细，请先撤销费用明细 (2302) 再撤销入院`)
  }
  return finish(await ctx.deps.stays.transition(ctx.hospital, stay.mdtrt_id, { from: ['open'], to: 'cancelled' }, envelopeOf(ctx, () => ({}))), ctx, 'input.data.mdtrt_id')
}
