// SPEC §1 strict input: engine/strict-json.ts (one pass over the bytes) and engine/strict-msgpack.ts; the money text
// rule of engine/money.ts (#20 items 10-12, #14 nesting).
import { Buffer } from 'node:buffer'
import fc from 'fast-check'
import { pack } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { decimalUnits, parseYuan } from '../engine/money.js'
import { qtyToE4 } from '../engine/adjudicate/quantity.js'
import { MAX_DEPTH, numberTextOf, parseStrictJson } from '../engine/strict-json.js'
import { checkStrictMsgpack } from '../engine/strict-msgpack.js'

const parse = (s: string | Buffer) => parseStrictJson(typeof s === 'string' ? Buffer.from(s, 'utf8') : s)
const nested = (levels: number) => '{"a":' + '['.repeat(levels - 1) + ']'.repeat(levels - 1) + '}'

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses, to the same value (any JSON value made by fast-check, but a __proto__ key)', () => {
    // a "__proto__" key is refused on purpose (its own test below); fast-check's JSON values include it
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }).filter((v) => !JSON.stringify(v).includes('"__proto__":')), (v) => {
      const text = JSON.stringify(v)
      const r = parse(text)
      expect(r.ok).toBe(true)
      if (r.ok) expect(r.value).toEqual(JSON.parse(text))
    }), { numRuns: 300 })
  })

  it('reads a plain decimal of up to 15 digits to the same double as Number(text) (the fast path)', () => {
    const decimal = fc.tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9][0-9]{0,9})$/), fc.stringMatching(/^[0-9]{0,5}$/))
      .map(([neg, i, f]) => `${neg ? '-' : ''}${i}${f === '' ? '' : '.' + f}`)
    fc.assert(fc.property(decimal, (text) => {
      const r = parse(`[${text}]`)
      expect(r.ok && Object.is((r.value as number[])[0], Number(text))).toBe(true)
    }), { numRuns: 2000 })
  })

  it('refuses what JSON.parse refuses, as E_BAD_JSON with no field', () => {
    for (const t of ['', '{', '{"a":}', '[1,]', '{"a":01}', '{"a":1.}', '"x" x', "{'a':1}", '{"a":"\u0001"}', 'nul', '{"a":"\\x"}']) {
      expect(() => JSON.parse(t)).toThrow()
      expect(parse(t)).toMatchObject({ ok: false, code: 'E_BAD_JSON', field: '' })
    }
  })

  it('refuses a repeated key, naming it with its path', () => {
    // JSON.parse keeps the second fees silently (#20 item 11)
    expect(parse('{"fees":[],"fees":[{}]}')).toMatchObject({ ok: false, code: 'E_FIELD_FORMAT', field: 'fees' })
    expect(parse('{"fees":[{"amount":1},{"amount":2,"amount":3}]}')).toMatchObject({ ok: false, code: 'E_FIELD_FORMAT', field: 'fees[1].amount' })
  })

  it('refuses a __proto__ key anywhere; "constructor" is only a key (the schema refuses it as unknown)', () => {
    expect(parse('{"fees":[{"__proto__":{"x":1}}]}')).toMatchObject({ ok: false, code: 'E_FIELD_FORMAT', field: 'fees[0].__proto__' })
    const r = parse('{"constructor":{"prototype":{}}}')
    expect(r.ok).toBe(true)
    if (r.ok) expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype)
  })

  it('refuses bytes that are not UTF-8, naming the field and the byte offset (never U+FFFD)', () => {
    // "ab\xff": two mdtrt_ids that differ only in a bad byte would collide as U+FFFD (#20 item 12)
    const bad = Buffer.concat([Buffer.from('{"mdtrt_id":"ab'), Buffer.from([0xff]), Buffer.from('"}')])
    expect(parse(bad)).toEqual({ ok: false, code: 'E_FIELD_FORMAT', kind: 'utf8', field: 'mdtrt_id', message: 'mdtrt_id: byte 15 is not UTF-8' })
    // an overlong encoding of "/" (C0 AF), a UTF-16 surrogate encoded (ED A0 80), a truncated 3-byte sequence
    for (const bytes of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe4, 0xb8]]) {
      const b = Buffer.concat([Buffer.from('{"x":"'), Buffer.from(bytes), Buffer.from('"}')])
      expect(parse(b)).toMatchObject({ ok: false, code: 'E_FIELD_FORMAT', field: 'x', message: 'x: byte 6 is not UTF-8' })
    }
    expect(parse('{"x":"中文 😀"}')).toEqual({ ok: true, value: { x: '中文 😀' } })
  })

  it('refuses a \\u escape of a lone surrogate (it cannot be UTF-8, it would hash as U+FFFD)', () => {
    expect(parse('{"x":"\\ud800"}')).toMatchObject({ ok: false, code: 'E_FIELD_FORMAT', field: 'x' })
    expect(parse('{"x":"\\udc00a"}')).toMatchObject({ ok: false, code: 'E_FIELD_FORMAT', field: 'x' })
    expect(parse('{"x":"\\ud83d\\ude00"}')).toEqual({ ok: true, value: { x: '😀' } })
  })

  it(`allows ${MAX_DEPTH} levels of nesting and refuses ${MAX_DEPTH + 1}, naming where (#14)`, () => {
    expect(parse(nested(32)).ok).toBe(true)
    const r = parse(nested(33))
    expect(r).toMatchObject({ ok: false, code: 'E_FIELD_FORMAT' })
    // the top object is level 1, "a" level 2 … the 33rd level is a[0]…[0] (31 indices)
    if (!r.ok) expect(r.field).toBe('a' + '[0]'.repeat(31))
    // 10,000 levels: refused at level 33, no stack overflow
    expect(parse('['.repeat(10_000) + ']'.repeat(10_000))).toMatchObject({ ok: false, code: 'E_FIELD_FORMAT' })
  })

  it('skips a leading byte-order mark', () => {
    expect(parse('\ufeff{"a":1}')).toEqual({ ok: true, value: { a: 1 } })
  })

  it('keeps the text of numbers whose double could hide decimals', () => {
    const r = parse('{"price":600000.125,"amount":12.30,"qty":1.2345,"big":1e2,"arr":[12.3400001]}')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const o = r.value as { arr: unknown[] }
    expect(numberTextOf(o, 'price')).toBe('600000.125')
    expect(numberTextOf(o, 'qty')).toBe('1.2345')
    expect(numberTextOf(o, 'big')).toBe('1e2')
    expect(numberTextOf(o.arr, '0')).toBe('12.3400001')
    // ≤ 2 decimals, no exponent: the double's shortest text says the same
    expect(numberTextOf(o, 'amount')).toBeUndefined()
  })
})

describe('money decided on the decimal text as sent (SPEC §1, #20 item 10)', () => {
  it('600000.125 and 12.3400001 are refused; 12.30 is 1,230 fen', () => {
    expect(parseYuan(600000.125, false, '600000.125')).toEqual({ ok: false, problem: 'too_many_decimals' })
    expect(parseYuan(12.3400001, false, '12.3400001')).toEqual({ ok: false, problem: 'too_many_decimals' })
    expect(parseYuan(12.3, false, '12.30')).toEqual({ ok: true, fen: 1230 })
    // the old tolerance accepted 600000.125 as 60,000,013 fen; without a text the double's shortest text decides
    expect(parseYuan(600000.125)).toEqual({ ok: false, problem: 'too_many_decimals' })
    // a text whose double rounds to 2 decimals is still refused: the text decides, not the double
    expect(parseYuan(12.34, false, '12.340000000000000000001')).toEqual({ ok: false, problem: 'too_many_decimals' })
  })

  it('exponents and trailing zeros are read exactly', () => {
    expect(decimalUnits('1.5e1', 2, 1e12)).toBe(1500)
    expect(decimalUnits('1234e-2', 2, 1e12)).toBe(1234)
    expect(decimalUnits('1e-3', 2, 1e12)).toBeNull()
    expect(decimalUnits('10.000', 2, 1e12)).toBe(1000)
    expect(decimalUnits('0.00', 2, 1e12)).toBe(0)
    expect(decimalUnits('1e400', 2, 1e12)).toBe('too_large')
    expect(decimalUnits('-0.01', 2, 1e12)).toBe(-1)
  })

  it('every amount of at most 2 decimals in 0 … 10^10 yuan parses to its fen, from text or from the double', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), (fen) => {
      const text = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
      expect(parseYuan(Number(text), false, text)).toEqual({ ok: true, fen })
      expect(parseYuan(Number(text))).toEqual({ ok: true, fen })
    }), { numRuns: 500 })
  })

  it('quantities: at most 4 decimals, on the text', () => {
    expect(qtyToE4(1.2345, '1.2345')).toBe(12345)
    expect(qtyToE4(1.23451, '1.23451')).toBeNull()
    expect(qtyToE4(2, '2.0000')).toBe(20000)
  })
})

describe('checkStrictMsgpack', () => {
  it('lets a batch of plain claims through', () => {
    expect(checkStrictMsgpack(pack([{ msgid: 'x', fees: [{ amount: 1.5 }] }, { a: [1, 'b', null, true] }]))).toBeNull()
  })

  it('refuses a repeated map key, naming the claim and the key', () => {
    // {"a":1,"a":2} as the batch's 2nd claim: fixarray(2), {} , fixmap(2) "a" 1 "a" 2
    const b = Buffer.from([0x92, 0x80, 0x82, 0xa1, 0x61, 0x01, 0xa1, 0x61, 0x02])
    expect(checkStrictMsgpack(b)).toEqual({ field: '[1].a', message: '[1].a: the key is repeated in its map' })
  })

  it('refuses __proto__, a string that is not UTF-8, and nesting deeper than 32 in a claim', () => {
    expect(checkStrictMsgpack(pack([{ __proto__x: 1 }]))).toBeNull()
    const proto = Buffer.from([0x91, 0x81, 0xa9, ...Buffer.from('__proto__'), 0x80])
    expect(checkStrictMsgpack(proto)?.field).toBe('[0].__proto__')
    const badUtf8 = Buffer.from([0x91, 0x81, 0xa1, 0x78, 0xa2, 0x61, 0xff])
    expect(checkStrictMsgpack(badUtf8)).toMatchObject({ field: '[0].x' })
    let deep: unknown = []
    for (let k = 0; k < 30; k++) deep = [deep]
    expect(checkStrictMsgpack(pack([{ a: deep }]))).toBeNull() // the claim (level 1), its 31 arrays (2 … 32)
    expect(checkStrictMsgpack(pack([{ a: [deep] }]))?.message).toMatch(/nested deeper than 32 levels/)
  })
})
