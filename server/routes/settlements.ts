// Real-time claims (SPEC §9): 2303 pre-settlement, 2304 settlement, its lookup and its 2305 reversal. Claims are
// adjudicated inline in this process (no pool hop: the answer is due while the patient waits at the cashier). Every
// read and write goes through the ledger port (engine/ledger/settle-port.ts), so both backends run this same code.
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { ServerDeps } from '../deps.js'
import { HttpError } from '../errors.js'
import { errorOf, foreignMsgid } from '../claim-checks.js'
import { requireHospital, requireOwnerOrAdmin } from '../plugins/auth.js'
import { presettleClaim, reverseClaim } from '../../engine/ledger/settle-port.js'
import { PSN_NO_ONCE, psnNoAmbiguous } from '../../engine/pool/lines.js'
import { keepJsonText, receivedJsonOf } from '../plugins/body-parsers.js'
import { Claim } from '../schemas/claim.js'
import { Msgid, SetlId, errorResponses } from '../schemas/common.js'
import { AdjudicationResult as ResultSchema, asWire } from '../schemas/result.js'

const response = { 200: ResultSchema, ...errorResponses }

export const settlementRoutes: FastifyPluginAsyncTypebox<{ deps: ServerDeps }> = async (app, { deps }) => {
  const { committer, metrics, port } = deps

  app.post('/v1/presettlements', {
    config: { auth: 'any' },
    // 2303: computed against the ledger's history, nothing recorded
    schema: { body: Claim, response },
  }, async (req) => {
    requireHospital(req, req.body.fixmedins_code)
    const r = await presettleClaim(req.body, port, deps.env)
    const error = errorOf(r)
    if (error) throw error
    metrics.countResult('presettlement', r)
    return asWire(r)
  })

  // 2304, the real-time path (writer-commit.ts): person queue → decide → group commit in the ledger writer thread
  await app.register(async (scoped) => {
    // the body's text is kept: the ledger writer thread computes its hash (the msgid idempotency key's body check)
    keepJsonText(scoped)
    scoped.withTypeProvider<TypeBoxTypeProvider>().post('/v1/settlements', {
      config: { auth: 'any' },
      schema: { body: Claim, response },
    }, async (req) => {
      requireHospital(req, req.body.fixmedins_code)
      const json = receivedJsonOf(req)
      // a repeated "psn_no" key: refused, as the CLI and the pool refuse it
      if (json !== undefined && psnNoAmbiguous(json.bytes, req.body)) throw new HttpError('E_FIELD_FORMAT', 'psn_no', PSN_NO_ONCE)
      const r = foreignMsgid(req.body) ?? await committer.submit(req.body, json?.text)
      const error = errorOf(r)
      if (error) throw error
      metrics.countResult('settlement', r)
      return asWire(r)
    })
  })

  app.get('/v1/settlements/:setl_id', {
    config: { auth: 'any' },
    schema: { params: Type.Object({ setl_id: SetlId }), response },
  }, async (req) => {
    const r = await port.settlement(req.params.setl_id)
    if (r === undefined) throw new HttpError('E_UNKNOWN_SETTLEMENT', 'setl_id')
    requireOwnerOrAdmin(req, r.fixmedins_code)
    return asWire(r)
  })

  app.post('/v1/settlements/:setl_id/reversal', {
    config: { auth: 'any' },
    schema: {
      params: Type.Object({ setl_id: SetlId }),
      body: Type.Object({ msgid: Msgid }, { additionalProperties: false }),
      response,
    },
  }, async (req) => {
    const original = await port.settlement(req.params.setl_id)
    if (original === undefined) throw new HttpError('E_UNKNOWN_SETTLEMENT', 'setl_id')
    // a stored settlement always names its hospital; were it ever missing, refuse rather than let any hospital through
    const hospital = requireHospital(req, original.fixmedins_code ?? '', 'setl_id')
    if (!req.body.msgid.startsWith(hospital)) throw new HttpError('E_MSGID_HOSPITAL', 'msgid')
    const r = await reverseClaim({ setl_id: req.params.setl_id, msgid: req.body.msgid }, port)
    const error = errorOf(r)
    if (error) throw error
    if (r.status === 'rejected' && r.reasons.some((x) => x.code === 'E_UNKNOWN_SETTLEMENT')) {
      throw new HttpError('E_UNKNOWN_SETTLEMENT', 'setl_id')
    }
    metrics.countResult('reversal', r)
    return asWire(r)
  })
}
