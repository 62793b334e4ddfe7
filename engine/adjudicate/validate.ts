// SPEC §3 step 1 — validation: the claim body (untrusted JSON) → the parsed Claim the rules work on, or every reason
// it cannot be settled. Each field of the ClaimInput shape is checked in turn and named by its JSON path
// (`fees[3].amount`); all reasons are collected, not just the first. Never throws for any input: a bad body is an
// answer, not a fault. A fee code outside the catalogue is not an error here (step 2 makes it 全自费).
import { dayNumber, type Claim, type FeeLine } from '../claim.js'
import { MAX_YUAN, FEN_PER_YUAN, parseYuan } from '../money.js'
import { reason, type Reason } from '../reasons.js'
import type { Hospital, Insutype, Person, Tables } from '../tables/types.js'
import type { ParseOutcome } from './types.js'
import { qtyTimesFen, qtyToE4 } from './quantity.js'
import { isObject } from '../claim.js'
import { numberTextOf } from '../strict-json.js'

export type Validation =
  | { readonly status: 'ok'; readonly claim: Claim; readonly hospital: Hospital; readonly person: Person }
  | { readonly status: 'rejected'; readonly msgid: string; readonly reasons: readonly Reason[] }

/** 12 characters, letters and digits (national 定点医药机构编号, e.g. H15020300001). */
const HOSPITAL_CODE = /^[A-Za-z0-9]{12}$/
/** msgid = hospital code (12) + yyyyMMddHHmmss (14) + 4-digit sequence. */
const MSGID_LENGTH = 30
const MSGID_TAIL = /^[0-9]{18}$/
const MED_TYPE = /^[0-9]{2}$/
/** Identifiers and codes: non-empty, bounded (the national interface's longest is 50). */
const MAX_ID_LENGTH = 64
/** A claim's quantities: positive, at most 4 decimals, bounded so that qty × price stays exact. */
const MAX_QTY = 1e8
const MAX_TOTAL_FEN = MAX_YUAN * FEN_PER_YUAN

const OUTPATIENT_MED_TYPES: ReadonlySet<string> = new Set(['11', '14'])

/** The keys of each object of a claim (SPEC §9, engine/claim.ts ClaimInput); any other key is refused (SPEC §1). */
const CLAIM_KEYS: ReadonlySet<string> = new Set(['msgid', 'fixmedins_code', 'psn_no', 'insutype', 'mdtrt_id', 'med_type',
  'begndate', 'enddate', 'dscg_way', 'referral_from', 'diagnoses', 'procedures', 'fees', 'acct_used_flag'])
const CODE_KEYS: ReadonlySet<string> = new Set(['code', 'main'])
const FEE_KEYS: ReadonlySet<string> = new Set(['feedetl_sn', 'code', 'qty', 'price', 'amount', 'fee_ocur_time'])
/** fee_ocur_time: the national 'yyyy-MM-dd HH:mm:ss', or the date alone. */
const FEE_TIME = /^(\d{4}-\d{2}-\d{2})(?: ([01]\d|2[0-3]):[0-5]\d:[0-5]\d)?$/

/** SPEC §1: dates lie between 1900-01-01 and the day after today (the server's clock). */
const FIRST_DAY = dayNumber('1900-01-01') as number
/** SPEC §1: a stay longer than the policy's max_stay_days is refused; this when the policy gives none. */
export const DEFAULT_MAX_STAY_DAYS = 1100
const MS_PER_DAY = 86_400_000

/** What validation takes from outside the body: the policy's stay limit and today (the server's clock). */
export interface ValidationLimits {
  readonly maxStayDays?: number
  /** Day number of today (UTC); default the clock's. */
  readonly today?: number
}

type Obj = Record<string, unknown>

/** Space, tab, newline or other ASCII control / whitespace at the edge of an identifier. */
function isSpace(ch: number): boolean {
  return ch <= 0x20 || ch === 0xa0 || ch === 0x3000
}

/** The checks of one body, collecting reasons. */
class Checker {
  readonly reasons: Reason[] = []

  /** A required string (null counts as missing). */
  string(o: Obj, key: string, path: string): string | undefined {
    const v = o[key]
    if (v === undefined || v === null) { this.reasons.push(reason('E_FIELD_MISSING', path, `${path} is missing`)); return undefined }
    if (typeof v !== 'string') { this.reasons.push(reason('E_FIELD_TYPE', path, `${path} must be a string`)); return undefined }
    return v
  }

  /** An optional string: undefined/null → null. */
  optionalString(o: Obj, key: string, path: string): string | null | undefined {
    const v = o[key]
    if (v === undefined || v === null) return null
    if (typeof v !== 'string') { this.reasons.push(reason('E_FIELD_TYPE', path, `${path} must be a string or null`)); return undefined }
    return v
  }

  /** A required identifier or code: a non-empty string of bounded length. */
  id(o: Obj, key: string, path: string): string | undefined {
    const v = this.string(o, key, path)
    if (v === undefined) return undefined
    if (v.length === 0 || v.length > MAX_ID_LENGTH || isSpace(v.charCodeAt(0)) || isSpace(v.charCodeAt(v.length - 1))) {
      this.reasons.push(reason('E_FIELD_FORMAT', path, `${path} must be 1–${MAX_ID_LENGTH} characters without surrounding spaces`))
      return undefined
    }
    return v
  }

  format(path: string, message: string): undefined {
    this.reasons.push(reason('E_FIELD_FORMAT', path, message))
    return undefined
  }

  /** A required date YYYY-MM-DD that exists in the calendar, 1900-01-01 … lastDay → day number. */
  date(o: Obj, key: string, lastDay: number): number | undefined {
    const v = this.string(o, key, key)
    if (v === undefined) return undefined
    const day = dayNumber(v)
    if (day === null) return this.format(key, `${key} must be a real date YYYY-MM-DD`)
    if (day < FIRST_DAY || day > lastDay) {
      this.reasons.push(reason('E_FIELD_FORMAT', key, `${key} ${v} lies outside 1900-01-01 … the day after today`))
      return undefined
    }
    return day
  }

  /** A money field: yuan, ≤ 2 decimals, not negative, ≤ 10^10 → fen. */
  money(o: Obj, key: string, path: string): number | undefined {
    const v = o[key]
    if (v === undefined || v === null) { this.reasons.push(reason('E_FIELD_MISSING', path, `${path} is missing`)); return undefined }
    const p = parseYuan(v, false, numberTextOf(o, key))
    if (p.ok) return p.fen
    const why = { not_a_number: 'is not a number', too_many_decimals: 'has more than 2 decimals', negative: 'is negative', too_large: 'is above 10^10 yuan' }[p.problem]
    this.reasons.push(reason('E_MONEY_FORMAT', path, `${path} ${why}`))
    return undefined
  }

  /** An optional boolean (absent = false). */
  flag(o: Obj, key: string, path: string): boolean | undefined {
    const v = o[key]
    if (v === undefined || v === null) return false
    if (typeof v !== 'boolean') { this.reasons.push(reason('E_FIELD_TYPE', path, `${path} must be true or false`)); return undefined }
    return v
  }

  /** A required array (optional when `optional`: absent = []). */
  array(o: Obj, key: string, optional = false): unknown[] | undefined {
    const v = o[key]
    if (v === undefined || v === null) {
      if (optional) return []
      this.reasons.push(reason('E_FIELD_MISSING', key))
      return undefined
    }
    if (!Array.isArray(v)) { this.reasons.push(reason('E_FIELD_TYPE', key, `${key} must be an array`)); return undefined }
    return v
  }

  element(v: unknown, path: string, keys: ReadonlySet<string>): Obj | undefined {
    if (isObject(v)) { this.knownKeys(v, keys, `${path}.`); return v }
    this.reasons.push(reason('E_FIELD_TYPE', path, `${path} must be an object`))
    return undefined
  }

  /** Every key of `o` is one of `keys` (SPEC §1: a key outside the schema is refused, naming it). */
  knownKeys(o: Obj, keys: ReadonlySet<string>, prefix: string): void {
    for (const k in o) {
      if (!keys.has(k)) this.reasons.push(reason('E_UNKNOWN_FIELD', prefix + k, `${prefix}${k} is not part of a claim`))
    }
  }
}

interface CodeEntry { readonly code: string; readonly main: boolean }

/** diagnoses[] or procedures[]: each {code, main?}; unknown codes reported with their path. */
function codeList(c: Checker, items: unknown[], key: 'diagnoses' | 'procedures', known: (code: string) => boolean): CodeEntry[] | undefined {
  const out: CodeEntry[] = []
  let ok = true
  for (let i = 0; i < items.length; i++) {
    const path = `${key}[${i}]`
    const o = c.element(items[i], path, CODE_KEYS)
    if (!o) { ok = false; continue }
    const code = c.id(o, 'code', `${path}.code`)
    const main = c.flag(o, 'main', `${path}.main`)
    if (code === undefined || main === undefined) { ok = false; continue }
    // the tables hold codes upper-case; the lists mix `x` and `X`
    const upper = code.toUpperCase()
    if (!known(upper)) {
      c.reasons.push(reason(key === 'diagnoses' ? 'E_UNKNOWN_DIAGNOSIS' : 'E_UNKNOWN_PROCEDURE', `${path}.code`,
        `${path}.code ${code} is not in the ${key === 'diagnoses' ? 'ICD-10' : 'ICD-9-CM-3'} 医保版 list`))
      ok = false
    }
    out.push({ code: upper, main })
  }
  return ok ? out : undefined
}

function fees(c: Checker, items: unknown[], lastDay: number): { lines: FeeLine[]; totalFen: number } | undefined {
  if (items.length === 0) return c.format('fees', 'fees must hold at least one fee line')
  const lines: FeeLine[] = []
  const seen = new Set<string>()
  let ok = true
  let totalFen = 0
  for (let i = 0; i < items.length; i++) {
    const path = `fees[${i}]`
    const o = c.element(items[i], path, FEE_KEYS)
    if (!o) { ok = false; continue }
    const sn = c.id(o, 'feedetl_sn', `${path}.feedetl_sn`)
    const code = c.id(o, 'code', `${path}.code`)
    const qty = quantity(c, o, `${path}.qty`)
    const priceFen = c.money(o, 'price', `${path}.price`)
    const amountFen = c.money(o, 'amount', `${path}.amount`)
    const day = feeDay(c, o, `${path}.fee_ocur_time`, lastDay)
    if (sn !== undefined) {
      if (seen.has(sn)) { c.reasons.push(reason('E_DUPLICATE_FEEDETL_SN', `${path}.feedetl_sn`, `feedetl_sn ${sn} repeats`)); ok = false }
      seen.add(sn)
    }
    if (qty !== undefined && priceFen !== undefined && amountFen !== undefined) {
      const expectedFen = qtyTimesFen(qty.e4, priceFen)
      if (expectedFen !== amountFen) {
        c.reasons.push(reason('E_AMOUNT_MISMATCH', `${path}.amount`,
          `${path}.amount ${amountFen / FEN_PER_YUAN} is not qty × price = ${expectedFen / FEN_PER_YUAN}`))
        ok = false
      }
    }
    if (sn === undefined || code === undefined || qty === undefined || priceFen === undefined || amountFen === undefined || day === undefined) { ok = false; continue }
    totalFen += amountFen
    lines.push(day === null ? { feedetlSn: sn, code, qtyE4: qty.e4, priceFen, amountFen } : { feedetlSn: sn, code, qtyE4: qty.e4, priceFen, amountFen, day })
  }
  if (!ok) return undefined
  if (totalFen > MAX_TOTAL_FEN) {
    c.reasons.push(reason('E_MONEY_FORMAT', 'fees', 'the sum of fees[].amount is above 10^10 yuan'))
    return undefined
  }
  return { lines, totalFen }
}

/** A fee line's optional fee_ocur_time → its day number (null: not given; undefined: refused, reason pushed). */
function feeDay(c: Checker, o: Obj, path: string, lastDay: number): number | null | undefined {
  const v = o['fee_ocur_time']
  if (v === undefined || v === null) return null
  if (typeof v !== 'string') { c.reasons.push(reason('E_FIELD_TYPE', path, `${path} must be a string`)); return undefined }
  const m = FEE_TIME.exec(v)
  const day = m === null ? null : dayNumber(m[1] as string)
  if (day === null) return c.format(path, `${path} must be a real date YYYY-MM-DD or YYYY-MM-DD HH:mm:ss`)
  if (day < FIRST_DAY || day > lastDay) return c.format(path, `${path} ${v} lies outside 1900-01-01 … the day after today`)
  return day
}

function quantity(c: Checker, o: Obj, path: string): { value: number; e4: number } | undefined {
  const v = o['qty']
  if (v === undefined || v === null) { c.reasons.push(reason('E_FIELD_MISSING', path)); return undefined }
  if (typeof v !== 'number' || !Number.isFinite(v)) { c.reasons.push(reason('E_FIELD_TYPE', path, `${path} must be a number`)); return undefined }
  const e4 = v > 0 && v <= MAX_QTY ? qtyToE4(v, numberTextOf(o, 'qty')) : null
  if (e4 === null || e4 === 0) return c.format(path, `${path} must be above 0, at most ${MAX_QTY}, with at most 4 decimals`)
  return { value: v, e4 }
}

/** Validate and parse one claim body, keeping the hospital and person it names (looked up once). */
export function validateClaim(input: unknown, tables: Tables, limits: ValidationLimits = {}): Validation {
  if (!isObject(input)) return { status: 'rejected', msgid: '', reasons: [reason('E_BAD_JSON', '')] }
  const c = new Checker()
  const o = input
  c.knownKeys(o, CLAIM_KEYS, '')

  const msgid = c.string(o, 'msgid', 'msgid')
  const hospitalCode = c.string(o, 'fixmedins_code', 'fixmedins_code')
  let hospital: Hospital | undefined
  if (hospitalCode !== undefined) {
    if (!HOSPITAL_CODE.test(hospitalCode)) c.format('fixmedins_code', 'fixmedins_code must be 12 letters or digits')
    else {
      hospital = tables.hospitals.get(hospitalCode)
      if (!hospital) c.reasons.push(reason('E_UNKNOWN_HOSPITAL', 'fixmedins_code', `fixmedins_code ${hospitalCode} is not a designated hospital of this region`))
    }
  }
  if (msgid !== undefined) {
    if (msgid.length !== MSGID_LENGTH || !MSGID_TAIL.test(msgid.slice(12))) {
      c.format('msgid', 'msgid must be the hospital code (12) + yyyyMMddHHmmss (14) + a 4-digit sequence')
    } else if (hospitalCode !== undefined && HOSPITAL_CODE.test(hospitalCode) && !msgid.startsWith(hospitalCode)) {
      c.reasons.push(reason('E_MSGID_HOSPITAL', 'msgid'))
    }
  }

  const psnNo = c.id(o, 'psn_no', 'psn_no')
  let person: Person | undefined
  if (psnNo !== undefined) {
    // the person in force on the claim's enddate (SPEC §11); a malformed enddate is refused below, naming it
    const enddate = o['enddate']
    person = tables.persons.get(psnNo, typeof enddate === 'string' ? enddate : undefined)
    if (!person) c.reasons.push(reason('E_UNKNOWN_PERSON', 'psn_no', `psn_no ${psnNo} is not an insured person of this region`))
  }
  const insutypeRaw = c.string(o, 'insutype', 'insutype')
  let insutype: Insutype | undefined
  if (insutypeRaw !== undefined) {
    if (insutypeRaw !== '310' && insutypeRaw !== '390') c.format('insutype', 'insutype must be 310 (职工基本) or 390 (城乡居民基本)')
    else {
      insutype = insutypeRaw
      if (person && person.insutype !== insutype) {
        c.reasons.push(reason('E_INSUTYPE_MISMATCH', 'insutype', `insutype ${insutype} differs from the person's ${person.insutype}`))
      }
    }
  }

  const mdtrtId = c.id(o, 'mdtrt_id', 'mdtrt_id')
  const medType = c.string(o, 'med_type', 'med_type')
  let inpatient: boolean | undefined
  if (medType !== undefined) {
    if (!MED_TYPE.test(medType)) c.format('med_type', 'med_type must be two digits')
    else if (OUTPATIENT_MED_TYPES.has(medType)) inpatient = false
    else if (medType.startsWith('2')) inpatient = true
    else c.reasons.push(reason('E_MED_TYPE_UNSUPPORTED', 'med_type', `med_type ${medType} is not supported (11, 14 outpatient; 2x inpatient)`))
  }

  const lastDay = (limits.today ?? Math.floor(Date.now() / MS_PER_DAY)) + 1
  const begnDay = c.date(o, 'begndate', lastDay)
  const endDay = c.date(o, 'enddate', lastDay)
  if (begnDay !== undefined && endDay !== undefined) {
    const maxStayDays = limits.maxStayDays ?? DEFAULT_MAX_STAY_DAYS
    if (endDay < begnDay) c.reasons.push(reason('E_DATE_ORDER', 'enddate'))
    else if (endDay - begnDay > maxStayDays) {
      c.reasons.push(reason('E_FIELD_FORMAT', 'enddate', `the stay of ${endDay - begnDay} days is longer than the policy's max_stay_days ${maxStayDays}`))
    }
  }

  const dscgWay = c.optionalString(o, 'dscg_way', 'dscg_way')
  const referralFrom = c.optionalString(o, 'referral_from', 'referral_from')
  if (typeof referralFrom === 'string' && (referralFrom.length === 0 || referralFrom.length > MAX_ID_LENGTH)) {
    c.format('referral_from', `referral_from must be an mdtrt_id (1–${MAX_ID_LENGTH} characters) or null`)
  }
  const acctFlag = c.optionalString(o, 'acct_used_flag', 'acct_used_flag')
  if (typeof acctFlag === 'string' && acctFlag !== '0' && acctFlag !== '1') c.format('acct_used_flag', 'acct_used_flag must be "0" or "1"')

  const dxItems = c.array(o, 'diagnoses')
  let dx: CodeEntry[] | undefined
  if (dxItems !== undefined) {
    if (dxItems.length === 0) c.format('diagnoses', 'diagnoses must hold at least the main diagnosis')
    else dx = codeList(c, dxItems, 'diagnoses', (code) => tables.diagnoses.has(code))
    if (dx && dx.filter((d) => d.main).length !== 1) { c.reasons.push(reason('E_MAIN_DIAGNOSIS', 'diagnoses')); dx = undefined }
  }
  const procItems = c.array(o, 'procedures', true)
  let procs: CodeEntry[] | undefined
  if (procItems !== undefined) {
    procs = codeList(c, procItems, 'procedures', (code) => tables.procedures.has(code))
    if (procs && procs.filter((p) => p.main).length > 1) { c.reasons.push(reason('E_MAIN_PROCEDURE', 'procedures')); procs = undefined }
  }
  const feeItems = c.array(o, 'fees')
  const feeLines = feeItems !== undefined ? fees(c, feeItems, lastDay) : undefined

  if (c.reasons.length > 0 || msgid === undefined || hospitalCode === undefined || !hospital || psnNo === undefined
    || !person || insutype === undefined || mdtrtId === undefined || medType === undefined || inpatient === undefined
    || begnDay === undefined || endDay === undefined || dscgWay === undefined || referralFrom === undefined
    || acctFlag === undefined || !dx || !procs || !feeLines) {
    // every path above that leaves a value undefined has pushed its reason
    return { status: 'rejected', msgid: msgid ?? '', reasons: c.reasons }
  }

  const enddate = o['enddate'] as string
  const mainDx = dx.find((d) => d.main)?.code ?? ''
  // the main procedure first; when none is marked, the order given
  const mainProc = procs.findIndex((p) => p.main)
  const procedures = mainProc > 0
    ? [procs[mainProc]?.code ?? '', ...procs.filter((_, i) => i !== mainProc).map((p) => p.code)]
    : procs.map((p) => p.code)
  const claim: Claim = {
    msgid, hospitalCode, psnNo, insutype, mdtrtId, medType, inpatient,
    begnDay, endDay, year: Number(enddate.slice(0, 4)), month: enddate.slice(0, 7),
    begndate: o['begndate'] as string, enddate,
    dscgWay: dscgWay ?? '', referralFrom,
    mainDx, otherDx: dx.filter((d) => !d.main).map((d) => d.code),
    procedures, fees: feeLines.lines, totalFen: feeLines.totalFen, useAccount: acctFlag === '1',
  }
  return { status: 'ok', claim, hospital, person }
}

/** Validate and parse one claim body (SPEC §3 step 1). */
export function parseClaim(input: unknown, tables: Tables, limits: ValidationLimits = {}): ParseOutcome {
  const v = validateClaim(input, tables, limits)
  return v.status === 'ok' ? { status: 'ok', claim: v.claim } : v
}
