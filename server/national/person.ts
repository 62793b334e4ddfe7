// 1101 人员信息获取: the insured person by certificate. The demo region's persons carry no identity numbers, so the
// certificate number (mdtrt_cert_no, or certno) is looked up as the person number psn_no (docs/national-interface.md).
import { fenToYuan } from '../../engine/money.js'
import { chinaDay } from '../../engine/persons/as-of.js'
import { NationalRefusal, opt, type Obj } from './fields.js'
import { inputOf, remember, type CallContext } from './context.js'

const FIELDS = {
  data: {
    t: 'obj', req: true, fields: {
      mdtrt_cert_type: { t: 'str', req: true, of: ['01', '02', '03'] }, mdtrt_cert_no: opt(50), card_sn: opt(32),
      begntime: { t: 'time' }, psn_cert_type: opt(6), certno: opt(50), psn_name: opt(50),
    },
  },
} as const

/** National psn_type by the person's kind (职工在职 11, 职工退休 12, 城乡居民 15). */
const PSN_TYPE = { in_service: '11', retired: '12', resident: '15' } as const

export async function personInfo(ctx: CallContext): Promise<string> {
  const d = inputOf(ctx, FIELDS)['data'] as Obj
  const no = (d['mdtrt_cert_no'] || d['certno']) as string | undefined
  if (no === undefined || no === '') throw new NationalRefusal('input.data.mdtrt_cert_no', 'input.data.mdtrt_cert_no 缺失: 须给出就诊凭证编号或证件号码 certno')
  // the person in force on the visit's begntime when given, else today (SPEC §11): not a version effective later
  const begntime = d['begntime'] as string | undefined
  const p = await ctx.deps.personAsOf(no, begntime !== undefined && begntime !== '' ? begntime.slice(0, 10) : chinaDay(ctx.deps.now()))
  if (p === undefined) throw new NationalRefusal('input.data.mdtrt_cert_no', `input.data.mdtrt_cert_no: ${no} 不是本统筹区参保人员`)
  const balanceFen = await ctx.deps.engine.accountBalanceFen(p)
  return remember(ctx, {
    baseinfo: { psn_no: p.psnNo, psn_cert_type: d['psn_cert_type'] ?? '01', certno: no, psn_name: d['psn_name'] ?? '' },
    insuinfo: [{
      insutype: p.insutype, psn_type: PSN_TYPE[p.psnKind], psn_insu_stas: '1',
      // the personal account as settlement sees it: opening balance + monthly credits − what it paid (SPEC §15)
      balc: fenToYuan(balanceFen),
    }],
    idetinfo: [
      ...(p.poverty ? [{ psn_idet_type: '2302', memo: '脱贫人口/低收入人口' }] : []),
      ...(p.assistance ? [{ psn_idet_type: '2101', memo: '医疗救助对象' }] : []),
    ],
  })
}
