// SPEC §1 strict input on every claim route (#20 items 10-12, #14 nesting): the single-claim routes answer 400 naming
// the key or byte offset; /v1/batches refuses the batch for a schema error, and answers a line the strict parse
// refuses (nesting, repeated key, bytes not UTF-8) alone, in its place. Nothing is ever recorded for a refused body.
import { Buffer } from 'node:buffer'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pack } from 'msgpackr'
import { H1, bearer, claimBody, makeWorld, type World } from './fixtures.js'

let w: World
beforeEach(async () => { w = await makeWorld() })
afterEach(async () => { await w.close() })

const JSON_TYPE = { 'content-type': 'application/json' }
const send = (url: string, payload: string | Buffer, headers: Record<string, string> = JSON_TYPE) =>
  w.app.inject({ method: 'POST', url, headers: { ...bearer(w.tokens.h1), ...headers }, payload })

/** The claim's JSON text with `edit` applied to the text (keys added or repeated as text: objects cannot hold them). */
const claimText = (edit: (t: string) => string = (t) => t) => edit(JSON.stringify(claimBody()))

/** Each refusal, as the text edit that makes it and the error every single-claim route answers. */
const refusals: { name: string; payload: () => string | Buffer; error: { code: string; field: string } }[] = [
  { name: 'an unknown top-level key', payload: () => claimText((t) => t.replace('{', '{"remark":"x",')), error: { code: 'E_UNKNOWN_FIELD', field: 'remark' } },
  { name: 'an unknown key in a fee line', payload: () => claimText((t) => t.replace('"feedetl_sn"', '"memo":1,"feedetl_sn"')), error: { code: 'E_UNKNOWN_FIELD', field: 'fees[0].memo' } },
  { name: 'a "constructor" key', payload: () => claimText((t) => t.replace('{', '{"constructor":{"prototype":{}},')), error: { code: 'E_UNKNOWN_FIELD', field: 'constructor' } },
  { name: 'a "__proto__" key', payload: () => claimText((t) => t.replace('{', '{"__proto__":{"x":1},')), error: { code: 'E_FIELD_FORMAT', field: '__proto__' } },
  { name: 'a repeated fees key (JSON.parse keeps the second)', payload: () => claimText((t) => t.replace('"fees":', '"fees":[],"fees":')), error: { code: 'E_FIELD_FORMAT', field: 'fees' } },
  { name: 'a repeated key in a fee line', payload: () => claimText((t) => t.replace('"feedetl_sn"', '"qty":1,"feedetl_sn"')), error: { code: 'E_FIELD_FORMAT', field: 'fees[0].qty' } },
  {
    name: 'bytes that are not UTF-8 in mdtrt_id',
    payload: () => {
      const t = claimText()
      const at = t.indexOf('"mdtrt_id":"') + '"mdtrt_id":"'.length
      return Buffer.concat([Buffer.from(t.slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(t.slice(at))])
    },
    error: { code: 'E_FIELD_FORMAT', field: 'mdtrt_id' },
  },
  { name: 'nesting deeper than 32 levels', payload: () => claimText((t) => t.replace('{', `{"x":${'['.repeat(40)}${']'.repeat(40)},`)), error: { code: 'E_FIELD_FORMAT', field: 'x' + '[0]'.repeat(31) } },
  { name: 'a price of 600000.125', payload: () => claimText((t) => t.replace(/"price":[0-9.]+/, '"price":600000.125')), error: { code: 'E_MONEY_FORMAT', field: 'fees[0].price' } },
  { name: 'an amount of 12.3400001', payload: () => claimText((t) => t.replace(/"amount":[0-9.]+/, '"amount":12.3400001')), error: { code: 'E_MONEY_FORMAT', field: 'fees[0].amount' } },
  { name: 'an amount whose double has 2 decimals (12.340000000000000000001)', payload: () => claimText((t) => t.replace(/"amount":[0-9.]+/, '"amount":12.340000000000000000001')), error: { code: 'E_MONEY_FORMAT', field: 'fees[0].amount' } },
]

describe.each(['/v1/settlements', '/v1/presettlements'])('%s refuses, naming the key or the byte', (url) => {
  for (const r of refusals) {
    it(r.name, async () => {
      const res = await send(url, r.payload())
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject(r.error)
      expect(w.rows()).toBe(0)
    })
  }

  it('the byte offset of the first byte that is not UTF-8 is named', async () => {
    const res = await send(url, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])) // {"a":"\xff"}
    expect(res.json()).toEqual({ code: 'E_FIELD_FORMAT', field: 'a', message: 'a: byte 6 is not UTF-8' })
  })

  it('12.30 is 1,230 fen: accepted as written', async () => {
    // the fixture's first fee line: 1 × 12.30 written with its trailing zero
    const t = claimText((x) => x.replace(/"qty":[0-9.]+,"price":[0-9.]+,"amount":[0-9.]+/, '"qty":1,"price":12.30,"amount":12.30'))
    const res = await send(url, t)
    expect(res.statusCode).toBe(200)
    expect(res.json().status).not.toBe('rejected')
  })
})

describe('/v1/batches', () => {
  const NDJSON = { 'content-type': 'application/x-ndjson' }

  it('NDJSON: a line nested deeper than 32 levels, with a repeated key or bytes not UTF-8 answers alone, in its place (#14)', async () => {
    const good = (seq: number) => JSON.stringify(claimBody(H1, seq))
    const deep = good(2).replace('{', `{"x":${'['.repeat(2000)}${']'.repeat(2000)},`)
    const repeated = good(3).replace('"fees":', '"fees":[],"fees":')
    const t4 = good(4)
    const at = t4.indexOf('"psn_no":"') + '"psn_no":"'.length
    const notUtf8 = Buffer.concat([Buffer.from(t4.slice(0, at)), Buffer.from([0xff]), Buffer.from(t4.slice(at))])
    const body = Buffer.concat([Buffer.from(good(1) + '\n' + deep + '\n' + repeated + '\n'), notUtf8, Buffer.from('\n' + good(5) + '\n')])
    const res = await send('/v1/batches', body, NDJSON)
    expect(res.statusCode).toBe(200)
    const results = res.json().results as { status: string; msgid: string; reasons?: { code: string; field: string }[] }[]
    expect(results.map((r) => r.status)).toEqual(['settled', 'rejected', 'rejected', 'rejected', 'settled'])
    expect(results[1]!.reasons).toMatchObject([{ code: 'E_FIELD_FORMAT', field: 'x' + '[0]'.repeat(31) }])
    expect(results[2]!.reasons).toMatchObject([{ code: 'E_FIELD_FORMAT', field: 'fees' }])
    expect(results[3]!.reasons).toMatchObject([{ code: 'E_FIELD_FORMAT', field: 'psn_no' }])
    // the refused lines keep their msgid (found by a byte scan)
    expect(results[1]!.msgid).toBe(claimBody(H1, 2).msgid)
    expect(w.rows()).toBe(2)
  })

  it('NDJSON: an unknown key or "__proto__" in a line refuses the batch naming the item and key', async () => {
    let res = await send('/v1/batches', JSON.stringify(claimBody(H1, 1)) + '\n' + claimText((t) => t.replace('"feedetl_sn"', '"memo":1,"feedetl_sn"')), NDJSON)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'E_UNKNOWN_FIELD', field: '[1].fees[0].memo' })
    res = await send('/v1/batches', claimText((t) => t.replace('{', '{"__proto__":{"x":1},')), NDJSON)
    expect(res.json().results[0]).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_FIELD_FORMAT', field: '__proto__' }] })
    expect(w.rows()).toBe(0)
  })

  it('msgpack: a repeated key, "__proto__", an unknown key and 600000.125 are refused naming the item and key', async () => {
    const MSGPACK = { 'content-type': 'application/x-msgpack' }
    // [{"a": 1, "a": 2}] (msgpackr cannot write a repeated key: the bytes by hand)
    const repeated = Buffer.from([0x91, 0x82, 0xa1, 0x61, 0x01, 0xa1, 0x61, 0x02])
    let res = await send('/v1/batches', repeated, MSGPACK)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'E_FIELD_FORMAT', field: '[0].a' })
    res = await send('/v1/batches', Buffer.from([0x91, 0x81, 0xa9, ...Buffer.from('__proto__'), 0x80]), MSGPACK)
    expect(res.json()).toMatchObject({ code: 'E_FIELD_FORMAT', field: '[0].__proto__' })
    const unknown = claimBody(H1, 2) as unknown as Record<string, unknown>
    unknown['remark'] = 'x'
    res = await send('/v1/batches', pack([claimBody(H1, 1), unknown]), MSGPACK)
    expect(res.json()).toMatchObject({ code: 'E_UNKNOWN_FIELD', field: '[1].remark' })
    const money = claimBody(H1, 1)
    money.fees[0]!.price = 600000.125
    res = await send('/v1/batches', pack([money]), MSGPACK)
    expect(res.json()).toMatchObject({ code: 'E_MONEY_FORMAT', field: '[0].fees[0].price' })
    expect(w.rows()).toBe(0)
  })
})
