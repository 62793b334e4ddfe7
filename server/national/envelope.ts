// The national interface gateway (SPEC §12): POST /fsi/api/rsfComIfsService/callService, the `infno` envelope in,
// `{ infcode, inf_refmsgid, refmsg_time, respond_time, err_msg, warn_msg, output }` out — HTTP 200 either way, 401 for
// a missing or wrong token. Here: the envelope's own checks and the dispatch by infno; one file per transaction family.
//
//   body → strict JSON (strict-json.ts) → envelope fields → token's hospital = fixmedins_code → infno known, input
//   present → msgid answered before? same call: its first answer; another: −1 → the transaction (nothing changes on −1)
import type { FastifyError, FastifyPluginAsync } from 'fastify'
import type { StaysPort } from '../../engine/ledger/stays-port.js'
import type { Policy } from '../../engine/policy/types.js'
import type { Tables } from '../../engine/tables/types.js'
import type { PersonAsOf } from '../../engine/persons/as-of.js'
import { HttpError } from '../errors.js'
import { principalOf } from '../plugins/auth.js'
import { MAX_DEPTH, parseStrictJson, type StrictJson } from '../../engine/strict-json.js'
import { NationalRefusal, checkObject, opt, req } from './fields.js'
import { answerJson, msgidConflict, type CallContext, type NationalDeps, type Transaction } from './context.js'
import type { NationalEngine } from './settle-port.js'
import { signIn } from './signin.js'
import { personInfo } from './person.js'
import { admit, cancelAdmission } from './inpatient.js'
import { uploadFees, withdrawFees } from './fees.js'
import { discharge, undoDischarge } from './discharge.js'
import { reverse, settle } from './settlement.js'
import { register, unregister, uploadVisit } from './outpatient.js'
import { uploadSetlList } from './setl-list.js'
import { reconcile } from './reconcile.js'

export const NATIONAL_PATH = '/fsi/api/rsfComIfsService/callService'

/** The transactions served, by infno (docs/national-interface.md lists them). */
export const TRANSACTIONS: Readonly<Record<string, { readonly name: string; readonly run: Transaction }>> = {
  9001: { name: '签到', run: signIn },
  1101: { name: '人员信息获取', run: personInfo },
  2401: { name: '入院办理', run: admit },
  2404: { name: '入院办理撤销', run: cancelAdmission },
  2301: { name: '住院费用明细上传', run: (c) => uploadFees(c, true) },
  2302: { name: '住院费用明细撤销', run: (c) => withdrawFees(c, true) },
  2402: { name: '出院办理', run: discharge },
  2405: { name: '出院办理撤销', run: undoDischarge },
  2303: { name: '住院预结算', run: (c) => settle(c, true, false) },
  2304: { name: '住院结算', run: (c) => settle(c, true, true) },
  2305: { name: '住院结算撤销', run: (c) => reverse(c, true) },
  2201: { name: '门诊挂号', run: register },
  2202: { name: '门诊挂号撤销', run: unregister },
  2203: { name: '门诊就诊信息上传', run: uploadVisit },
  2204: { name: '门诊费用明细上传', run: (c) => uploadFees(c, false) },
  2205: { name: '门诊费用明细撤销', run: (c) => withdrawFees(c, false) },
  2206: { name: '门诊预结算', run: (c) => settle(c, false, false) },
  2207: { name: '门诊结算', run: (c) => settle(c, false, true) },
  2208: { name: '门诊结算撤销', run: (c) => reverse(c, false) },
  '4101A': { name: '医疗保障基金结算清单信息上传', run: uploadSetlList },
  3201: { name: '医药机构费用结算对总账', run: reconcile },
}

/** The envelope (SPEC §12): msgid = fixmedins_code (12) + yyyyMMddHHmmss (14) + 4-digit sequence (SPEC §1). */
const ENVELOPE = {
  infno: req.str(10), msgid: req.str(30, { re: /^[A-Za-z0-9]{12}[0-9]{18}$/ }), mdtrtarea_admvs: opt(6), insuplc_admdvs: opt(6),
  recer_sys_code: opt(10), dev_no: opt(100), dev_safe_info: opt(2000), cainfo: opt(4000), signtype: opt(10), infver: opt(6),
  opter_type: opt(3), opter: opt(30), opter_name: opt(50), inf_time: { t: 'time' }, fixmedins_code: req.str(12, { re: /^[A-Za-z0-9]{12}$/ }),
  fixmedins_name: opt(200), sign_no: opt(30),
  // checked by its transaction
  input: { t: 'obj', req: true, fields: {}, open: true },
} as const

export interface NationalOptions {
  readonly tables: Tables
  readonly policy: Policy
  /** The settlement core over the backend's ports (settle-port.ts nationalEngine). */
  readonly engine: NationalEngine
  /** The backend's stays (SQLite: the ledger file's; PostgreSQL: its database's). */
  readonly stays: StaysPort
  /** The insured person in force on a day (SPEC §11; engine/persons/as-of.ts). */
  readonly personAsOf: PersonAsOf
  /** The gateway's clock (default: the system's); tests fix it so that the worked example does not drift. */
  readonly now?: () => Date
}

export const nationalRoutes: FastifyPluginAsync<NationalOptions> = async (app, opts) => {
  const now = opts.now ?? (() => new Date())
  const deps: NationalDeps = {
    tables: opts.tables, policy: opts.policy, engine: opts.engine, stays: opts.stays, personAsOf: opts.personAsOf, now,
  }
  // the body is parsed here, strictly (repeated keys, nesting, UTF-8), not by fastify's parser
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })

  // every failure of this path is a national answer: 401 for the token, else HTTP 200 with infcode −1
  app.setErrorHandler((err: FastifyError | HttpError, _req, reply) => {
    const t = now()
    const unauthenticated = err instanceof HttpError && err.code === 'E_UNAUTHENTICATED'
    const message = unauthenticated ? '未提供或无效的访问令牌 (Authorization: Bearer)'
      : err instanceof HttpError && err.code === 'E_SHUTTING_DOWN' ? '服务正在停止，请重试'
        : (err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? '报文超过大小限制'
          : (err as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? '报文须为 application/json'
            // a fault may come after the settlement core recorded (2304): the same msgid re-sent finishes the call
            : '服务内部错误，请以相同报文ID (msgid) 重发本交易'
    if (!unauthenticated && (err as { statusCode?: number }).statusCode === undefined) _req.log.error({ err }, 'national call failed')
    return reply.code(unauthenticated ? 401 : 200).type('application/json; charset=utf-8').send(answerJson('', t, t, null, message))
  })

  app.post(NATIONAL_PATH, { config: { auth: 'any' }, bodyLimit: 16 * 1024 * 1024 }, async (req, reply) => {
    const received = now()
    reply.type('application/json; charset=utf-8')
    let msgid = ''
    try {
      if (!Buffer.isBuffer(req.body)) throw new NationalRefusal('', '报文为空')
      const parsed = parseStrictJson(req.body)
      if (!parsed.ok) throw new NationalRefusal(parsed.field, refusalText(parsed))
      const body = parsed.value
      const env = checkObject(body, ENVELOPE, '', received)
      msgid = env['msgid'] as string
      const hospital = env['fixmedins_code'] as string
      const p = principalOf(req)
      if (p.role !== 'hospital' || p.hospital !== hospital) {
        throw new NationalRefusal('fixmedins_code', `fixmedins_code ${hospital} 不是访问令牌所属的定点医药机构`)
      }
      if (!msgid.startsWith(hospital)) throw new NationalRefusal('msgid', `msgid 须以本机构编号 ${hospital} 开头`)
      const infno = env['infno'] as string
      const tx = TRANSACTIONS[infno]
      if (tx === undefined) throw new NationalRefusal('infno', `不支持的交易编号 infno ${infno}`)
      const ctx: CallContext = {
        deps, msgid, infno, hospital, input: env['input'], received,
        bodyHash: deps.engine.hashOf({ infno, fixmedins_code: hospital, input: env['input'] }),
      }
      const prior = await deps.stays.envelopeAnswer(msgid)
      if (prior !== undefined) {
        if (prior.bodyHash !== ctx.bodyHash) throw msgidConflict(msgid)
        return reply.send(prior.answerJson)
      }
      return reply.send(await tx.run(ctx))
    } catch (e) {
      if (e instanceof NationalRefusal) return reply.send(answerJson(msgid, received, now(), null, e.message))
      throw e
    }
  })
}

/** The strict parser's refusal (engine/strict-json.ts: SPEC §1), worded in Chinese for err_msg. */
function refusalText(r: Extract<StrictJson, { ok: false }>): string {
  const at = r.field === '' ? '' : `字段 ${r.field} `
  switch (r.kind) {
    case 'utf8': return `报文不是 UTF-8 编码 (${r.message})`
    case 'depth': return `${at}嵌套超过 ${MAX_DEPTH} 层`
    case 'repeated': return `字段 ${r.field} 重复出现`
    case 'proto': return `${at}不允许 __proto__ 字段`
    case 'surrogate': return `${at}含有不成对的代理项转义 (${r.message})`
    case 'syntax': return `报文不是合法的 JSON: ${r.message}`
  }
}
