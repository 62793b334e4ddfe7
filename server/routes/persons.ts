// A person's year totals (national 5206): what the funds have paid and what is left under the annual caps.
// Who may ask: any designated hospital's credential (and the admin), for any insured person of the region. A hospital
// asks at admission, before it has any record of the patient, so "its own patients" cannot be told from the ledger;
// the answer holds totals only (no other hospital's claims, codes or setl_ids). No credential: 401.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { fenToYuan, yuanToFen } from '../../engine/money.js'
import type { ServerDeps } from '../deps.js'
import { HttpError } from '../errors.js'
import { insuringRegionOf, settlementPolicy } from '../../engine/adjudicate/visitor.js'
import { errorResponses } from '../schemas/common.js'
import { personOfYear } from '../../engine/persons/as-of.js'

const N = Type.Number()
export const Accumulators = Type.Object({
  psn_no: Type.String(), year: Type.Integer(), insutype: Type.String(),
  admissions: Type.Integer(), hifp_paid: N, hifp_cap_left: N, serious_base: N, serious_paid: N, maf_paid: N,
  acct_paid: N, op_dedc: N, op_hifp_paid: N,
  /** 异地就医 (SPEC §13): a visitor's insuring region; the totals and the cap are that region's. */
  insuplc_admdvs: Type.Optional(Type.String()),
})

export const personRoutes: FastifyPluginAsyncTypebox<{ deps: ServerDeps }> = async (app, { deps }) => {
  app.get('/v1/persons/:psn_no/accumulators', {
    config: { auth: 'any' },
    schema: {
      params: Type.Object({ psn_no: Type.String({ minLength: 1, maxLength: 64 }) }),
      querystring: Type.Object({ year: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })) }, { additionalProperties: false }),
      response: { 200: Accumulators, ...errorResponses },
    },
  }, async (req) => {
    const { year, person } = await personOfYear(deps.personAsOf, req.params.psn_no, req.query.year, new Date())
    if (person === undefined) throw new HttpError('E_UNKNOWN_PERSON', 'psn_no')
    // a visitor's totals are kept per insuring region, under that region's cap (SPEC §13)
    const admdvs = insuringRegionOf(person)
    const policy = settlementPolicy(person, deps.policy, deps.tables)
    if (Array.isArray(policy)) throw new HttpError('E_UNKNOWN_PERSON', 'psn_no', policy[0]?.message)
    const y = admdvs === null ? await deps.port.accumulators(person.psnNo, year)
      : (await deps.port.readHistory(person.psnNo)).history.personYear(person.psnNo, year, admdvs)
    const capFen = yuanToFen(policy.basic[person.insutype].annual_cap_yuan)
    return {
      psn_no: person.psnNo, year, insutype: person.insutype, admissions: y.admissions,
      hifp_paid: fenToYuan(y.hifp_paid_fen), hifp_cap_left: fenToYuan(Math.max(0, capFen - y.hifp_paid_fen)),
      serious_base: fenToYuan(y.serious_base_fen), serious_paid: fenToYuan(y.serious_paid_fen),
      maf_paid: fenToYuan(y.maf_paid_fen), acct_paid: fenToYuan(y.acct_paid_fen), op_dedc: fenToYuan(y.op_dedc_fen),
      op_hifp_paid: fenToYuan(y.op_hifp_paid_fen),
      ...(admdvs !== null ? { insuplc_admdvs: admdvs } : {}),
    }
  })
}
