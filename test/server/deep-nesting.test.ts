// A claim nested thousands of levels deep (issue 14): the body hash never recurses without bound, so such a claim is
// never a 500 — not on its first send, not on a retry (which hashes the body to compare with the msgid seen before) —
// and in /v1/batches it is answered alone, in its place. (Refusing nesting deeper than 32 levels with a 400, SPEC §1,
// is validation's: this pins the ledger path underneath it.) Also through the batch worker pool's hand-over, where
// JSON.stringify itself overflows at ~10,000 levels.
import { afterEach, describe, expect, it } from 'vitest'
import { H1, bearer, claimBody, makeWorld, type World } from './fixtures.js'

let w: World | undefined
afterEach(async () => {
  await w?.close()
  w = undefined
})

/** A claim's JSON text with an extra key nested `depth` arrays deep (built as text: no recursion in the test). */
function deepClaim(seq: number, depth: number): string {
  return JSON.stringify(claimBody(H1, seq)).slice(0, -1) + ',"x":' + '['.repeat(depth) + ']'.repeat(depth) + '}'
}

describe('a claim nested 2,000 and 10,000 levels deep', () => {
  it('is never a 500, and a retry answers as the first send did', async () => {
    w = await makeWorld()
    for (const [seq, depth] of [[1, 2_000], [2, 10_000]] as const) {
      const send = () => w!.app.inject({
        method: 'POST', url: '/v1/settlements', headers: { ...bearer(w!.tokens.h1), 'content-type': 'application/json' }, payload: deepClaim(seq, depth),
      })
      const first = await send()
      expect(first.statusCode).toBeLessThan(500)
      const retry = await send()
      expect(retry.statusCode).toBe(first.statusCode)
      expect(retry.json()).toEqual(first.json())
    }
  })

  it('in /v1/batches is answered alone, in its place; the other claims settle', async () => {
    w = await makeWorld()
    const ndjson = [JSON.stringify(claimBody(H1, 1)), deepClaim(2, 10_000), JSON.stringify(claimBody(H1, 3))].join('\n') + '\n'
    const post = () => w!.app.inject({
      method: 'POST', url: '/v1/batches', headers: { ...bearer(w!.tokens.h1), 'content-type': 'application/x-ndjson' }, payload: ndjson,
    })
    const res = await post()
    expect(res.statusCode).toBe(200)
    const results = res.json().results as { msgid: string; status: string }[]
    expect(results.map((r) => r.msgid)).toEqual([1, 2, 3].map((i) => claimBody(H1, i).msgid))
    expect(results[0]!.status).toBe('settled')
    expect(results[2]!.status).toBe('settled')
    expect(['settled', 'rejected']).toContain(results[1]!.status)
    // the retry replays every answer
    expect((await post()).json()).toEqual(res.json())
  })
})
