// 特例单议 applications over HTTP (SPEC §5; seed 001 特殊病例 专家评议): a hospital applies for expert review of one of
// its own live candidates (a discharge whose DIP deviation is "review", or an alliance episode's stay); the bureau
// decides (`dipsettle special-case decide`), and the next month-end run pays an approved case at cost-based points.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { ServerDeps } from '../deps.js'
import { HttpError } from '../errors.js'
import { requireHospital } from '../plugins/auth.js'
import { SetlId, errorResponses } from '../schemas/common.js'

export const specialCaseRoutes: FastifyPluginAsyncTypebox<{ deps: ServerDeps }> = async (app, { deps }) => {
  app.post('/v1/special-cases', {
    config: { auth: 'any' },
    schema: {
      body: Type.Object({
        setl_id: SetlId,
        note: Type.Optional(Type.String({ maxLength: 2000, description: 'why the case needs review (kept with the application)' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ setl_id: Type.String(), fixmedins_code: Type.String(), applied_at: Type.String(), status: Type.Literal('applied') }),
        ...errorResponses,
      },
    },
  }, async (req) => {
    const hospital = requireHospital(req, undefined)
    const apply = deps.monthEnd?.applySpecialCase
    if (apply === undefined) throw new HttpError('E_NOT_FOUND', '', 'special cases are not available in this service')
    const out = await apply({ setlId: req.body.setl_id, hospital, ...(req.body.note !== undefined ? { note: req.body.note } : {}) })
    if (out.status === 'refused') {
      // another hospital's settlement reads as unknown: a hospital learns nothing of others' setl_ids
      throw new HttpError(out.code === 'E_FORBIDDEN' ? 'E_UNKNOWN_SETTLEMENT' : out.code, 'setl_id', out.code === 'E_FORBIDDEN' ? undefined : out.message)
    }
    return { setl_id: req.body.setl_id, fixmedins_code: hospital, applied_at: out.applied_at, status: 'applied' as const }
  })
}
