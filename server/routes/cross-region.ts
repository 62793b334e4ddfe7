// 异地就医 clearing over HTTP (SPEC §13), beside the month-end routes: the bureau's admin reads, per insuring region,
// the funds advanced to this region's hospitals by fund type, the settlements and their setl_ids — as JSON, or as
// the page (Accept: text/html, or the /reports/… address). Read through the cross-region reports port.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { clearCrossRegion } from '../../engine/settlement/cross-region-clearing.js'
import { renderCrossRegionClearingHtml } from '../../engine/settlement/report-html.js'
import type { ServerDeps } from '../deps.js'
import { HospitalCode, errorResponses } from '../schemas/common.js'
import { echartsAsset } from './report-assets.js'

const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM (the settlements\' enddate)' })
const Params = Type.Object({ month: Month })
const YuanOut = Type.Number({ description: 'yuan' })

/** The report (engine/settlement/cross-region-clearing.ts CrossRegionClearingReport). */
export const CrossRegionClearingSchema = Type.Object({
  month: Type.String(),
  ledger_seq: Type.Integer(),
  regions: Type.Array(Type.Object({
    insuplc_admdvs: Type.String(),
    region: Type.String(),
    settlements: Type.Integer(),
    medfee_sumamt_yuan: YuanOut,
    funds: Type.Array(Type.Object({ fund_pay_type: Type.String(), fund_payamt_yuan: YuanOut })),
    fund_pay_sumamt_yuan: YuanOut,
    acct_pay_yuan: YuanOut,
    setl_ids: Type.Array(Type.String()),
    hospitals: Type.Array(Type.Object({ fixmedins_code: HospitalCode, settlements: Type.Integer(), fund_pay_sumamt_yuan: YuanOut })),
  })),
  totals: Type.Object({ settlements: Type.Integer(), fund_pay_sumamt_yuan: YuanOut, acct_pay_yuan: YuanOut }),
})

export const crossRegionRoutes: FastifyPluginAsyncTypebox<{ deps: ServerDeps }> = async (app, { deps }) => {
  // the page's charting script is served by the month-end routes (report-assets.ts), registered beside these
  const report = async (month: string, reply: FastifyReply, asHtml: boolean) => {
    const r = await clearCrossRegion(deps.crossRegion, deps.tables, month, await deps.crossRegion.ledgerSeq())
    if (asHtml) return reply.type('text/html; charset=utf-8').send(renderCrossRegionClearingHtml(r, { echarts: { src: echartsAsset().url } }))
    return reply.send(r)
  }

  app.get('/v1/clearing/cross-region/:month', {
    config: { auth: 'admin' },
    // JSON; the HTML page with Accept: text/html
    schema: { params: Params, response: { 200: CrossRegionClearingSchema, ...errorResponses } },
  }, async (req, reply) => report(req.params.month, reply, (req.headers.accept ?? '').includes('text/html')))

  app.get('/reports/clearing/cross-region/:month', {
    config: { auth: 'admin' },
    schema: { params: Params, response: errorResponses },
  }, async (req, reply) => report(req.params.month, reply, true))
}
