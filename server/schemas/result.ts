// The adjudication result (SPEC §9; engine/result.ts AdjudicationResult) as a response schema. `dip` stays open
// (additional properties pass through) so that the grouping trace reaches the hospital unchanged.
import { Type, type Static } from 'typebox'
import type { AdjudicationResult as Result } from '../../engine/result.js'

const Reason = Type.Object({ code: Type.String(), field: Type.String(), message: Type.String() })
const LineReason = Type.Object({ code: Type.String(), message: Type.String() })
const N = Type.Number()

export const SetlInfo = Type.Object({
  medfee_sumamt: N, fulamt_ownpay_amt: N, overlmt_selfpay: N, preselfpay_amt: N, inscp_scp_amt: N, act_pay_dedc: N,
  hifp_pay: N, hifmi_pay: N, hifob_pay: N, maf_pay: N, fund_pay_sumamt: N, acct_pay: N, psn_cash_pay: N,
  psn_part_amt: N,
})

export const AdjudicationResult = Type.Object({
  msgid: Type.String(),
  status: Type.String({ enum: ['settled', 'computed', 'rejected'] }),
  setl_id: Type.Optional(Type.String()),
  reverses: Type.Optional(Type.String()),
  fixmedins_code: Type.Optional(Type.String()),
  psn_no: Type.Optional(Type.String()),
  mdtrt_id: Type.Optional(Type.String()),
  setlinfo: Type.Optional(SetlInfo),
  setldetail: Type.Optional(Type.Array(Type.Object({ fund_pay_type: Type.String(), fund_payamt: N }))),
  lines: Type.Optional(Type.Array(Type.Object({
    feedetl_sn: Type.String(), chrgitm_lv: Type.String(), fulamt_ownpay_amt: N, overlmt_amt: N, preselfpay_amt: N,
    inscp_scp_amt: N, reasons: Type.Array(LineReason),
  }))),
  dip: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()])),
  /** 智能监控 flags (SPEC §14). */
  monitoring: Type.Optional(Type.Array(Type.Object({
    code: Type.String(), label: Type.String(), severity: Type.String({ enum: ['warn', 'block'] }), detail: Type.String(),
  }))),
  reasons: Type.Array(Reason),
}, { additionalProperties: true })

export const BatchResults = Type.Object({ results: Type.Array(AdjudicationResult) })

export type ResultWire = Static<typeof AdjudicationResult>

/** The engine's result as the response type: the same object, its readonly arrays seen as the schema's arrays. */
export function asWire(r: Result): ResultWire {
  return r as unknown as ResultWire
}
