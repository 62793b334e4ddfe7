// Strict input for msgpack batch bodies (SPEC §1), checked on the bytes before msgpackr decodes them: a map key
// repeated in one map (msgpackr keeps the last), a `__proto__` key, a key that is not a string, a string that is not
// UTF-8 (msgpackr replaces it by U+FFFD), binary or extension values (no JSON counterpart: a claim has none), and
// nesting deeper than 32 levels per claim. The batch's own array does not count as a level: its claims start at 1,
// as a claim line of NDJSON does. Truncated or malformed msgpack is left to the decoder (E_BAD_JSON).
import { Buffer, isUtf8 } from 'node:buffer'
import { MAX_DEPTH, pathText } from './strict-json.js'

export interface MsgpackRefusal { readonly field: string; readonly message: string }

class Refused {
  readonly path: (string | number)[] = []
  constructor(readonly message: string) {}
}

/** Thrown when the bytes end inside a value: not this scan's business (the decoder answers it). */
class Truncated {}

class Scanner {
  i = 0
  constructor(private readonly b: Buffer) {}

  private need(n: number): void {
    if (this.i + n > this.b.length) throw new Truncated()
  }

  private uint(n: 1 | 2 | 4): number {
    this.need(n)
    const v = n === 1 ? this.b.readUInt8(this.i) : n === 2 ? this.b.readUInt16BE(this.i) : this.b.readUInt32BE(this.i)
    this.i += n
    return v
  }

  private skip(n: number): void {
    this.need(n)
    this.i += n
  }

  /** A string of `len` bytes at i → its text (checked UTF-8). */
  private str(len: number): string {
    this.need(len)
    const s = this.i
    this.i += len
    if (!isUtf8(this.b.subarray(s, s + len))) throw new Refused(`the string at bytes ${s}–${s + len - 1} is not UTF-8`)
    return this.b.toString('utf8', s, s + len)
  }

  value(depth: number): void {
    this.need(1)
    const c = this.b[this.i++] as number
    if (c <= 0x7f || c >= 0xe0 || c === 0xc0 || c === 0xc2 || c === 0xc3) return
    if (c >= 0x80 && c <= 0x8f) return this.map(c & 0x0f, depth)
    if (c >= 0x90 && c <= 0x9f) return this.array(c & 0x0f, depth)
    if (c >= 0xa0 && c <= 0xbf) { this.str(c & 0x1f); return }
    switch (c) {
      case 0xca: return this.skip(4)
      case 0xcb: return this.skip(8)
      case 0xcc: case 0xd0: return this.skip(1)
      case 0xcd: case 0xd1: return this.skip(2)
      case 0xce: case 0xd2: return this.skip(4)
      case 0xcf: case 0xd3: return this.skip(8)
      case 0xd9: this.str(this.uint(1)); return
      case 0xda: this.str(this.uint(2)); return
      case 0xdb: this.str(this.uint(4)); return
      case 0xdc: return this.array(this.uint(2), depth)
      case 0xdd: return this.array(this.uint(4), depth)
      case 0xde: return this.map(this.uint(2), depth)
      case 0xdf: return this.map(this.uint(4), depth)
      default:
        // 0xc1 (never used), bin 0xc4–0xc6, ext 0xc7–0xc9 and 0xd4–0xd8
        throw new Refused('a binary or extension value is not a JSON value')
    }
  }

  private nested(depth: number): void {
    if (depth > MAX_DEPTH) throw new Refused(`nested deeper than ${MAX_DEPTH} levels`)
  }

  array(n: number, depth: number): void {
    this.nested(depth)
    for (let k = 0; k < n; k++) {
      try {
        this.value(depth + 1)
      } catch (e) {
        if (e instanceof Refused) e.path.push(k)
        throw e
      }
    }
  }

  private map(n: number, depth: number): void {
    this.nested(depth)
    const keys = new Set<string>()
    for (let k = 0; k < n; k++) {
      this.need(1)
      const c = this.b[this.i++] as number
      const len = c >= 0xa0 && c <= 0xbf ? c & 0x1f : c === 0xd9 ? this.uint(1) : c === 0xda ? this.uint(2) : c === 0xdb ? this.uint(4) : -1
      if (len < 0) throw new Refused('a map key is not a string')
      const key = this.str(len)
      try {
        if (key === '__proto__') throw new Refused('the key __proto__ is not allowed')
        if (keys.has(key)) throw new Refused('the key is repeated in its map')
        keys.add(key)
        this.value(depth + 1)
      } catch (e) {
        if (e instanceof Refused) e.path.push(key)
        throw e
      }
    }
  }
}

/**
 * Check a msgpack batch body (one array of claims, or claims one after another); null when strict input allows it.
 * The field is named as the route's schema names it: `[3].fees[0].amount`.
 */
export function checkStrictMsgpack(bytes: Uint8Array): MsgpackRefusal | null {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const sc = new Scanner(b)
  const path: (string | number)[] = []
  try {
    // a single top-level array is the batch itself: its claims are at level 1
    const c = b[0]
    const wrapped = c !== undefined && ((c >= 0x90 && c <= 0x9f) || c === 0xdc || c === 0xdd)
    if (wrapped) {
      sc.i = 1
      const n = c <= 0x9f ? c & 0x0f : c === 0xdc ? b.readUInt16BE(1) : b.readUInt32BE(1)
      sc.i += c <= 0x9f ? 0 : c === 0xdc ? 2 : 4
      sc.array(n, 0)
    }
    for (let k = 0; sc.i < b.length; k++) {
      try {
        sc.value(1)
      } catch (e) {
        if (e instanceof Refused) e.path.push(k)
        throw e
      }
    }
    return null
  } catch (e) {
    if (e instanceof Truncated || e instanceof RangeError) return null
    if (!(e instanceof Refused)) throw e
    path.push(...e.path.reverse())
    const field = pathText(path)
    return { field, message: `${field}: ${e.message}` }
  }
}
