// Many claims in one request (msgpack or NDJSON), answers in the same order. Every claim must be the caller's: one of
// another hospital refuses the whole batch (403) before anything is written. A msgid conflict inside a batch is that
// item's rejection, not a 409 for the batch. A claim the engine could not process (E_FAILED) keeps its place but not the
// fault's own text: no internal message leaves the process.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { pack } from 'msgpackr'
import { Type } from 'typebox'
import type { AdjudicationResult } from '../../engine/result.js'
import type { ServerDeps } from '../deps.js'
import { requireHospital } from '../plugins/auth.js'
import { Claim } from '../schemas/claim.js'
import { errorResponses } from '../schemas/common.js'
import { BatchResults, asWire } from '../schemas/result.js'
import { foreignMsgid } from '../claim-checks.js'
import { REJECTION_FAILED } from '../../engine/ledger/settle.js'
import { refusedLinesOf } from '../plugins/body-parsers.js'


/** E_FAILED's message carries the exception text (fine on the CLI's stderr, not in an HTTP answer). */
function redactFault(r: AdjudicationResult): AdjudicationResult {
  if (r.status !== 'rejected' || !r.reasons.some((x) => x.code === 'E_FAILED')) return r
  return { ...r, reasons: r.reasons.map((x) => (x.code === 'E_FAILED' ? { ...x, message: REJECTION_FAILED } : x)) }
}

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
    // a msgid of another hospital is answered before the ledger's msgid lookup (see foreignMsgid); the rest run
    const early = req.body.map(foreignMsgid)
    const toRun = req.body.filter((_, i) => early[i] === undefined)
    const ran = toRun.length > 0 ? await deps.runBatch(toRun) : []
    let k = 0
    const results = early.map((e) => redactFault(e ?? (ran[k++] as AdjudicationResult)))
    // lines the strict parse refused (nesting, repeated keys, bytes not UTF-8) answer alone, in their places (#14)
    for (const r of refusedLinesOf(req)) results.splice(r.index, 0, r.result)
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
