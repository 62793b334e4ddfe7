// The claim: its wire shape (SPEC §9, national 2304/2207 style, yuan) and the parsed form the rules work on (fen,
// day numbers, upper-case codes). engine/adjudicate/validate.ts turns one into the other or rejects with reasons.
import type { Insutype } from './tables/types.js'

export interface ClaimInput {
  msgid: string
  fixmedins_code: string
  psn_no: string
  insutype: string
  mdtrt_id: string
  /** 11 普通门诊, 14 门诊慢特病, 21 普通住院 (others inpatient 2x). */
  med_type: string
  begndate: string
  enddate: string
  dscg_way?: string
  referral_from?: string | null
  diagnoses: { code: string; main?: boolean }[]
  procedures?: { code: string; main?: boolean }[]
  fees: { feedetl_sn: string; code: string; qty: number; price: number; amount: number; fee_ocur_time?: string }[]
  /** '1' asks the personal account (个人账户) to pay the personal share (职工 only). */
  acct_used_flag?: string
}

export interface FeeLine {
  readonly feedetlSn: string
  /** Catalogue code as given (looked up upper-case). */
  readonly code: string
  /** Quantity in integer 1/10,000 (the claim's qty has at most 4 decimals). */
  readonly qtyE4: number
  readonly priceFen: number
  readonly amountFen: number
  /** Day number of fee_ocur_time (SPEC §14 monitoring: fees dated outside the stay, quantity per day); absent: undated. */
  readonly day?: number
}

export interface Claim {
  readonly msgid: string
  readonly hospitalCode: string
  readonly psnNo: string
  readonly insutype: Insutype
  readonly mdtrtId: string
  readonly medType: string
  readonly inpatient: boolean
  /** Days since 1970-01-01 (UTC) of begndate / enddate. */
  readonly begnDay: number
  readonly endDay: number
  /** Calendar year of enddate: the accumulator year. */
  readonly year: number
  /** YYYY-MM of enddate: the month-end month. */
  readonly month: string
  readonly begndate: string
  readonly enddate: string
  readonly dscgWay: string
  readonly referralFrom: string | null
  /** Main diagnosis code, upper-case. */
  readonly mainDx: string
  readonly otherDx: readonly string[]
  /** Procedure codes, upper-case, main first. */
  readonly procedures: readonly string[]
  readonly fees: readonly FeeLine[]
  readonly totalFen: number
  readonly useAccount: boolean
}

/** 'YYYY-MM-DD' → days since epoch, or null when not a real date. */
export function dayNumber(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null
  const t = Date.parse(date + 'T00:00:00Z')
  if (Number.isNaN(t)) return null
  if (new Date(t).toISOString().slice(0, 10) !== date) return null
  return Math.round(t / 86_400_000)
}

/** A JSON object (not null, not an array): what a claim body must be before any field is read. */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}
