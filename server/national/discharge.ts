// 2402 出院办理 / 2405 出院撤销 (SPEC §12): the discharge day, way and diagnoses are set on the open stay (the claim of
// 2303/2304 then uses them); 2405 takes them off again while the stay is not settled.
import { EXP_CONTENT, NationalRefusal, opt, req, timeDay, type Obj } from './fields.js'
import { envelopeOf, finish, inputOf, stayOf, type CallContext } from './context.js'
import { DISEINFO, diagnosesOf } from './diagnoses.js'

const DSCGINFO = {
  mdtrt_id: req.str(30), psn_no: req.str(30), insutype: req.str(6, { re: /^\d{3}$/ }), endtime: { t: 'time', req: true },
  dise_codg: opt(30), dise_name: opt(500), oprn_oprt_code: opt(30), oprn_oprt_name: opt(500), fpsc_no: opt(30),
  matn_type: opt(6), birctrl_type: opt(6), latechb_flag: opt(3), geso_val: { t: 'num', min: 0, max: 50 },
  fetts: { t: 'num', min: 0, max: 20 }, fetus_cnt: { t: 'num', min: 0, max: 20 }, pret_flag: opt(3), birctrl_matn_date: { t: 'time' },
  cop_flag: opt(3), dscg_dept_codg: opt(30), dscg_dept_name: opt(100), dscg_sped: opt(30), die_date: { t: 'time' },
  mdtrt_cert_type: opt(3), mdtrt_cert_no: opt(50), dscg_way: req.str(3, { re: /^\d{1,3}$/ }),
  dscg_maindiag_code: opt(20), dscg_maindiag_name: opt(100), insuplc_admdvs: opt(6), mdtrtarea_admvs: opt(6),
  dscg_bed: opt(30), exp_content: EXP_CONTENT,
} as const

const DISCHARGE = { dscginfo: { t: 'obj', req: true, fields: DSCGINFO }, diseinfo: DISEINFO } as const
const UNDO = { data: { t: 'obj', req: true, fields: { mdtrt_id: req.str(30), psn_no: req.str(30), exp_content: EXP_CONTENT } } } as const

export async function discharge(ctx: CallContext): Promise<string> {
  const input = inputOf(ctx, DISCHARGE)
  const d = input['dscginfo'] as Obj
  const stay = await stayOf(ctx, d['mdtrt_id'] as string, d['psn_no'] as string, true, 'input.dscginfo')
  if (d['insutype'] !== stay.insutype) throw new NationalRefusal('input.dscginfo.insutype', `input.dscginfo.insutype: 险种 ${String(d['insutype'])} 与入院登记的 ${stay.insutype} 不符`)
  const enddate = timeDay(d['endtime'] as string, 'input.dscginfo.endtime', ctx.deps.now())
  if (enddate < stay.visit.begndate) throw new NationalRefusal('input.dscginfo.endtime', `input.dscginfo.endtime: 出院时间早于入院时间 ${stay.visit.begndate}`)
  const diagnoses = diagnosesOf(input['diseinfo'] as Obj[], 'input.diseinfo', ctx.deps.tables)
  const main = d['dscg_maindiag_code']
  if (typeof main === 'string' && main !== '' && main.toUpperCase() !== diagnoses.find((x) => x.main)?.code) {
    throw new NationalRefusal('input.dscginfo.dscg_maindiag_code', `input.dscginfo.dscg_maindiag_code: 出院主诊断 ${main} 与 diseinfo 的主诊断不一致`)
  }
  const visit = { ...stay.visit, discharge: { enddate, dscg_way: d['dscg_way'] as string, diagnoses } }
  return finish(await ctx.deps.stays.transition(ctx.hospital, stay.mdtrt_id, { from: ['open'], to: 'discharged', visit }, envelopeOf(ctx, () => ({}))), ctx, 'input.dscginfo.mdtrt_id')
}

export async function undoDischarge(ctx: CallContext): Promise<string> {
  const d = inputOf(ctx, UNDO)['data'] as Obj
  const stay = await stayOf(ctx, d['mdtrt_id'] as string, d['psn_no'] as string, true, 'input.data')
  const visit = { ...stay.visit, discharge: null }
  return finish(await ctx.deps.stays.transition(ctx.hospital, stay.mdtrt_id, { from: ['discharged'], to: 'open', visit }, envelopeOf(ctx, () => ({}))), ctx, 'input.data.mdtrt_id')
}
