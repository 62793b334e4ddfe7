// Reading one CSV field of a source row, checked (grouper-data/build.ts): each reader records a problem as
// `file:row:column: what is wrong` and returns undefined, so that every problem of the sources is reported at once.
import type { CsvRecord } from './csv-file.js'

/** At most this many problems are listed; the rest are counted. */
export const MAX_ERRORS = 50
const NUMBER = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/

/** The problems found so far, each `file:row:column: what`. */
export class Problems {
  readonly list: string[] = []
  more = 0
  add(message: string): void {
    if (this.list.length < MAX_ERRORS) this.list.push(message)
    else this.more++
  }
  at(file: string, row: number, column: string, what: string): void { this.add(`${file}:${row}:${column}: ${what}`) }
  get count(): number { return this.list.length + this.more }
}

export type Row = { file: string; rec: CsvRecord; p: Problems }

export function text(r: Row, col: string, required = true): string {
  const v = r.rec.values[col] ?? ''
  if (required && v === '') r.p.at(r.file, r.rec.row, col, 'empty')
  return v
}

/** A number within [min, max], or null when empty and optional; records the problem and returns undefined if bad. */
export function num(r: Row, col: string, opts: { min?: number; max?: number; minExclusive?: boolean; optional?: boolean; integer?: boolean;
  maxDecimals?: number } = {}): number | null | undefined {
  const v = r.rec.values[col] ?? ''
  if (v === '') {
    if (opts.optional) return null
    r.p.at(r.file, r.rec.row, col, 'empty')
    return undefined
  }
  if (!NUMBER.test(v)) { r.p.at(r.file, r.rec.row, col, `not a number "${v}"`); return undefined }
  const x = Number(v)
  if (opts.integer && !Number.isInteger(x)) { r.p.at(r.file, r.rec.row, col, `not a whole number "${v}"`); return undefined }
  if (opts.maxDecimals !== undefined) {
    const dec = /\.([0-9]*)$/.exec(v)?.[1]?.replace(/0+$/, '') ?? ''
    if (dec.length > opts.maxDecimals) {
      r.p.at(r.file, r.rec.row, col, `more than ${opts.maxDecimals} decimals "${v}"`)
      return undefined
    }
  }
  const lo = opts.min ?? -Infinity
  const hi = opts.max ?? Infinity
  if ((opts.minExclusive ? x <= lo : x < lo) || x > hi) {
    const range = `${opts.minExclusive ? '(' : '['}${lo}, ${hi}]`
    r.p.at(r.file, r.rec.row, col, `out of range ${range}: ${v}`)
    return undefined
  }
  return x
}

export function oneOf<T extends string>(r: Row, col: string, allowed: readonly T[], opts: { optional?: boolean } = {}): T | null | undefined {
  const v = r.rec.values[col] ?? ''
  if (v === '' && opts.optional) return null
  if (!(allowed as readonly string[]).includes(v)) {
    r.p.at(r.file, r.rec.row, col, `${v === '' ? 'empty' : `"${v}" is not`} one of ${allowed.join(', ')}`.replace('empty one of', 'empty: one of'))
    return undefined
  }
  return v as T
}

export function flag(r: Row, col: string, optional = false): boolean {
  const v = oneOf(r, col, ['0', '1'] as const, { optional })
  return v === '1'
}

export function code(r: Row, col: string, shape: RegExp, what: string): string | undefined {
  const v = r.rec.values[col] ?? ''
  if (v === '') { r.p.at(r.file, r.rec.row, col, 'empty'); return undefined }
  if (!shape.test(v)) { r.p.at(r.file, r.rec.row, col, `not a well-formed ${what} "${v}"`); return undefined }
  return v
}

/** Tracks first occurrences (upper-case) to report duplicates naming the first row. */
export class Unique {
  private readonly seen = new Map<string, number>()
  check(r: Row, col: string, value: string): boolean {
    const key = value.toUpperCase()
    const first = this.seen.get(key)
    if (first !== undefined) {
      r.p.at(r.file, r.rec.row, col, `duplicate code "${value}" (first at row ${first})`)
      return false
    }
    this.seen.set(key, r.rec.row)
    return true
  }
}

/** Upper-case diagnosis codes, sorted, to answer "is X the prefix of a listed code" by binary search. */
export class PrefixIndex {
  private readonly sorted: string[]
  constructor(codes: Iterable<string>) { this.sorted = [...codes].sort() }
  hasPrefix(prefix: string): boolean {
    const p = prefix.toUpperCase()
    let lo = 0
    let hi = this.sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.sorted[mid] as string) < p) lo = mid + 1
      else hi = mid
    }
    return lo < this.sorted.length && (this.sorted[lo] as string).startsWith(p)
  }
}
