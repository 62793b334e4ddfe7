// A person's personal account statement (SPEC §15, seed 001 个人账户): GET /v1/persons/:psn_no/account?year=YYYY —
// the year's credits and payments with the balance derived from the ledger (engine/accounts/statement.ts).
// Who may ask: any credential, as for the accumulators (a hospital asks at the cashier before it has any record of
// the patient). A hospital sees the setl_id and code of its own settlements only; another hospital's payment shows
// as an amount and a date. The admin sees everything.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { accountStatement } from '../../engine/accounts/statement.js'
import type { AccountsPort } from '../../engine/ledger/accounts-port.js'
import type { ServerDeps } from '../deps.js'
import { HttpError } from '../errors.js'
import { principalOf } from '../plugins/auth.js'
import { errorResponses } from '../schemas/common.js'
import { personOfYear } from '../../engine/persons/as-of.js'

const N = Type.Number()
export const AccountStatementBody = Type.Object({
  psn_no: Type.String(), year: Type.Integer(),
  opening_balance_yuan: N, credits_yuan: N, payments_yuan: N, closing_balance_yuan: N,
  entries: Type.Array(Type.Object({
    date: Type.String(), kind: Type.Union([Type.Literal('credit'), Type.Literal('payment'), Type.Literal('refund')]),
    amount_yuan: N, balance_yuan: N,
    month: Type.Optional(Type.String()), setl_id: Type.Optional(Type.String()), fixmedins_code: Type.Optional(Type.String()),
  }, { additionalProperties: false })),
}, { additionalProperties: false })

export const accountRoutes: FastifyPluginAsyncTypebox<{ deps: ServerDeps; accounts: AccountsPort }> = async (app, { deps, accounts }) => {
  app.get('/v1/persons/:psn_no/account', {
    config: { auth: 'any' },
    schema: {
      params: Type.Object({ psn_no: Type.String({ minLength: 1, maxLength: 64 }) }),
      querystring: Type.Object({ year: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })) }, { additionalProperties: false }),
      response: { 200: AccountStatementBody, ...errorResponses },
    },
  }, async (req) => {
    const { year, person } = await personOfYear(deps.personAsOf, req.params.psn_no, req.query.year, new Date())
    if (person === undefined) throw new HttpError('E_UNKNOWN_PERSON', 'psn_no')
    const p = principalOf(req)
    const { credits, payments } = await accounts.accountEntries(person.psnNo)
    const st = accountStatement(person, credits, payments, year)
    const entries = p.role === 'admin' ? [...st.entries] : st.entries.map((e) => {
      if (e.fixmedins_code === undefined || e.fixmedins_code === p.hospital) return e
      const { setl_id: _s, fixmedins_code: _f, ...rest } = e
      return rest
    })
    return { ...st, year, entries }
  })
}
