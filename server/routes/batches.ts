// Many claims in one request (msgpack or NDJSON), answers in the same order. Every claim must be the caller's: one of
// another hospital refuses the whole batch (403) before anything is written. A msgid conflict inside a batch is that
// item's rejection, not a 409 for the batch.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { pack } from 'msgpackr'
import { Type } from 'typebox'
import type { ServerDeps } from '../deps.js'
import { requireHospital } from '../plugins/auth.js'
import { Claim } from '../schemas/claim.js'
import { errorResponses } from '../schemas/common.js'
import { BatchResults, asWire } from '../schemas/result.js'

export const batchRoutes: FastifyPluginAsyncTypebox<{ deps: ServerDeps }> = async (app, { deps }) => {
  app.post('/v1/batches', {
    config: { auth: 'any' },
    bodyLimit: deps.batchBodyLimit,
    // answers as JSON { results }, or as NDJSON / msgpack when Accept asks for it
    schema: {
      body: Type.Array(Claim, { maxItems: 100_000 }),
      response: { 200: BatchResults, ...errorResponses },
    },
  }, async (req, reply) => {
    req.body.forEach((c, i) => requireHospital(req, c.fixmedins_code, `[${i}].fixmedins_code`))
    const results = await deps.runBatch(req.body)
    for (const r of results) deps.metrics.countResult('batch', r)
    const accept = req.headers.accept ?? ''
    if (accept.includes('application/x-ndjson')) {
      // a string or Buffer is sent as is: the 200 schema describes the JSON form
      return reply.type('application/x-ndjson').send((results.map((r) => JSON.stringify(r)).join('\n') + '\n') as never)
    }
    if (accept.includes('application/x-msgpack')) {
      return reply.type('application/x-msgpack').send(pack(results) as never)
    }
    return { results: results.map(asWire) }
  })
}
