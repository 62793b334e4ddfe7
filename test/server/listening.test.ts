// A real listening server on 127.0.0.1 (loopback only): shutdown while requests are in flight, and a short autocannon
// run that must see only 2xx answers.
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { afterEach, describe, expect, it } from 'vitest'
import { listen, type Listening } from '../../server/server.js'
import { H1, bearer, claimBody, makeWorld, type World } from './fixtures.js'

let w: World | undefined
let l: Listening | undefined
afterEach(async () => {
  await l?.shutdown()
  await w?.close()
  w = undefined
  l = undefined
})

describe('a listening server', () => {
  it('shutdown while requests are in flight loses none: each is answered 200 and recorded', async () => {
    // each commit waits 50 ms (a test hook of the writer thread): the claims are still in flight when shutdown starts
    w = await makeWorld({ writerTestHook: fileURLToPath(new URL('./slow-commit-hook.mjs', import.meta.url)) })
    l = await listen(w.app, { port: 0, host: '127.0.0.1' })
    const n = 20
    const answers = Array.from({ length: n }, (_, i) => fetch(`${l!.url}/v1/settlements`, {
      method: 'POST', headers: { ...bearer(w!.tokens.h1), 'content-type': 'application/json' },
      body: JSON.stringify(claimBody(H1, i + 1)),
    }))
    for (let k = 0; k < 200 && w.app.pendingClaims < n; k++) await new Promise((r) => setTimeout(r, 5))
    expect(w.app.pendingClaims).toBe(n)
    const closed = l.shutdown()
    const res = await Promise.all(answers)
    await closed
    expect(res.map((r) => r.status)).toEqual(Array(n).fill(200))
    const bodies = await Promise.all(res.map((r) => r.json() as Promise<{ status: string }>))
    expect(bodies.every((b) => b.status === 'settled')).toBe(true)
    expect(w.rows()).toBe(n)
  })

  it('answers ~3 s of autocannon load on the settlement route with no non-2xx answer', async () => {
    w = await makeWorld()
    l = await listen(w.app, { port: 0, host: '127.0.0.1' })
    let seq = 0
    const result = await autocannon({
      url: `${l.url}/v1/settlements`, connections: 8, duration: 3,
      requests: [{
        method: 'POST', headers: { ...bearer(w.tokens.h1), 'content-type': 'application/json' },
        // distinct msgid and mdtrt_id per request: each one is a new settlement
        setupRequest: (req) => {
          seq++
          const msgid = `${H1}202610211${String(seq).padStart(9, '0')}`
          return { ...req, body: JSON.stringify(claimBody(H1, 1, { msgid, mdtrt_id: `M${seq}` })) }
        },
      }],
    })
    expect(result.errors).toBe(0)
    expect(result.non2xx).toBe(0)
    expect(result['2xx']).toBeGreaterThan(0)
    // requests still in flight when the run ends are settled but not counted by autocannon
    expect(w.rows()).toBeGreaterThanOrEqual(result['2xx'])
    expect(w.rows()).toBeLessThanOrEqual(result['2xx'] + 8)
  }, 20_000)
})
