// 2303 / 2304 / 2305 住院预结算 / 结算 / 结算撤销, and the outpatient 2206 / 2207 / 2208 (SPEC §12): the stay's claim
// (claim-of-stay.ts) goes to the settlement core (settle-port.ts) — the same money as POST /v1/settlements.
//
// 2304 holds the stay at 'settling' while the settlement is recorded, so no fee line changes under it; the
// settlement's msgid is the envelope's, so a 2304 re-sent after a crash (the stay left 'settling') replays the
// ledger's first answer instead of settling twice, then marks the stay settled.
import type { Stay, StayStatus } from '../../engine/ledger/stays-port.js'
import { EXP_CONTENT, NationalRefusal, fenOf, opt, req, type Fields, type Obj } from './fields.js'
import { envelopeOf, finish, inputOf, rejection, remember, stayOf, statusText, type CallContext } from './context.js'
import { claimOfStay, setlOutput, uploadedFen } from './claim-of-stay.js'

const SETTLE_COMMON = {
  psn_no: req.str(30), mdtrt_cert_type: opt(3), mdtrt_cert_no: opt(50), medfee_sumamt: { t: 'yuan', req: true },
  psn_setlway: opt(6), mdtrt_id: req.str(30), insutype: req.str(6, { re: /^\d{3}$/ }), acct_used_flag: { t: 'str', of: ['0', '1'] },
  invono: opt(20), fulamt_ownpay_amt: { t: 'yuan' }, overlmt_selfpay: { t: 'yuan' }, preselfpay_amt: { t: 'yuan' },
  inscp_scp_amt: { t: 'yuan' }, card_sn: opt(32), psn_cert_type: opt(6), certno: opt(50), psn_type: opt(6), psn_name: opt(50),
  exp_content: EXP_CONTENT,
} as const
const IPT_SETTLE: Fields = { data: { t: 'obj', req: true, fields: { ...SETTLE_COMMON, mid_setl_flag: { t: 'str', of: ['0', '1'] }, pub_hosp_rfom_flag: opt(3), med_type: opt(6) } } }
const OTP_SETTLE: Fields = { data: { t: 'obj', req: true, fields: { ...SETTLE_COMMON, med_type: opt(6), chrg_bchno: opt(30) } } }
const REVERSE: Fields = { data: { t: 'obj', req: true, fields: { setl_id: req.str(30), mdtrt_id: req.str(30), psn_no: req.str(30), exp_content: EXP_CONTENT } } }

/**
 * 中途结算 (mid_setl_flag=1) stays refused: settling part of a stay while it goes on needs rules the policy does not
 * give — whether the later part pays the 起付线 again and counts as another admission of the year (the nth-admission
 * factor), and how DIP counts the parts (one case or several) at month-end. Settled as separate claims by the engine
 * they would be two admissions and two DIP cases, which is a money rule, not a mapping; docs/national-interface.md.
 */
export const MID_SETL_REFUSAL = 'input.data.mid_setl_flag: 不支持中途结算 (mid_setl_flag=1)：本统筹区政策未规定中途结算后续费用的起付线、'
  + '年度住院次数和 DIP 病例 (一例或多例) 的计算；请办理出院 (2402) 后以 mid_setl_flag=0 结算整个住院，跨年度或超长住院请与医保经办机构联系'

/** Where a stay must be for a settlement: a stay after 2402, an outpatient visit while open. */
const READY: Record<'ipt' | 'otp', StayStatus> = { ipt: 'discharged', otp: 'open' }

export async function settle(ctx: CallContext, inpatient: boolean, final: boolean): Promise<string> {
  const d = inputOf(ctx, inpatient ? IPT_SETTLE : OTP_SETTLE)['data'] as Obj
  if (d['mid_setl_flag'] === '1') throw new NationalRefusal('input.data.mid_setl_flag', MID_SETL_REFUSAL)
  const stay = await stayOf(ctx, d['mdtrt_id'] as string, d['psn_no'] as string, inpatient, 'input.data')
  if (d['insutype'] !== stay.insutype) throw new NationalRefusal('input.data.insutype', `input.data.insutype: 险种 ${String(d['insutype'])} 与就诊登记的 ${stay.insutype} 不符`)
  if (d['med_type'] !== undefined && d['med_type'] !== '' && d['med_type'] !== stay.visit.med_type) {
    throw new NationalRefusal('input.data.med_type', `input.data.med_type: 医疗类别 ${String(d['med_type'])} 与就诊信息 (${inpatient ? '2401' : '2203'}) 的 ${stay.visit.med_type} 不符`)
  }
  const ready = READY[inpatient ? 'ipt' : 'otp']
  // a 2304 re-sent after a fault finds the stay 'settling' (or 'settled', its answer not stored) and finishes it: the
  // ledger replays its settlement for the same msgid, and refuses another msgid (E_MDTRT_SETTLED)
  if (stay.status !== ready && !(final && (stay.status === 'settling' || stay.status === 'settled'))) {
    const hint = stay.status === 'open' && inpatient ? '，请先办理出院 (2402)' : stay.status === 'settled' ? '，须先撤销结算' : ''
    throw new NationalRefusal('input.data.mdtrt_id', `就诊 ${stay.mdtrt_id} 状态为「${statusText(stay.status)}」，不能${final ? '' : '预'}结算${hint}`)
  }
  const sentFen = fenOf(d['medfee_sumamt'])
  const acct = d['acct_used_flag'] as string | undefined
  const claimOf = (s: Stay): ReturnType<typeof claimOfStay> => {
    if (s.fees.length === 0) throw new NationalRefusal('input.data.mdtrt_id', `就诊 ${s.mdtrt_id} 没有已上传的费用明细`)
    const uploaded = uploadedFen(s, fenOf)
    if (sentFen !== uploaded) {
      throw new NationalRefusal('input.data.medfee_sumamt', `input.data.medfee_sumamt: 医疗费总额 ${String(d['medfee_sumamt'])} 元与已上传费用明细合计 ${(uploaded / 100).toFixed(2)} 元不一致`)
    }
    return claimOfStay(s, { msgid: ctx.msgid, ...(acct !== undefined ? { acctUsedFlag: acct } : {}) })
  }
  if (!final) {
    const { claim, fieldOf } = claimOf(stay)
    const r = await ctx.deps.engine.presettle(claim)
    if (r.status === 'rejected') throw rejection(r.reasons, fieldOf)
    return remember(ctx, setlOutput(r, stay, ctx.deps.now()))
  }

  const { stays, engine } = ctx.deps
  claimOf(stay)
  const release = async (): Promise<void> => { await stays.transition(ctx.hospital, stay.mdtrt_id, { from: ['settling'], to: ready }) }
  let built: ReturnType<typeof claimOfStay>
  if (stay.status === 'settled') {
    built = claimOf(stay)
  } else {
    // held: no fee line changes from here; the claim is the held stay's (a 2301 may have landed since the read above)
    const held = await stays.transition(ctx.hospital, stay.mdtrt_id, { from: [ready, 'settling'], to: 'settling' })
    if (held.status !== 'done') return finish(held, ctx, 'input.data.mdtrt_id')
    try {
      built = claimOf(held.value)
    } catch (e) {
      await release()
      throw e
    }
  }
  const { claim, fieldOf } = built
  // a fault here may come after the settlement was recorded: the stay stays held until the 2304 is re-sent
  const r = await engine.settle(claim)
  if (r.status === 'rejected') {
    if (r.reasons.some((x) => x.code === 'E_MDTRT_SETTLED')) {
      // settled by another call (another msgid; or a 2304 whose process failed before marking the stay): the stay
      // takes the ledger's live settlement, so that it shows settled and 2305 can reverse it
      const live = await stays.liveSettlement(stay.psn_no, stay.mdtrt_id)
      if (live !== undefined && !(stay.status === 'settled' && stay.setl_id === live)) {
        await stays.transition(ctx.hospital, stay.mdtrt_id, { from: ['settling', ready, 'settled'], to: 'settled', setl_id: live })
      }
      throw new NationalRefusal('input.data.mdtrt_id', `就诊 ${stay.mdtrt_id} 已结算 (setl_id ${live ?? '?'})，须先撤销结算 [E_MDTRT_SETTLED]`)
    }
    // nothing was recorded: the stay is released
    await release()
    throw rejection(r.reasons, fieldOf)
  }
  // from 'settled' too: a concurrent 2304 of another msgid may have marked the stay with this very settlement
  const done = await stays.transition(ctx.hospital, stay.mdtrt_id, { from: ['settling', ready, 'settled'], to: 'settled', setl_id: r.setl_id ?? null },
    envelopeOf(ctx, (s: Stay) => setlOutput(r, s, ctx.received)))
  return finish(done, ctx, 'input.data.mdtrt_id')
}

/** 2305 / 2208: the settlement reversed in the ledger; the stay back to discharged (open for outpatient). */
export async function reverse(ctx: CallContext, inpatient: boolean): Promise<string> {
  const d = inputOf(ctx, REVERSE)['data'] as Obj
  const stay = await stayOf(ctx, d['mdtrt_id'] as string, d['psn_no'] as string, inpatient, 'input.data')
  const setlId = d['setl_id'] as string
  if (stay.status !== 'settled' || stay.setl_id !== setlId) {
    throw new NationalRefusal('input.data.setl_id', `input.data.setl_id: ${setlId} 不是就诊 ${stay.mdtrt_id} 当前有效的结算 (就诊状态「${statusText(stay.status)}」)`)
  }
  const r = await ctx.deps.engine.reverse(setlId, ctx.msgid)
  if (r.status === 'rejected') throw rejection(r.reasons, (p) => (p === 'setl_id' ? 'input.data.setl_id' : p))
  const back = READY[inpatient ? 'ipt' : 'otp']
  return finish(await ctx.deps.stays.transition(ctx.hospital, stay.mdtrt_id, { from: ['settled'], to: back, setl_id: null },
    envelopeOf(ctx, () => setlOutput(r, stay, ctx.received))), ctx, 'input.data.mdtrt_id')
}
