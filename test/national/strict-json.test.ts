// The envelope's strict JSON parser (server/national/strict-json.ts): it reads every JSON text JSON.parse reads, to the
// same value, unless a key repeats, nesting passes 32 levels or the bytes are not UTF-8 — those are refused, naming
// where.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JsonRefusal, MAX_DEPTH, parseStrictJson } from '../../server/national/strict-json.js'

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8')

describe('parseStrictJson', () => {
  it('agrees with JSON.parse on any JSON value (objects have unique keys by construction)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (v, pretty) => {
      const text = JSON.stringify(v, null, pretty ? 2 : undefined)
      expect(parseStrictJson(bytes(text))).toEqual(JSON.parse(text))
    }), { numRuns: 300 })
  })

  it('refuses a repeated key at any depth, naming its path', () => {
    expect(() => parseStrictJson(bytes('{"a":1,"a":2}'))).toThrow('字段 a 重复出现')
    expect(() => parseStrictJson(bytes('{"input":{"data":[{"x":1,"x":1}]}}'))).toThrow('字段 input.data[0].x 重复出现')
  })

  it('refuses nesting deeper than the limit and accepts it at the limit', () => {
    const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n)
    expect(() => parseStrictJson(bytes(nest(MAX_DEPTH)))).not.toThrow()
    expect(() => parseStrictJson(bytes(nest(MAX_DEPTH + 1)))).toThrow(JsonRefusal)
  })

  it('refuses bytes that are not UTF-8, naming the offset, and text that is not JSON', () => {
    const b = Buffer.from('{"a":"xé"}', 'utf8')
    const bad = Buffer.concat([b.subarray(0, 7), Buffer.from([0xc3, 0x28]), b.subarray(9)])
    expect(() => parseStrictJson(bad)).toThrow('第 7 字节')
    for (const t of ['', '{', '{"a":}', '[1,]', '{"a":1} x', "{'a':1}", '{"a":01}', '"\u0001"']) {
      expect(() => parseStrictJson(bytes(t)), t).toThrow(JsonRefusal)
    }
  })

  it('keeps a "__proto__" key as a key', () => {
    const v = parseStrictJson(bytes('{"__proto__":{"x":1}}')) as Record<string, unknown>
    expect(Object.keys(v)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>)['x']).toBeUndefined()
  })
})
