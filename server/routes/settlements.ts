// Real-time claims (SPEC §9): 2303 pre-settlement, 2304 settlement, its lookup and its 2305 reversal. Claims are
// adjudicated inline in this process (no pool hop: the answer is due while the patient waits at the cashier).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { reason } from '../../engine/reasons.js'
import { rejectionToResult, type AdjudicationResult } from '../../engine/result.js'
import type { ServerDeps } from '../deps.js'
import { HttpError } from '../errors.js'
import { requireHospital, requireOwnerOrAdmin } from '../plugins/auth.js'
import { Claim } from '../schemas/claim.js'
import { Msgid, SetlId, errorResponses } from '../schemas/common.js'
import { AdjudicationResult as ResultSchema, asWire } from '../schemas/result.js'

/**
 * A rejection that is not an answer: a msgid reused with another body is a 409 (SPEC §9); a fault (E_FAILED, nothing
 * recorded) is a 500 so that the hospital retries.
 */
export function errorOf(r: AdjudicationResult): HttpError | undefined {
  if (r.status !== 'rejected') return undefined
  const c = r.reasons.find((x) => x.code === 'E_MSGID_CONFLICT')
  if (c) return new HttpError('E_MSGID_CONFLICT', 'msgid', c.message)
  if (r.reasons.some((x) => x.code === 'E_FAILED')) return new HttpError('E_INTERNAL')
  return undefined
}

/**
 * A msgid must begin with the claim's own fixmedins_code (SPEC §1). Checked here, before the ledger's msgid lookup:
 * otherwise a hospital could send another hospital's msgid and learn from the 409 that it was used (and when, as the
 * msgid holds the time). Answered as the engine answers it for an unused msgid: a rejection, nothing written.
 */
export function foreignMsgid(c: { readonly msgid: string; readonly fixmedins_code: string }): AdjudicationResult | undefined {
  return c.msgid.startsWith(c.fixmedins_code) ? undefined : rejectionToResult(c.msgid, [reason('E_MSGID_HOSPITAL', 'msgid')])
}

const response = { 200: ResultSchema, ...errorResponses }

export const settlementRoutes: FastifyPluginAsyncTypebox<{ deps: ServerDeps }> = async (app, { deps }) => {
  const { engine, committer, metrics, ledger } = deps

  app.post('/v1/presettlements', {
    config: { auth: 'any' },
    // 2303: computed against the ledger's history, nothing recorded
    schema: { body: Claim, response },
  }, async (req) => {
    requireHospital(req, req.body.fixmedins_code)
    const r = engine.processClaim(req.body, { ...deps.env, dryRun: true })
    const error = errorOf(r)
    if (error) throw error
    metrics.countResult('presettlement', r)
    return asWire(r)
  })

  app.post('/v1/settlements', {
    config: { auth: 'any' },
    schema: { body: Claim, response },
  }, async (req) => {
    requireHospital(req, req.body.fixmedins_code)
    const r = foreignMsgid(req.body) ?? await committer.submit(req.body)
    const error = errorOf(r)
    if (error) throw error
    metrics.countResult('settlement', r)
    return asWire(r)
  })

  app.get('/v1/settlements/:setl_id', {
    config: { auth: 'any' },
    schema: { params: Type.Object({ setl_id: SetlId }), response },
  }, async (req) => {
    const r = ledger.getSettlement(req.params.setl_id)
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
    const original = ledger.getSettlement(req.params.setl_id)
    if (original === undefined) throw new HttpError('E_UNKNOWN_SETTLEMENT', 'setl_id')
    // a stored settlement always names its hospital; were it ever missing, refuse rather than let any hospital through
    const hospital = requireHospital(req, original.fixmedins_code ?? '', 'setl_id')
    if (!req.body.msgid.startsWith(hospital)) throw new HttpError('E_MSGID_HOSPITAL', 'msgid')
    const r = engine.processReversal({ setl_id: req.params.setl_id, msgid: req.body.msgid }, { ledger })
    const error = errorOf(r)
    if (error) throw error
    if (r.status === 'rejected' && r.reasons.some((x) => x.code === 'E_UNKNOWN_SETTLEMENT')) {
      throw new HttpError('E_UNKNOWN_SETTLEMENT', 'setl_id')
    }
    metrics.countResult('reversal', r)
    return asWire(r)
  })
}
