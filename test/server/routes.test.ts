// The HTTP contract of SPEC §9, route by route and status by status, through fastify's inject.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pack, unpack } from 'msgpackr'
import { H1, H2, bearer, claimBody, makeWorld, type World } from './fixtures.js'

let w: World
beforeEach(async () => { w = await makeWorld() })
afterEach(async () => { await w.close() })

const post = (url: string, token: string | undefined, payload: unknown, headers: Record<string, string> = {}) =>
  w.app.inject({ method: 'POST', url, headers: { ...(token ? bearer(token) : {}), ...headers }, payload: payload as string })

describe('POST /v1/settlements', () => {
  it('settles a claim of the caller: 200, settled, a setl_id, fund and patient shares', async () => {
    const res = await post('/v1/settlements', w.tokens.h1, claimBody())
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('settled')
    expect(body.setl_id).toMatch(/^S\d+$/)
    // 125.00 yuan; the fake adjudicator's fund pays 60 %: 75.00, the patient 50.00
    expect(body.setlinfo.medfee_sumamt).toBe(125)
    expect(body.setlinfo.hifp_pay).toBe(75)
    expect(body.setlinfo.psn_cash_pay).toBe(50)
    expect(w.rows()).toBe(1)
  })

  it('answers a rejected claim with 200 and status rejected, recording nothing', async () => {
    const res = await post('/v1/settlements', w.tokens.h1, claimBody(H1, 1, { psn_no: 'NOBODY' }))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_UNKNOWN_PERSON', field: 'psn_no' }] })
    expect(w.rows()).toBe(0)
  })

  it('400 names the path of a money field with 3 decimals', async () => {
    const c = claimBody()
    c.fees[1]!.amount = 100.001
    const res = await post('/v1/settlements', w.tokens.h1, c)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'E_MONEY_FORMAT', field: 'fees[1].amount' })
    expect(w.rows()).toBe(0)
  })

  it('400 names a missing field, a wrong type and a bad format', async () => {
    const { psn_no: _drop, ...missing } = claimBody()
    let res = await post('/v1/settlements', w.tokens.h1, missing)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'E_FIELD_MISSING', field: 'psn_no' })

    const wrongType = claimBody() as unknown as { fees: { qty: unknown }[] }
    wrongType.fees[0]!.qty = '2'
    res = await post('/v1/settlements', w.tokens.h1, wrongType)
    expect(res.json()).toMatchObject({ code: 'E_FIELD_TYPE', field: 'fees[0].qty' })

    res = await post('/v1/settlements', w.tokens.h1, claimBody(H1, 1, { enddate: '21/10/2026' }))
    expect(res.json()).toMatchObject({ code: 'E_FIELD_FORMAT', field: 'enddate' })

    const negative = claimBody()
    negative.fees[0]!.price = -12.5
    res = await post('/v1/settlements', w.tokens.h1, negative)
    expect(res.json()).toMatchObject({ code: 'E_MONEY_FORMAT', field: 'fees[0].price' })
  })

  it('400 for a body that is not JSON, without a stack trace', async () => {
    const res = await post('/v1/settlements', w.tokens.h1, '{"msgid": ', { 'content-type': 'application/json' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ code: 'E_BAD_JSON', field: '', message: expect.any(String) })
    expect(res.body).not.toMatch(/at .*\.js/)
  })

  it('401 without a token or with an unknown one; nothing recorded', async () => {
    expect((await post('/v1/settlements', undefined, claimBody())).statusCode).toBe(401)
    const res = await post('/v1/settlements', 'dps_0123456789abcdef_' + 'x'.repeat(43), claimBody())
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('E_UNAUTHENTICATED')
    expect(w.rows()).toBe(0)
  })

  it('403 for a claim whose fixmedins_code is not the caller\'s; nothing recorded', async () => {
    const res = await post('/v1/settlements', w.tokens.h2, claimBody(H1))
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ code: 'E_FORBIDDEN', field: 'fixmedins_code' })
    expect(w.rows()).toBe(0)
  })

  it('413 for a body above the limit', async () => {
    await w.close()
    w = await makeWorld({ bodyLimit: 2048 })
    const big = claimBody(H1, 1, {
      fees: Array.from({ length: 60 }, (_, i) => ({ feedetl_sn: String(i + 1), code: 'ITEM0001', qty: 1, price: 1, amount: 1 })),
    })
    const res = await post('/v1/settlements', w.tokens.h1, big)
    expect(res.statusCode).toBe(413)
    expect(res.json().code).toBe('E_BODY_TOO_LARGE')
  })
})

describe('idempotency on msgid', () => {
  it('replays the first answer for the same body, with the same setl_id and one ledger row', async () => {
    const first = (await post('/v1/settlements', w.tokens.h1, claimBody())).json()
    // the same body with its keys in another order is the same body
    const reordered = Object.fromEntries(Object.entries(claimBody()).reverse())
    const again = await post('/v1/settlements', w.tokens.h1, reordered)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(first)
    expect(w.rows()).toBe(1)
  })

  it('409 for the msgid reused with another body', async () => {
    await post('/v1/settlements', w.tokens.h1, claimBody())
    const other = claimBody()
    other.fees[0]!.qty = 3
    other.fees[0]!.amount = 37.5
    const res = await post('/v1/settlements', w.tokens.h1, other)
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'E_MSGID_CONFLICT', field: 'msgid' })
    expect(w.rows()).toBe(1)
  })

  it('two concurrent requests with one msgid settle once', async () => {
    const [a, b] = await Promise.all([
      post('/v1/settlements', w.tokens.h1, claimBody()), post('/v1/settlements', w.tokens.h1, claimBody()),
    ])
    expect(a!.statusCode).toBe(200)
    expect(b!.statusCode).toBe(200)
    expect(a!.json().setl_id).toBe(b!.json().setl_id)
    expect(w.rows()).toBe(1)
  })

  it('two concurrent requests with one msgid and different bodies: one settles, the other is 409', async () => {
    const other = claimBody()
    other.fees[0]!.qty = 3
    other.fees[0]!.amount = 37.5
    const codes = (await Promise.all([post('/v1/settlements', w.tokens.h1, claimBody()), post('/v1/settlements', w.tokens.h1, other)]))
      .map((r) => r.statusCode).sort()
    expect(codes).toEqual([200, 409])
    expect(w.rows()).toBe(1)
  })
})

describe('POST /v1/presettlements', () => {
  it('computes the claim and records nothing', async () => {
    const res = await post('/v1/presettlements', w.tokens.h1, claimBody())
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'computed', setlinfo: { medfee_sumamt: 125 } })
    expect(res.json().setl_id).toBeUndefined()
    expect(w.rows()).toBe(0)
  })

  it('403 for another hospital\'s claim', async () => {
    expect((await post('/v1/presettlements', w.tokens.h1, claimBody(H2))).statusCode).toBe(403)
  })
})

describe('GET /v1/settlements/:setl_id', () => {
  it('the owner and the admin read it; another hospital gets 403; an unknown id 404', async () => {
    const settled = (await post('/v1/settlements', w.tokens.h1, claimBody())).json()
    const url = `/v1/settlements/${settled.setl_id as string}`
    const own = await w.app.inject({ url, headers: bearer(w.tokens.h1) })
    expect(own.statusCode).toBe(200)
    expect(own.json()).toEqual(settled)
    expect((await w.app.inject({ url, headers: bearer(w.tokens.admin) })).statusCode).toBe(200)
    const other = await w.app.inject({ url, headers: bearer(w.tokens.h2) })
    expect(other.statusCode).toBe(403)
    const missing = await w.app.inject({ url: '/v1/settlements/S999999999999', headers: bearer(w.tokens.h1) })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ code: 'E_UNKNOWN_SETTLEMENT', field: 'setl_id' })
  })

  it('401 without a token', async () => {
    expect((await w.app.inject({ url: '/v1/settlements/S000000000001' })).statusCode).toBe(401)
  })
})

describe('POST /v1/settlements/:setl_id/reversal', () => {
  it('the owner reverses: the negated settlement under a new setl_id; a replay gives the same answer', async () => {
    const settled = (await post('/v1/settlements', w.tokens.h1, claimBody())).json()
    const url = `/v1/settlements/${settled.setl_id as string}/reversal`
    const msgid = `${H1}202610221030000001`
    const res = await post(url, w.tokens.h1, { msgid })
    expect(res.statusCode).toBe(200)
    const rev = res.json()
    expect(rev).toMatchObject({ status: 'settled', reverses: settled.setl_id, msgid })
    expect(rev.setl_id).not.toBe(settled.setl_id)
    // 125.00 settled → −125.00 reversed; the fund's 75.00 comes back
    expect(rev.setlinfo.medfee_sumamt).toBe(-125)
    expect(rev.setlinfo.hifp_pay).toBe(-75)
    expect((await post(url, w.tokens.h1, { msgid })).json()).toEqual(rev)
    // another msgid: the settlement is already reversed, which is an answer (200, rejected)
    const again = await post(url, w.tokens.h1, { msgid: `${H1}202610221030000002` })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_ALREADY_REVERSED' }] })
    expect(w.rows()).toBe(2)
  })

  it('is refused for another hospital (403) and writes nothing', async () => {
    const settled = (await post('/v1/settlements', w.tokens.h1, claimBody())).json()
    const res = await post(`/v1/settlements/${settled.setl_id as string}/reversal`, w.tokens.h2, { msgid: `${H2}202610221030000001` })
    expect(res.statusCode).toBe(403)
    expect(w.rows()).toBe(1)
  })

  it('404 for an unknown setl_id; 400 for a reversal msgid of another hospital', async () => {
    const res = await post('/v1/settlements/S999999999999/reversal', w.tokens.h1, { msgid: `${H1}202610221030000001` })
    expect(res.statusCode).toBe(404)
    const settled = (await post('/v1/settlements', w.tokens.h1, claimBody())).json()
    const bad = await post(`/v1/settlements/${settled.setl_id as string}/reversal`, w.tokens.h1, { msgid: `${H2}202610221030000001` })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'E_MSGID_HOSPITAL', field: 'msgid' })
  })
})

describe('GET /v1/persons/:psn_no/accumulators', () => {
  it('shows the year totals after a settlement', async () => {
    await post('/v1/settlements', w.tokens.h1, claimBody())
    const res = await w.app.inject({ url: '/v1/persons/P0001/accumulators?year=2026', headers: bearer(w.tokens.h1) })
    expect(res.statusCode).toBe(200)
    // the fake adjudicator puts the fund's 75.00 into the outpatient accumulator
    expect(res.json()).toMatchObject({ psn_no: 'P0001', year: 2026, op_hifp_paid: 75, hifp_paid: 0, admissions: 0 })
  })

  it('404 for an unknown person, 400 naming query.year when malformed', async () => {
    expect((await w.app.inject({ url: '/v1/persons/NOBODY/accumulators?year=2026', headers: bearer(w.tokens.h1) })).statusCode).toBe(404)
    const bad = await w.app.inject({ url: '/v1/persons/P0001/accumulators?year=26', headers: bearer(w.tokens.h1) })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'E_FIELD_FORMAT', field: 'query.year' })
  })
})

describe('POST /v1/batches', () => {
  it('NDJSON in, results in order (a rejection and a replay keep their places)', async () => {
    const lines = [claimBody(H1, 1), claimBody(H1, 2, { psn_no: 'NOBODY' }), claimBody(H1, 3), claimBody(H1, 1)]
    const res = await post('/v1/batches', w.tokens.h1, lines.map((l) => JSON.stringify(l)).join('\n'), { 'content-type': 'application/x-ndjson' })
    expect(res.statusCode).toBe(200)
    const results = res.json().results as { msgid: string; status: string; setl_id?: string }[]
    expect(results.map((r) => r.msgid)).toEqual(lines.map((l) => l.msgid))
    expect(results.map((r) => r.status)).toEqual(['settled', 'rejected', 'settled', 'settled'])
    expect(results[3]!.setl_id).toBe(results[0]!.setl_id)
    expect(w.rows()).toBe(2)
  })

  it('msgpack in, msgpack out when Accept asks', async () => {
    const res = await post('/v1/batches', w.tokens.h1, pack([claimBody(H1, 1), claimBody(H1, 2)]), {
      'content-type': 'application/x-msgpack', accept: 'application/x-msgpack',
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('application/x-msgpack')
    const results = unpack(res.rawPayload) as { status: string }[]
    expect(results.map((r) => r.status)).toEqual(['settled', 'settled'])
  })

  it('one claim of another hospital refuses the whole batch (403), nothing written', async () => {
    const body = [claimBody(H1, 1), claimBody(H2, 2)].map((l) => JSON.stringify(l)).join('\n')
    const res = await post('/v1/batches', w.tokens.h1, body, { 'content-type': 'application/x-ndjson' })
    expect(res.statusCode).toBe(403)
    expect(res.json().field).toBe('[1].fixmedins_code')
    expect(w.rows()).toBe(0)
  })

  it('400 naming the item and field of a malformed claim, and the line that is not JSON', async () => {
    const bad = claimBody(H1, 2)
    bad.fees[0]!.amount = 1.234
    let res = await post('/v1/batches', w.tokens.h1, [claimBody(H1, 1), bad].map((l) => JSON.stringify(l)).join('\n'), { 'content-type': 'application/x-ndjson' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'E_MONEY_FORMAT', field: '[1].fees[0].amount' })
    res = await post('/v1/batches', w.tokens.h1, JSON.stringify(claimBody()) + '\n{oops', { 'content-type': 'application/x-ndjson' })
    expect(res.json()).toMatchObject({ code: 'E_BAD_JSON', field: '[1]' })
    expect(w.rows()).toBe(0)
  })

  it('415 for another content type', async () => {
    const res = await post('/v1/batches', w.tokens.h1, 'x', { 'content-type': 'text/csv' })
    expect(res.statusCode).toBe(415)
    expect(res.json().code).toBe('E_UNSUPPORTED_MEDIA_TYPE')
  })
})

describe('month-end', () => {
  it('the admin runs a month; a hospital may not (403); a closed month answers 409', async () => {
    expect((await post('/v1/month-end/2026-10/390', w.tokens.h1, { budget_yuan: 1000 })).statusCode).toBe(403)
    const draft = await post('/v1/month-end/2026-10/390', w.tokens.admin, { budget_yuan: 1000 })
    expect(draft.statusCode).toBe(200)
    expect(draft.json()).toMatchObject({ month: '2026-10', pool: '390', status: 'draft' })
    expect((await post('/v1/month-end/2026-10/390', w.tokens.admin, { budget_yuan: 1000, close: true })).json().status).toBe('closed')
    const again = await post('/v1/month-end/2026-10/390', w.tokens.admin, { budget_yuan: 1000 })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'E_MONTH_CLOSED', field: 'month' })
  })

  it('400 for a malformed month, pool or budget', async () => {
    expect((await post('/v1/month-end/2026-13/390', w.tokens.admin, { budget_yuan: 1 })).json()).toMatchObject({ code: 'E_FIELD_FORMAT', field: 'params.month' })
    expect((await post('/v1/month-end/2026-10/311', w.tokens.admin, { budget_yuan: 1 })).statusCode).toBe(400)
    expect((await post('/v1/month-end/2026-10/390', w.tokens.admin, { budget_yuan: 1.005 })).json()).toMatchObject({ code: 'E_MONEY_FORMAT', field: 'budget_yuan' })
  })

  it('a hospital reads its own report (JSON or HTML), not another\'s; the admin reads any; 404 before a run', async () => {
    const url = `/v1/month-end/2026-10/390/hospitals/${H1}`
    expect((await w.app.inject({ url, headers: bearer(w.tokens.h1) })).statusCode).toBe(404)
    await post('/v1/month-end/2026-10/390', w.tokens.admin, { budget_yuan: 1000 })
    const json = await w.app.inject({ url, headers: bearer(w.tokens.h1) })
    expect(json.statusCode).toBe(200)
    expect(json.json()).toMatchObject({ month: '2026-10', hospital: { fixmedins_code: H1 } })
    const html = await w.app.inject({ url, headers: { ...bearer(w.tokens.h1), accept: 'text/html' } })
    expect(html.headers['content-type']).toContain('text/html')
    expect(html.body).toContain('<h1>report 2026-10</h1>')
    const page = await w.app.inject({ url: `/reports/month-end/2026-10/390/hospitals/${H1}`, headers: bearer(w.tokens.admin) })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toContain('text/html')
    expect((await w.app.inject({ url, headers: bearer(w.tokens.h2) })).statusCode).toBe(403)
  })
})

describe('health, metrics, home, unknown routes', () => {
  it('GET /healthz needs no token', async () => {
    const res = await w.app.inject({ url: '/healthz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'ok', region: 'demo' })
  })

  it('GET /metrics counts requests, settlements and rejections by reason code', async () => {
    await post('/v1/settlements', w.tokens.h1, claimBody())
    await post('/v1/settlements', w.tokens.h1, claimBody(H1, 2, { psn_no: 'NOBODY' }))
    const text = (await w.app.inject({ url: '/metrics' })).body
    expect(text).toContain('dipsettle_settlements_total{route="settlement",status="settled"} 1')
    expect(text).toContain('dipsettle_rejections_total{code="E_UNKNOWN_PERSON"} 1')
    expect(text).toMatch(/dipsettle_http_requests_total\{method="POST",route="\/v1\/settlements",status="200"\} 2/)
    expect(text).toContain('dipsettle_ledger_commit_seconds_count')
  })

  it('GET / explains the service and links the month-end reports', async () => {
    await post('/v1/month-end/2026-10/390', w.tokens.admin, { budget_yuan: 1000 })
    const res = await w.app.inject({ url: '/' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('dipsettle')
    expect(res.body).toContain(`/reports/month-end/2026-10/390/hospitals/${H1}`)
  })

  it('404 with the error shape for an unknown route', async () => {
    const res = await w.app.inject({ url: '/v2/nothing' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ code: 'E_NOT_FOUND', field: 'url' })
  })
})

describe('draining', () => {
  it('503 for new requests once shutdown has started; nothing recorded', async () => {
    w.app.startDraining()
    const res = await post('/v1/settlements', w.tokens.h1, claimBody())
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({ code: 'E_SHUTTING_DOWN' })
    expect(res.headers.connection).toBe('close')
    expect((await w.app.inject({ url: '/healthz' })).statusCode).toBe(503)
    expect(w.rows()).toBe(0)
  })
})
