// 9001 签到: the operator signs in; the answer's sign_no identifies the session (derived from the msgid, so a replay
// answers the same number). dipsettle authenticates by the bearer token; sign_no is informational.
import { opt, req } from './fields.js'
import { chinaTime, inputOf, remember, type CallContext } from './context.js'

const FIELDS = { signIn: { t: 'obj', req: true, fields: { opter_no: req.str(30), mac: opt(40), ip: opt(40) } } } as const

export async function signIn(ctx: CallContext): Promise<string> {
  inputOf(ctx, FIELDS)
  return remember(ctx, { signinoutb: { sign_time: chinaTime(ctx.received), sign_no: 'SN' + ctx.msgid.slice(12) } })
}
