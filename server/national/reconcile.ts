// 3201 医药机构费用结算对总账 (SPEC §12): the hospital's own totals for one insutype × clr_type over stmt_begndate …
// stmt_enddate against the ledger's (settlements less reversals, by the day they were recorded, China time):
// stmt_rslt 0 agree, 1 differ, with both sides in stmt_rslt_dscr.
import { fenToYuan } from '../../engine/money.js'
import { NationalRefusal, fenOf, opt, req, timeDay, type Obj } from './fields.js'
import { inputOf, remember, type CallContext } from './context.js'

const FIELDS = {
  data: {
    t: 'obj', req: true, fields: {
      insutype: req.str(6, { re: /^\d{3}$/ }), clr_type: req.str(6, { of: ['11', '21'] }), setl_optins: opt(6),
      stmt_begndate: { t: 'time', req: true }, stmt_enddate: { t: 'time', req: true }, medfee_sumamt: { t: 'yuan', req: true },
      fund_pay_sumamt: { t: 'yuan', req: true }, acct_pay: { t: 'yuan', req: true },
      fixmedins_setl_cnt: { t: 'num', req: true, int: true, min: 0, max: 1e9 },
    },
  },
} as const

export async function reconcile(ctx: CallContext): Promise<string> {
  const d = inputOf(ctx, FIELDS)['data'] as Obj
  const today = ctx.deps.now()
  const from = timeDay(d['stmt_begndate'] as string, 'input.data.stmt_begndate', today)
  const to = timeDay(d['stmt_enddate'] as string, 'input.data.stmt_enddate', today)
  if (to < from) throw new NationalRefusal('input.data.stmt_enddate', 'input.data.stmt_enddate: 对账截止日期早于开始日期')
  const totals = await ctx.deps.stays.reconcileTotals(ctx.hospital, from, to)
  const t = totals.find((x) => x.insutype === d['insutype'] && x.clr_type === d['clr_type'])
  const ours = { medfee_sumamt: t?.medfee_sumamt_fen ?? 0, fund_pay_sumamt: t?.fund_pay_sumamt_fen ?? 0, acct_pay: t?.acct_pay_fen ?? 0, count: t?.count ?? 0 }
  const theirs = { medfee_sumamt: fenOf(d['medfee_sumamt']), fund_pay_sumamt: fenOf(d['fund_pay_sumamt']), acct_pay: fenOf(d['acct_pay']), count: d['fixmedins_setl_cnt'] as number }
  const differ = (Object.keys(ours) as (keyof typeof ours)[]).filter((k) => ours[k] !== theirs[k])
  const yuan = (x: typeof ours): string => `医疗费总额 ${fenToYuan(x.medfee_sumamt)}，基金支付 ${fenToYuan(x.fund_pay_sumamt)}，个人账户 ${fenToYuan(x.acct_pay)}，笔数 ${x.count}`
  return remember(ctx, {
    data: {
      setl_optins: d['setl_optins'] ?? '', stmt_rslt: differ.length === 0 ? '0' : '1',
      stmt_rslt_dscr: differ.length === 0 ? '对账一致' : `对账不一致 (${differ.join(', ')}): 医保 ${yuan(ours)}；机构 ${yuan(theirs)}`,
      medfee_sumamt: fenToYuan(ours.medfee_sumamt), fund_pay_sumamt: fenToYuan(ours.fund_pay_sumamt), acct_pay: fenToYuan(ours.acct_pay),
      setl_cnt: ours.count,
    },
  })
}
