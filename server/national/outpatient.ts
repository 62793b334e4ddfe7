// 门诊 2201 挂号 / 2202 挂号撤销 / 2203 就诊信息上传 (SPEC §12); 2204–2208 are the inpatient families' handlers with
// the outpatient field tables (fees.ts, settlement.ts). A registration opens a visit (med_type 11 until 2203 says
// otherwise); 2203 sets the visit's med_type and diagnoses while it is open.
import { EXP_CONTENT, NationalRefusal, opt, req, type Obj } from './fields.js'
import { envelopeOf, finish, inputOf, stayOf, type CallContext } from './context.js'
import { DISEINFO, diagnosesOf } from './diagnoses.js'
import { checkVisitor } from './visitor.js'

const REGISTER = {
  data: {
    t: 'obj', req: true, fields: {
      psn_no: req.str(30), insutype: req.str(6, { re: /^\d{3}$/ }), begntime: { t: 'time', req: true }, mdtrt_cert_type: opt(3),
      mdtrt_cert_no: opt(50), ipt_otp_no: req.str(30), atddr_no: opt(30), dr_name: opt(50), dept_code: opt(30), dept_name: opt(100),
      caty: opt(10), psn_cert_type: opt(6), certno: opt(50), psn_type: opt(6), psn_name: opt(50), exp_content: EXP_CONTENT,
    },
  },
} as const
const UNREGISTER = { data: { t: 'obj', req: true, fields: { psn_no: req.str(30), mdtrt_id: req.str(30), ipt_otp_no: opt(30), exp_content: EXP_CONTENT } } } as const
const VISIT = {
  mdtrtinfo: {
    t: 'obj', req: true, fields: {
      mdtrt_id: req.str(30), psn_no: req.str(30), med_type: req.str(6, { re: /^1\d{1,3}$/ }), begntime: { t: 'time', req: true },
      main_cond_dscr: opt(1000), dise_codg: opt(30), dise_name: opt(500), birctrl_type: opt(6), birctrl_matn_date: { t: 'time' },
      matn_type: opt(6), geso_val: { t: 'num', min: 0, max: 50 }, dise_type_code: opt(30), psn_type: opt(6), fetts: { t: 'num', min: 0, max: 20 },
      fetus_cnt: { t: 'num', min: 0, max: 20 }, pret_flag: opt(3), exp_content: EXP_CONTENT,
    },
  },
  diseinfo: DISEINFO,
} as const

export async function register(ctx: CallContext): Promise<string> {
  const d = inputOf(ctx, REGISTER)['data'] as Obj
  await checkVisitor(ctx, d['psn_no'] as string, d['insutype'] as string, (d['begntime'] as string).slice(0, 10), 'input.data')
  const change = await ctx.deps.stays.openStay({
    fixmedins_code: ctx.hospital, psn_no: d['psn_no'] as string, insutype: d['insutype'] as string, inpatient: false,
    visit: { med_type: '11', begndate: (d['begntime'] as string).slice(0, 10), diagnoses: [], discharge: null },
  }, envelopeOf(ctx, (s) => ({ data: { mdtrt_id: s.mdtrt_id, psn_no: s.psn_no, ipt_otp_no: d['ipt_otp_no'] } })))
  return finish(change, ctx)
}

export async function unregister(ctx: CallContext): Promise<string> {
  const d = inputOf(ctx, UNREGISTER)['data'] as Obj
  const stay = await stayOf(ctx, d['mdtrt_id'] as string, d['psn_no'] as string, false, 'input.data')
  if (stay.fees.length > 0) throw new NationalRefusal('input.data.mdtrt_id', `就诊 ${stay.mdtrt_id} 尚有费用明细，请先撤销 (2205) 再撤销挂号`)
  return finish(await ctx.deps.stays.transition(ctx.hospital, stay.mdtrt_id, { from: ['open'], to: 'cancelled' }, envelopeOf(ctx, () => ({}))), ctx, 'input.data.mdtrt_id')
}

export async function uploadVisit(ctx: CallContext): Promise<string> {
  const input = inputOf(ctx, VISIT)
  const m = input['mdtrtinfo'] as Obj
  const stay = await stayOf(ctx, m['mdtrt_id'] as string, m['psn_no'] as string, false, 'input.mdtrtinfo')
  const diagnoses = diagnosesOf(input['diseinfo'] as Obj[], 'input.diseinfo', ctx.deps.tables)
  const visit = { ...stay.visit, med_type: m['med_type'] as string, diagnoses }
  return finish(await ctx.deps.stays.transition(ctx.hospital, stay.mdtrt_id, { from: ['open'], to: 'open', visit }, envelopeOf(ctx, () => ({}))), ctx, 'input.mdtrtinfo.mdtrt_id')
}
