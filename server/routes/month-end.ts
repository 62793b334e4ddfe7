// Month-end pre-settlement over HTTP (SPEC §6, §9): the bureau's admin runs a month and pool; each hospital reads its
// own feedback report, as JSON or as the HTML page with charts (Accept: text/html, or the /reports/… address).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { ServerDeps } from '../deps.js'
import type { MonthEndPort } from '../engine-port.js'
import { HttpError } from '../errors.js'
import { requireOwnerOrAdmin } from '../plugins/auth.js'
import { HospitalCode, Yuan, errorResponses } from '../schemas/common.js'
import { registerReportAssets } from './report-assets.js'

const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' })
const PoolParam = Type.Union([Type.Literal('310'), Type.Literal('390')])
const RunParams = Type.Object({ month: Month, pool: PoolParam })
const ReportParams = Type.Object({ month: Month, pool: PoolParam, code: HospitalCode })
const OpenReport = Type.Object({}, { additionalProperties: true })

function port(deps: ServerDeps): MonthEndPort {
  if (deps.monthEnd === undefined) throw new HttpError('E_NOT_FOUND', '', 'month-end is not available in this service')
  return deps.monthEnd
}

export const monthEndRoutes: FastifyPluginAsyncTypebox<{ deps: ServerDeps }> = async (app, { deps }) => {
  // the pages' charting script, once per browser (not inlined into every report)
  registerReportAssets(app)

  app.post('/v1/month-end/:month/:pool', {
    config: { auth: 'admin' },
    schema: {
      params: RunParams,
      body: Type.Object({ budget_yuan: Yuan, close: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: OpenReport, ...errorResponses },
    },
  }, async (req) => {
    const out = await port(deps).run({
      month: req.params.month, pool: req.params.pool, budgetYuan: req.body.budget_yuan, close: req.body.close ?? false,
    })
    if (out.status === 'closed') throw new HttpError('E_MONTH_CLOSED', 'month')
    if (out.status === 'invalid') throw new HttpError('E_FIELD_FORMAT', out.field, out.message)
    return out.report as Record<string, unknown>
  })

  /** The report as JSON, or its page; a hospital reads only its own. */
  const report = async (req: FastifyRequest, params: { month: string; pool: '310' | '390'; code: string }, reply: FastifyReply, asHtml: boolean) => {
    requireOwnerOrAdmin(req, params.code, 'code')
    const r = await port(deps).hospitalReport(params.month, params.pool, params.code)
    if (r === undefined) throw new HttpError('E_NO_REPORT', 'code')
    if (asHtml) return reply.type('text/html; charset=utf-8').send(port(deps).renderHospitalReportHtml(r))
    return reply.send(r)
  }

  app.get('/v1/month-end/:month/:pool/hospitals/:code', {
    config: { auth: 'any' },
    // JSON; the HTML page with Accept: text/html
    schema: { params: ReportParams, response: { 200: OpenReport, ...errorResponses } },
  }, async (req, reply) => report(req, req.params, reply, (req.headers.accept ?? '').includes('text/html')))

  app.get('/reports/month-end/:month/:pool/hospitals/:code', {
    config: { auth: 'any' },
    schema: { params: ReportParams, response: errorResponses },
  }, async (req, reply) => report(req, req.params, reply, true))
}
