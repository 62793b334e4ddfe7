// Input fields of the national transactions, checked against a small per-transaction field table (SPEC §1 strict
// input): a key outside the table, a missing required field, a wrong type or form is refused with the NATIONAL field
// path (`feedetail[2].det_item_fee_sumamt`) in a Chinese err_msg. Nothing is coerced: "12.5" is not a number.
import { dayNumber } from '../../engine/claim.js'
import { parseYuan } from '../../engine/money.js'

/** A refusal of the call (infcode −1): the national field and what is wrong with it, in Chinese. */
export class NationalRefusal extends Error {
  constructor(readonly field: string, message: string) {
    super(message)
    this.name = 'NationalRefusal'
  }
}

export type Field =
  | { readonly t: 'str'; readonly req?: boolean; readonly max?: number; readonly re?: RegExp; readonly of?: readonly string[] }
  | { readonly t: 'yuan'; readonly req?: boolean }
  | { readonly t: 'num'; readonly req?: boolean; readonly min?: number; readonly max?: number; readonly int?: boolean }
  /** A date or date-time (yyyy-MM-dd[ HH:mm:ss]) between 1900-01-01 and the day after today. */
  | { readonly t: 'time'; readonly req?: boolean }
  /** open: any object (its transaction checks its fields). */
  | { readonly t: 'obj'; readonly req?: boolean; readonly fields: Fields; readonly open?: boolean }
  | { readonly t: 'arr'; readonly req?: boolean; readonly of: Fields; readonly min?: number; readonly max?: number }
  /**
   * exp_content (字段扩展): the national interface's extension point, which a province fills with its own keys — a
   * string of at most 4,000 characters or an object (its keys are the province's, not the interface's: kept with the
   * call as sent, never read). The body's strict JSON (repeated keys, nesting) already holds for it.
   */
  | { readonly t: 'ext'; readonly req?: false }

export type Fields = Readonly<Record<string, Field>>

export type Obj = Record<string, unknown>

const TIME = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/

/** Shorthands for the field tables. */
export const req = { str: (max = 64, extra: { re?: RegExp; of?: readonly string[] } = {}): Field => ({ t: 'str', req: true, max, ...extra }) }
export const opt = (max = 256): Field => ({ t: 'str', max })
/** exp_content, accepted in every input object the national interface documents it in. */
export const EXP_CONTENT: Field = { t: 'ext' }

/** Check `v` against `fields` at `path`; the object itself is returned (checked, unchanged). */
export function checkObject(v: unknown, fields: Fields, path: string, today: Date): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new NationalRefusal(path, `${path || '报文'} 应为对象`)
  const o = v as Obj
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(fields, k)) throw new NationalRefusal(join(path, k), `${join(path, k)} 不是本交易的字段`)
  }
  for (const [k, f] of Object.entries(fields)) checkField(o[k], f, join(path, k), today)
  return o
}

function checkField(v: unknown, f: Field, at: string, today: Date): void {
  if (v === undefined || v === null || v === '') {
    if (f.req === true) throw new NationalRefusal(at, `${at} 缺失 (必填)`)
    // an empty string or null stands for "not given", as national HIS systems send it
    if (v === '' && (f.t === 'obj' || f.t === 'arr')) throw new NationalRefusal(at, `${at} 应为${f.t === 'obj' ? '对象' : '数组'}`)
    return
  }
  switch (f.t) {
    case 'str':
      if (typeof v !== 'string') throw new NationalRefusal(at, `${at} 应为字符串`)
      if (v.length > (f.max ?? 256)) throw new NationalRefusal(at, `${at} 超过 ${f.max ?? 256} 个字符`)
      if (f.of !== undefined && !f.of.includes(v)) throw new NationalRefusal(at, `${at} 取值 ${v} 不在 ${f.of.join('/')} 之中`)
      if (f.re !== undefined && !f.re.test(v)) throw new NationalRefusal(at, `${at} 格式不正确: ${v}`)
      return
    case 'yuan': {
      const p = parseYuan(v)
      if (!p.ok) {
        const why = p.problem === 'too_many_decimals' ? '最多两位小数' : p.problem === 'negative' ? '不能为负数'
          : p.problem === 'too_large' ? '超过 10^10 元' : '应为数值 (元)'
        throw new NationalRefusal(at, `${at} 金额有误: ${why}`)
      }
      return
    }
    case 'num':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new NationalRefusal(at, `${at} 应为数值`)
      if (f.int === true && !Number.isInteger(v)) throw new NationalRefusal(at, `${at} 应为整数`)
      if ((f.min !== undefined && v < f.min) || (f.max !== undefined && v > f.max)) {
        throw new NationalRefusal(at, `${at} 超出范围 (${f.min ?? ''}…${f.max ?? ''})`)
      }
      return
    case 'time':
      if (typeof v !== 'string') throw new NationalRefusal(at, `${at} 应为字符串 (yyyy-MM-dd HH:mm:ss)`)
      timeDay(v, at, today)
      return
    case 'obj':
      if (f.open === true) {
        if (typeof v !== 'object' || Array.isArray(v)) throw new NationalRefusal(at, `${at} 应为对象`)
        return
      }
      checkObject(v, f.fields, at, today)
      return
    case 'ext':
      if (typeof v === 'string') {
        if (v.length > 4000) throw new NationalRefusal(at, `${at} 超过 4000 个字符`)
        return
      }
      if (typeof v !== 'object' || Array.isArray(v)) throw new NationalRefusal(at, `${at} 应为字符串或对象 (字段扩展)`)
      return
    case 'arr':
      if (!Array.isArray(v)) throw new NationalRefusal(at, `${at} 应为数组`)
      if (v.length < (f.min ?? 0)) throw new NationalRefusal(at, `${at} 至少需要 ${f.min ?? 0} 条`)
      if (v.length > (f.max ?? 5000)) throw new NationalRefusal(at, `${at} 超过 ${f.max ?? 5000} 条`)
      v.forEach((x, i) => checkObject(x, f.of, `${at}[${i}]`, today))
      return
  }
}

/** The day (YYYY-MM-DD) of a checked date or date-time; refused when not a real day in [1900-01-01, tomorrow]. */
export function timeDay(v: string, at: string, today: Date): string {
  const m = TIME.exec(v)
  const day = m?.[1]
  const d = day === undefined ? null : dayNumber(day)
  const clockOk = m === null || m[2] === undefined || (Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60)
  if (m === null || d === null || !clockOk) throw new NationalRefusal(at, `${at} 不是有效的日期时间 (yyyy-MM-dd HH:mm:ss): ${v}`)
  const tomorrow = Math.floor(today.getTime() / 86_400_000) + 1
  if (d < (dayNumber('1900-01-01') as number) || d > tomorrow) throw new NationalRefusal(at, `${at} 日期不合理: ${v}`)
  return day as string
}

/** A checked yuan field in fen. */
export function fenOf(v: unknown): number {
  const p = parseYuan(v)
  if (!p.ok) throw new Error('fenOf: the field was not checked')
  return p.fen
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}
