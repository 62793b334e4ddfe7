// Strict input (SPEC §1): one pass over a request's bytes that parses JSON and refuses, naming where, what JSON.parse
// would let through or repair — bytes that are not UTF-8 (never replaced by U+FFFD: two ids would collide), a key
// repeated in one object (JSON.parse keeps the last silently), a `__proto__` key, nesting deeper than 32 levels, and a
// `\u` escape of a lone surrogate (not encodable as UTF-8, so it would hash like U+FFFD). Numbers keep their source
// text where the double could hide decimals (numberTextOf), so that money is decided on the text as sent.
// Unknown keys are the schema's business (validate.ts, the routes' schemas), not this parser's.

import { Buffer } from 'node:buffer'

/** SPEC §1: nesting deeper than 32 levels is refused (the top-level object is level 1). */
export const MAX_DEPTH = 32

export type StrictJson =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: 'E_BAD_JSON' | 'E_FIELD_FORMAT'; readonly field: string; readonly message: string }

/**
 * Source text of numbers whose double might not show the decimals as sent: an exponent, more than 2 decimals or more
 * than 15 significant digits. Keyed by the object or array that holds the number, then by key (an array's index as a
 * string). A number written plainly with at most 2 decimals and 15 digits is its double's shortest text (String(x)).
 */
const numberTexts = new WeakMap<object, Map<string, string>>()

/** The source text of `container[key]` when the strict parser kept it (see numberTexts), else undefined. */
export function numberTextOf(container: object, key: string): string | undefined {
  return numberTexts.get(container)?.get(key)
}

/** A refusal while parsing; `path` is filled in (innermost key first) as the error unwinds. */
class Refusal {
  readonly path: (string | number)[] = []
  constructor(readonly code: 'E_BAD_JSON' | 'E_FIELD_FORMAT', readonly message: string) {}
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
}

/** JSON path as the reasons name fields: `fees[3].amount`; a key that is not an identifier in brackets. */
export function pathText(path: readonly (string | number)[]): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) out += out === '' ? p : `.${p}`
    else out += `[${JSON.stringify(p)}]`
  }
  return out
}

class Parser {
  private i = 0
  constructor(private readonly b: Buffer) {}

  /** ASCII bytes → string (keys, ids and numbers: the fast path; latin1Slice skips toString's argument handling). */
  private text(s: number, e: number): string {
    return (this.b as Latin1Sliceable).latin1Slice(s, e)
  }

  parse(): unknown {
    const b = this.b
    // a leading byte-order mark is skipped (as JSON.parse of the decoded text after the BOM strip the routes did)
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.i = 3
    this.ws()
    const v = this.value(1)
    this.ws()
    if (this.i < b.length) throw this.syntax('unexpected data after the JSON value')
    return v
  }

  private syntax(what: string): Refusal {
    const at = this.i < this.b.length ? `byte ${this.i}` : 'the end'
    return new Refusal('E_BAD_JSON', `not valid JSON at ${at}: ${what}`)
  }

  private ws(): void {
    const b = this.b
    while (this.i < b.length && isWs(b[this.i] as number)) this.i++
  }

  private value(depth: number): unknown {
    const c = this.b[this.i]
    switch (c) {
      case 0x7b: return this.object(depth)
      case 0x5b: return this.array(depth)
      case QUOTE: return this.string()
      case 0x74: return this.literal('true', true)
      case 0x66: return this.literal('false', false)
      case 0x6e: return this.literal('null', null)
      default:
        if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.number(null, '')
        throw this.syntax(c === undefined ? 'a value is missing' : 'a value is expected')
    }
  }

  private literal(word: string, v: unknown): unknown {
    for (let k = 0; k < word.length; k++) {
      if (this.b[this.i + k] !== word.charCodeAt(k)) throw this.syntax('a value is expected')
    }
    this.i += word.length
    return v
  }

  private nested(depth: number): void {
    if (depth > MAX_DEPTH) throw new Refusal('E_FIELD_FORMAT', `nested deeper than ${MAX_DEPTH} levels`)
  }

  private object(depth: number): Record<string, unknown> {
    this.nested(depth)
    this.i++
    const o: Record<string, unknown> = {}
    this.ws()
    if (this.b[this.i] === 0x7d) { this.i++; return o }
    for (;;) {
      if (this.b[this.i] !== QUOTE) throw this.syntax('a key is expected')
      const key = this.key()
      try {
        if (key === '__proto__') throw new Refusal('E_FIELD_FORMAT', 'the key __proto__ is not allowed')
        if (Object.prototype.hasOwnProperty.call(o, key)) throw new Refusal('E_FIELD_FORMAT', 'the key is repeated in its object')
        this.ws()
        if (this.b[this.i] !== 0x3a) throw this.syntax('a colon is expected')
        this.i++
        this.ws()
        const c = this.b[this.i]
        o[key] = c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39) ? this.number(o, key) : this.value(depth + 1)
      } catch (e) {
        if (e instanceof Refusal) e.path.push(key)
        throw e
      }
      this.ws()
      const c = this.b[this.i]
      if (c === 0x2c) { this.i++; this.ws(); continue }
      if (c === 0x7d) { this.i++; return o }
      throw this.syntax('a comma or } is expected')
    }
  }

  private array(depth: number): unknown[] {
    this.nested(depth)
    this.i++
    const a: unknown[] = []
    this.ws()
    if (this.b[this.i] === 0x5d) { this.i++; return a }
    for (;;) {
      const n = a.length
      try {
        const c = this.b[this.i]
        a.push(c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39) ? this.number(a, String(n)) : this.value(depth + 1))
      } catch (e) {
        if (e instanceof Refusal) e.path.push(n)
        throw e
      }
      this.ws()
      const c = this.b[this.i]
      if (c === 0x2c) { this.i++; this.ws(); continue }
      if (c === 0x5d) { this.i++; return a }
      throw this.syntax('a comma or ] is expected')
    }
  }

  /** A number by JSON's grammar; its text is kept (numberTexts) when the double could hide what was sent. */
  private number(container: object | null, key: string): number {
    const b = this.b
    const s = this.i
    let i = s
    const negative = b[i] === 0x2d
    if (negative) i++
    const intStart = i
    // the digits' value as they are read (exact while at most 15 digits)
    let mantissa = 0
    if (b[i] === 0x30) i++
    else if (b[i] !== undefined && (b[i] as number) >= 0x31 && (b[i] as number) <= 0x39) {
      while (isDigit(b[i])) mantissa = mantissa * 10 + ((b[i++] as number) - 0x30)
    } else { this.i = i; throw this.syntax('a digit is expected') }
    let digits = i - intStart
    let fraction = 0
    if (b[i] === 0x2e) {
      i++
      const f = i
      while (isDigit(b[i])) mantissa = mantissa * 10 + ((b[i++] as number) - 0x30)
      fraction = i - f
      if (fraction === 0) { this.i = i; throw this.syntax('a digit is expected after the decimal point') }
      digits += fraction
    }
    let exponent = false
    if (b[i] === 0x65 || b[i] === 0x45) {
      exponent = true
      i++
      if (b[i] === 0x2b || b[i] === 0x2d) i++
      const e = i
      while (isDigit(b[i])) i++
      if (i === e) { this.i = i; throw this.syntax('a digit is expected in the exponent') }
    }
    this.i = i
    if (!exponent && digits <= 15) {
      // an integer below 10^15 divided by a power of ten: the one correctly rounded double, as Number(text) gives
      const v = fraction === 0 ? mantissa : mantissa / POW10[fraction]!
      if (fraction > 2 && container !== null) keepText(container, key, this.text(s, i))
      return negative ? -v : v
    }
    const text = this.text(s, i)
    if (container !== null) keepText(container, key, text)
    return Number(text)
  }

  /**
   * A key: the same few keys repeat in every fee line, so a key of ASCII without escapes is taken from a cache
   * (compared byte by byte) instead of made again.
   */
  private key(): string {
    const b = this.b
    const s = this.i + 1
    let h = 0
    let i = s
    for (;;) {
      const c = b[i]
      if (c === undefined || c === BACKSLASH || c >= 0x80 || c < 0x20) return this.string()
      if (c === QUOTE) break
      h = (h * 31 + c) | 0
      i++
    }
    const len = i - s
    const slot = (h ^ len) & (KEY_CACHE_SIZE - 1)
    const cached = keyCache[slot]
    if (cached !== undefined && cached.length === len) {
      let same = true
      for (let k = 0; k < len; k++) if (cached.charCodeAt(k) !== b[s + k]) { same = false; break }
      if (same) { this.i = i + 1; return cached }
    }
    const key = this.text(s, i)
    if (len <= 32) keyCache[slot] = key
    this.i = i + 1
    return key
  }

  /** A string token → its value; the bytes must be UTF-8, escapes valid, no lone surrogate escaped. */
  private string(): string {
    const b = this.b
    const s = ++this.i
    let i = s
    let ascii = true
    for (;;) {
      const c = b[i]
      if (c === undefined) { this.i = i; throw this.syntax('a string is not closed') }
      if (c === QUOTE) break
      if (c === BACKSLASH) return this.escapedString(s)
      if (c < 0x20) { this.i = i; throw this.syntax('a control character inside a string') }
      if (c >= 0x80) { ascii = false; i = this.utf8(i) } else i++
    }
    this.i = i + 1
    return ascii ? this.text(s, i) : decodeUtf8(b, s, i)
  }

  /** The slow path of a string with escapes: decoded piece by piece from `s` (after the opening quote). */
  private escapedString(s: number): string {
    const b = this.b
    let out = ''
    let run = s
    let i = s
    for (;;) {
      const c = b[i]
      if (c === undefined) { this.i = i; throw this.syntax('a string is not closed') }
      if (c === QUOTE) break
      if (c < 0x20) { this.i = i; throw this.syntax('a control character inside a string') }
      if (c >= 0x80) { i = this.utf8(i); continue }
      if (c !== BACKSLASH) { i++; continue }
      out += decodeUtf8(b, run, i)
      const e = b[i + 1]
      i += 2
      switch (e) {
        case 0x22: out += '"'; break
        case 0x5c: out += '\\'; break
        case 0x2f: out += '/'; break
        case 0x62: out += '\b'; break
        case 0x66: out += '\f'; break
        case 0x6e: out += '\n'; break
        case 0x72: out += '\r'; break
        case 0x74: out += '\t'; break
        case 0x75: {
          const u = this.hex4(i)
          i += 4
          if (u >= 0xd800 && u <= 0xdbff) {
            const lo = b[i] === BACKSLASH && b[i + 1] === 0x75 ? this.hex4(i + 2) : -1
            if (lo < 0xdc00 || lo > 0xdfff) { this.i = i; throw new Refusal('E_FIELD_FORMAT', `a lone surrogate escape before byte ${i}`) }
            out += String.fromCharCode(u, lo)
            i += 6
          } else if (u >= 0xdc00 && u <= 0xdfff) {
            this.i = i
            throw new Refusal('E_FIELD_FORMAT', `a lone surrogate escape before byte ${i}`)
          } else out += String.fromCharCode(u)
          break
        }
        default: this.i = i - 1; throw this.syntax('an unknown escape')
      }
      run = i
    }
    out += decodeUtf8(b, run, i)
    this.i = i + 1
    return out
  }

  private hex4(i: number): number {
    let v = 0
    for (let k = 0; k < 4; k++) {
      const c = this.b[i + k]
      const d = c === undefined ? -1 : c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1
      if (d < 0) { this.i = i + k; throw this.syntax('\\u needs 4 hex digits') }
      v = v * 16 + d
    }
    return v
  }

  /** One UTF-8 sequence starting at i (a byte ≥ 0x80) → the index after it; refuses what is not UTF-8 (RFC 3629). */
  private utf8(i: number): number {
    const b = this.b
    const c = b[i] as number
    let n: number
    let lo = 0x80
    let hi = 0xbf
    if (c >= 0xc2 && c <= 0xdf) n = 1
    else if (c >= 0xe0 && c <= 0xef) { n = 2; if (c === 0xe0) lo = 0xa0; else if (c === 0xed) hi = 0x9f }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; if (c === 0xf0) lo = 0x90; else if (c === 0xf4) hi = 0x8f }
    else throw notUtf8(i)
    for (let k = 1; k <= n; k++) {
      const x = b[i + k]
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) throw notUtf8(i)
    }
    return i + n + 1
  }
}

type Latin1Sliceable = Buffer & { latin1Slice(start: number, end: number): string }

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

/** Keys seen lately, by a hash of their bytes (a slot holds the last key that hashed there). */
const KEY_CACHE_SIZE = 256
const keyCache: (string | undefined)[] = new Array<string | undefined>(KEY_CACHE_SIZE)

function keepText(container: object, key: string, text: string): void {
  let m = numberTexts.get(container)
  if (m === undefined) { m = new Map(); numberTexts.set(container, m) }
  m.set(key, text)
}

function notUtf8(offset: number): Refusal {
  return new Refusal('E_FIELD_FORMAT', `byte ${offset} is not UTF-8`)
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39
}

/** Bytes already checked to be UTF-8 → string. */
function decodeUtf8(b: Buffer, s: number, e: number): string {
  return s === e ? '' : b.toString('utf8', s, e)
}

/**
 * Parse one JSON document from its bytes, strictly (see the file's head). Never throws for any input: a refusal
 * names the field path (`fees[0].amount`; '' for the document itself) and, for bytes, the offset.
 */
export function parseStrictJson(bytes: Uint8Array): StrictJson {
  try {
    const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return { ok: true, value: new Parser(b).parse() }
  } catch (e) {
    if (!(e instanceof Refusal)) throw e
    // a syntax error is the document's: no field (its byte offset is in the message)
    if (e.code === 'E_BAD_JSON') return { ok: false, code: e.code, field: '', message: e.message }
    const field = pathText(e.path.reverse())
    return { ok: false, code: e.code, field, message: field === '' ? e.message : `${field}: ${e.message}` }
  }
}
