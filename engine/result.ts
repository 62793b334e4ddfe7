// A computed settlement (fen, inside) and its wire form (SPEC §9 adjudication result, yuan).
import type { Claim } from './claim.js'
import type { DipResult } from './grouping/types.js'
import type { LineReason, Reason } from './reasons.js'
import type { ChrgitmLv } from './tables/types.js'
import type { PersonYear, StayRecord } from './history.js'
import { fenToYuan } from './money.js'

/** The national setlinfo fields, in fen. */
export interface SetlInfoFen {
  readonly medfee_sumamt_fen: number
  readonly fulamt_ownpay_amt_fen: number
  readonly overlmt_selfpay_fen: number
  readonly preselfpay_amt_fen: number
  readonly inscp_scp_amt_fen: number
  readonly act_pay_dedc_fen: number
  readonly hifp_pay_fen: number
  readonly hifmi_pay_fen: number
  readonly hifob_pay_fen: number
  readonly maf_pay_fen: number
  readonly fund_pay_sumamt_fen: number
  readonly acct_pay_fen: number
  readonly psn_cash_pay_fen: number
  readonly psn_part_amt_fen: number
}

export const SETLINFO_FIELDS = [
  'medfee_sumamt', 'fulamt_ownpay_amt', 'overlmt_selfpay', 'preselfpay_amt', 'inscp_scp_amt', 'act_pay_dedc',
  'hifp_pay', 'hifmi_pay', 'hifob_pay', 'maf_pay', 'fund_pay_sumamt', 'acct_pay', 'psn_cash_pay', 'psn_part_amt',
] as const

export interface SetlDetailFen {
  /** 310100 职工统筹, 310200 个人账户, 330100 职工大额, 390100 居民统筹, 390200 居民大病, 610100 医疗救助. */
  readonly fund_pay_type: string
  readonly fund_payamt_fen: number
}

export interface LineResultFen {
  readonly feedetl_sn: string
  /** The catalogue class, or '03' for a code outside the catalogue. */
  readonly chrgitm_lv: ChrgitmLv
  readonly fulamt_ownpay_amt_fen: number
  readonly overlmt_amt_fen: number
  readonly preselfpay_amt_fen: number
  readonly inscp_scp_amt_fen: number
  readonly reasons: readonly LineReason[]
}

/** What this settlement adds to the person's year accumulators (a reversal subtracts it): the PersonYear fields. */
export type AccumDelta = PersonYear

/** A computed settlement, before the ledger gives it a setl_id. Immutable. */
export interface Settlement {
  readonly claim: Claim
  readonly setlinfo: SetlInfoFen
  readonly setldetail: readonly SetlDetailFen[]
  readonly lines: readonly LineResultFen[]
  /** DIP result for inpatient claims; null for outpatient. */
  readonly dip: DipResult | null
  readonly accum: AccumDelta
  /** The stay as later claims will see it (inpatient only); setl_id is filled in by the ledger. */
  readonly stay: Omit<StayRecord, 'setl_id'> | null
}

/** The wire form, one JSON line per claim (SPEC §9). */
export interface AdjudicationResult {
  readonly msgid: string
  readonly status: 'settled' | 'computed' | 'rejected'
  readonly setl_id?: string
  readonly reverses?: string
  readonly fixmedins_code?: string
  readonly psn_no?: string
  readonly mdtrt_id?: string
  readonly setlinfo?: Record<(typeof SETLINFO_FIELDS)[number], number>
  readonly setldetail?: readonly { fund_pay_type: string; fund_payamt: number }[]
  readonly lines?: readonly {
    feedetl_sn: string; chrgitm_lv: ChrgitmLv; fulamt_ownpay_amt: number; overlmt_amt: number
    preselfpay_amt: number; inscp_scp_amt: number; reasons: readonly LineReason[]
  }[]
  readonly dip?: DipResult | null
  readonly reasons: readonly Reason[]
}

/** Each setlinfo field with its fen key (`<name>_fen`), built once: SetlInfoFen's keys, the ledger's columns. */
export const SETLINFO_FEN_KEYS = SETLINFO_FIELDS.map((f) => [f, `${f}_fen` as const] as const)

export function settlementToResult(s: Settlement, status: 'settled' | 'computed', setlId?: string, reverses?: string): AdjudicationResult {
  const info = s.setlinfo
  const setlinfo = {} as Record<(typeof SETLINFO_FIELDS)[number], number>
  for (const [k, fenKey] of SETLINFO_FEN_KEYS) setlinfo[k] = fenToYuan(info[fenKey])
  return {
    msgid: s.claim.msgid,
    status,
    ...(setlId !== undefined ? { setl_id: setlId } : {}),
    ...(reverses !== undefined ? { reverses } : {}),
    fixmedins_code: s.claim.hospitalCode,
    psn_no: s.claim.psnNo,
    mdtrt_id: s.claim.mdtrtId,
    setlinfo,
    setldetail: s.setldetail.map((d) => ({ fund_pay_type: d.fund_pay_type, fund_payamt: fenToYuan(d.fund_payamt_fen) })),
    lines: s.lines.map((l) => ({
      feedetl_sn: l.feedetl_sn, chrgitm_lv: l.chrgitm_lv,
      fulamt_ownpay_amt: fenToYuan(l.fulamt_ownpay_amt_fen), overlmt_amt: fenToYuan(l.overlmt_amt_fen),
      preselfpay_amt: fenToYuan(l.preselfpay_amt_fen), inscp_scp_amt: fenToYuan(l.inscp_scp_amt_fen), reasons: l.reasons,
    })),
    dip: s.dip,
    reasons: [],
  }
}

/** True when an answer reports a fault (E_FAILED) rather than a rejection of the claim itself. */
export function isFault(r: AdjudicationResult): boolean {
  return r.status === 'rejected' && r.reasons.some((x) => x.code === 'E_FAILED')
}

export function rejectionToResult(msgid: string, reasons: readonly Reason[]): AdjudicationResult {
  return { msgid, status: 'rejected', reasons }
}
