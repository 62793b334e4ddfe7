// Review of the HTTP service (issue 7): faults answer with the error shape and no internal text, every claim queued
// for a group commit is answered whatever the ledger does, and one hospital cannot probe another's msgids.
import { afterEach, describe, expect, it } from 'vitest'
import type { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { buildApp } from '../../server/app.js'
import { H1, H2, bearer, claimBody, demoPolicy, fakeAdjudicate, fakeTables, makeWorld, type World } from './fixtures.js'

let w: World | undefined
afterEach(async () => {
  await w?.close()
  w = undefined
})

const post = (world: World, url: string, token: string | undefined, payload: unknown, headers: Record<string, string> = {}) =>
  world.app.inject({ method: 'POST', url, headers: { ...(token ? bearer(token) : {}), ...headers }, payload: payload as string })
const ndjson = (claims: unknown[]) => claims.map((c) => JSON.stringify(c)).join('\n')
const ERROR_SHAPE = { code: expect.any(String), field: expect.any(String), message: expect.any(String) }

describe('internal faults', () => {
  it('an exception in the engine is a 500 with the error shape only: no message, no stack', async () => {
    const boom = () => { throw new Error('SECRET detail at /srv/dipsettle/engine/x.ts:12:3') }
    w = await makeWorld({ adjudicate: boom })
    for (const url of ['/v1/settlements', '/v1/presettlements']) {
      const res = await post(w, url, w.tokens.h1, claimBody())
      expect(res.statusCode).toBe(500)
      expect(res.json()).toEqual({ code: 'E_INTERNAL', field: '', message: expect.any(String) })
      expect(res.body).not.toMatch(/SECRET|\.ts:|at /)
    }
    expect(w.rows()).toBe(0)
  })

  it('a claim the engine could not process in a batch keeps its place, without the exception text', async () => {
    // the adjudicator throws for the second claim only: processBatch answers it E_FAILED, the others settle
    const adjudicate: typeof fakeAdjudicate = (input, ctx) => {
      if ((input as { msgid: string }).msgid === claimBody(H1, 2).msgid) throw new Error('SECRET TypeError in adjudicate')
      return fakeAdjudicate(input, ctx)
    }
    w = await makeWorld({ adjudicate })
    const res = await post(w, '/v1/batches', w.tokens.h1, ndjson([claimBody(H1, 1), claimBody(H1, 2), claimBody(H1, 3)]), { 'content-type': 'application/x-ndjson' })
    expect(res.statusCode).toBe(200)
    const results = res.json().results as { status: string; reasons: { code: string; message: string }[] }[]
    expect(results.map((r) => r.status)).toEqual(['settled', 'rejected', 'settled'])
    expect(results[1]!.reasons).toEqual([{ code: 'E_FAILED', field: '', message: expect.any(String) }])
    expect(res.body).not.toContain('SECRET')
    expect(w.rows()).toBe(2)
  })
})

describe('one hospital cannot probe another\'s msgids', () => {
  it('a claim whose msgid is another hospital\'s used one is a rejection (E_MSGID_HOSPITAL), not a 409; nothing written', async () => {
    w = await makeWorld()
    expect((await post(w, '/v1/settlements', w.tokens.h1, claimBody(H1, 1))).json().status).toBe('settled')
    const probe = claimBody(H2, 1, { msgid: claimBody(H1, 1).msgid })
    const res = await post(w, '/v1/settlements', w.tokens.h2, probe)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ msgid: probe.msgid, status: 'rejected', reasons: [{ code: 'E_MSGID_HOSPITAL', field: 'msgid', message: expect.any(String) }] })
    // the same answer as for an msgid H1 has not used
    const unused = claimBody(H2, 9, { msgid: claimBody(H1, 9).msgid })
    expect((await post(w, '/v1/settlements', w.tokens.h2, unused)).json().reasons[0].code).toBe('E_MSGID_HOSPITAL')
    expect(w.rows()).toBe(1)
  })

  it('in a batch the item is that rejection, in its place; the others settle', async () => {
    w = await makeWorld()
    await post(w, '/v1/settlements', w.tokens.h1, claimBody(H1, 1))
    const lines = [claimBody(H2, 1), claimBody(H2, 2, { msgid: claimBody(H1, 1).msgid }), claimBody(H2, 3)]
    const res = await post(w, '/v1/batches', w.tokens.h2, ndjson(lines), { 'content-type': 'application/x-ndjson' })
    expect(res.statusCode).toBe(200)
    const results = res.json().results as { msgid: string; status: string; reasons: { code: string }[] }[]
    expect(results.map((r) => r.msgid)).toEqual(lines.map((l) => l.msgid))
    expect(results.map((r) => r.status)).toEqual(['settled', 'rejected', 'settled'])
    expect(results[1]!.reasons.map((r) => r.code)).toEqual(['E_MSGID_HOSPITAL'])
    expect(w.rows()).toBe(3)
  })
})

describe('request format', () => {
  it('415 with the error shape for a claim sent as text/plain; nothing written', async () => {
    w = await makeWorld()
    const res = await post(w, '/v1/settlements', w.tokens.h1, JSON.stringify(claimBody()), { 'content-type': 'text/plain' })
    expect(res.statusCode).toBe(415)
    expect(res.json()).toEqual({ ...ERROR_SHAPE, code: 'E_UNSUPPORTED_MEDIA_TYPE', field: 'content-type' })
    expect(w.rows()).toBe(0)
  })

  it('400 names the path inside arrays: diagnoses[0].code, fees[3].amount', async () => {
    w = await makeWorld()
    let res = await post(w, '/v1/settlements', w.tokens.h1, claimBody(H1, 1, { diagnoses: [{ code: 5 as never, main: true }] }))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ code: 'E_FIELD_TYPE', field: 'diagnoses[0].code', message: expect.any(String) })
    const c = claimBody()
    c.fees.push({ feedetl_sn: '3', code: 'ITEM0001', qty: 1, price: 1, amount: 1 }, { feedetl_sn: '4', code: 'ITEM0001', qty: 1, price: 1, amount: 1.111 })
    res = await post(w, '/v1/settlements', w.tokens.h1, c)
    expect(res.json()).toEqual({ code: 'E_MONEY_FORMAT', field: 'fees[3].amount', message: expect.any(String) })
    expect(w.rows()).toBe(0)
  })
})

describe('ownership', () => {
  it('a settlement that does not name its hospital is reversed by nobody (403), not by anyone', async () => {
    w = await makeWorld()
    const settled = (await post(w, '/v1/settlements', w.tokens.h1, claimBody())).json()
    // a ledger whose stored answer lacks fixmedins_code (the field is optional in the result type)
    const ledger = new Proxy(w.ledger, {
      get: (t, k) => k === 'getSettlement'
        ? (id: string) => { const r = t.getSettlement(id); if (r === undefined) return r; const { fixmedins_code: _h, ...rest } = r; return rest }
        : Reflect.get(t, k) as unknown,
    }) as SqliteLedger
    const policy = demoPolicy()
    const app = await buildApp({ tables: fakeTables(policy), policy, ledger, adjudicate: fakeAdjudicate })
    try {
      const res = await app.inject({ method: 'POST', url: `/v1/settlements/${settled.setl_id as string}/reversal`, headers: bearer(w.tokens.h2), payload: { msgid: `${H2}202610221030000001` } })
      expect(res.statusCode).toBe(403)
      expect(w.rows()).toBe(1)
    } finally {
      await app.close()
    }
  })

  it('accumulators need a credential (401 without); any hospital may ask about any insured person (5206)', async () => {
    w = await makeWorld()
    const url = '/v1/persons/P0001/accumulators?year=2026'
    const none = await w.app.inject({ url })
    expect(none.statusCode).toBe(401)
    expect(none.json()).toMatchObject({ code: 'E_UNAUTHENTICATED', field: 'authorization' })
    expect((await w.app.inject({ url, headers: bearer(w.tokens.h2) })).statusCode).toBe(200)
  })
})
