// The report pages' script served once as a cacheable asset (issue #20 item 15): immutable under its content hash,
// 304 on a matching ETag, gzip when accepted — and the served page references it instead of inlining 1.1 MB.
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { echartsFile } from '../../engine/settlement/report-html.js'
import { echartsAsset } from '../../server/routes/report-assets.js'
import { makeWorld, type World } from './fixtures.js'

let w: World | undefined
afterEach(async () => { await w?.close(); w = undefined })

describe('GET /assets/echarts.min.js', () => {
  it('answers the library with a year of immutable caching and its ETag, with no token', async () => {
    w = await makeWorld()
    const res = await w.app.inject({ url: '/assets/echarts.min.js?v=anything' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(res.headers.etag).toBe(echartsAsset().etag)
    expect(res.rawPayload.equals(readFileSync(echartsFile()))).toBe(true)
    // the page's URL names the same hash as the ETag: a new echarts is a new URL
    expect(echartsAsset().url).toBe(`/assets/echarts.min.js?v=${echartsAsset().etag.slice(1, -1)}`)
  })

  it('answers 304 with no body to a matching If-None-Match (a list, or the weak form)', async () => {
    w = await makeWorld()
    const etag = echartsAsset().etag
    for (const inm of [etag, `"other", ${etag}`, `W/${etag}`]) {
      const res = await w.app.inject({ url: '/assets/echarts.min.js', headers: { 'if-none-match': inm } })
      expect(res.statusCode).toBe(304)
      expect(res.rawPayload.length).toBe(0)
    }
    expect((await w.app.inject({ url: '/assets/echarts.min.js', headers: { 'if-none-match': '"stale"' } })).statusCode).toBe(200)
  })

  it('sends it gzip-compressed to a client that accepts gzip (the same bytes once inflated)', async () => {
    w = await makeWorld()
    const res = await w.app.inject({ url: '/assets/echarts.min.js', headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.headers.vary).toBe('accept-encoding')
    const file = readFileSync(echartsFile())
    expect(res.rawPayload.length).toBeLessThan(file.length / 2)
    expect(gunzipSync(res.rawPayload).equals(file)).toBe(true)
  })
})
