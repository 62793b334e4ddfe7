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
  // by hand rather than Date.parse + toISOString (run for every claim's dates on the real-time path): the digits
  // read as they are, the day checked against its month in the proleptic Gregorian calendar, as Date does
  if (date.length !== 10 || date.charCodeAt(4) !== DASH || date.charCodeAt(7) !== DASH) return null
  const y = digits(date, 0, 4)
  const m = digits(date, 5, 7)
  const d = digits(date, 8, 10)
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null
  return daysFromCivil(y, m, d)
}

const DASH = 0x2d

/** The decimal value of date[s, e) when every character is an ASCII digit, else -1. */
function digits(date: string, s: number, e: number): number {
  let v = 0
  for (let i = s; i < e; i++) {
    const c = date.charCodeAt(i) - 0x30
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

function daysInMonth(y: number, m: number): number {
  if (m !== 2) return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28
}

/** Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/** A JSON object (not null, not an array): what a claim body must be before any field is read. */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}
