// What every transaction handler is given (envelope.ts builds it once per call) and how it answers: the national
// answer `{ infcode, inf_refmsgid, refmsg_time, respond_time, err_msg, warn_msg, output }` (SPEC §12), stored with the
// change it reports (engine/ledger/stays-port.ts EnvelopeRecord) so that the same msgid replays it.
import type { Policy } from '../../engine/policy/types.js'
import type { Reason } from '../../engine/reasons.js'
import type { Tables } from '../../engine/tables/types.js'
import type { PersonAsOf } from '../../engine/persons/as-of.js'
import type { EnvelopeRecord, Stay, StayChange, StayRefusal, StaysPort } from '../../engine/ledger/stays-port.js'
import { NationalRefusal, checkObject, type Fields, type Obj } from './fields.js'
import type { NationalEngine } from './settle-port.js'

export interface NationalDeps {
  readonly tables: Tables
  readonly policy: Policy
  readonly engine: NationalEngine
  readonly stays: StaysPort
  /** The insured person in force on a day (SPEC §11; engine/persons/as-of.ts): 1101, and who may open a visit. */
  readonly personAsOf: PersonAsOf
  /** The gateway's clock (answers' times, "the day after today"); tests fix it. */
  readonly now: () => Date
}

export interface CallContext {
  readonly deps: NationalDeps
  readonly msgid: string
  readonly infno: string
  /** The envelope's fixmedins_code, equal to the token's hospital. */
  readonly hospital: string
  readonly input: unknown
  /** The idempotency hash of the call (infno, fixmedins_code, input). */
  readonly bodyHash: string
  /** When the call was received. */
  readonly received: Date
}

/** A handler: the call's answer as JSON text (stored with its change), or a NationalRefusal thrown (nothing changed). */
export type Transaction = (ctx: CallContext) => Promise<string>

/** The national answer. */
export interface NationalAnswer {
  readonly infcode: 0 | -1
  readonly inf_refmsgid: string
  readonly refmsg_time: string
  readonly respond_time: string
  readonly err_msg: string | null
  readonly warn_msg: string | null
  readonly output: unknown
}

/** yyyyMMddHHmmssSSS in China time (UTC+8), as the national platform writes its times. */
export function platformTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().replace(/[-:TZ.]/g, '')
}

/** yyyy-MM-dd HH:mm:ss in China time (setl_time, sign_time). */
export function chinaTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')
}

/** The answer's own id: derived from the envelope msgid, so that a replay is byte-for-byte the first answer. */
export function refMsgid(msgid: string): string {
  return 'DS' + msgid
}

export function answerJson(msgid: string, received: Date, respond: Date, output: unknown, err: string | null = null, warn: string | null = null): string {
  const a: NationalAnswer = {
    infcode: err === null ? 0 : -1, inf_refmsgid: refMsgid(msgid), refmsg_time: platformTime(received),
    respond_time: platformTime(respond), err_msg: err, warn_msg: warn, output: err === null ? output : null,
  }
  return JSON.stringify(a)
}

/** The record stored with a change: its answer is `output(value)` wrapped in the national answer. */
export function envelopeOf<T>(ctx: CallContext, output: (v: T) => unknown, warn: string | null = null): EnvelopeRecord<T> {
  return {
    msgid: ctx.msgid, fixmedins_code: ctx.hospital, infno: ctx.infno, bodyHash: ctx.bodyHash,
    answer: (v: T) => answerJson(ctx.msgid, ctx.received, ctx.deps.now(), output(v), null, warn),
  }
}

/** Check the call's input against a transaction's field table. */
export function inputOf(ctx: CallContext, fields: Fields): Obj {
  return checkObject(ctx.input, fields, 'input', ctx.deps.now())
}

/** A change's answer; a refusal (nothing written) or a msgid answered meanwhile with another body throws. */
export function finish<T>(c: StayChange<T>, ctx: CallContext, field = 'input'): string {
  if (c.status === 'done') return c.answerJson
  if (c.status === 'seen') {
    if (c.bodyHash === ctx.bodyHash) return c.answerJson
    throw msgidConflict(ctx.msgid)
  }
  throw new NationalRefusal(field, refusalText(c.code, c.detail))
}

/** Store the answer of a call that changes no stay. */
export async function remember(ctx: CallContext, output: unknown, warn: string | null = null): Promise<string> {
  return finish(await ctx.deps.stays.rememberAnswer(envelopeOf<void>(ctx, () => output, warn)), ctx)
}

export function msgidConflict(msgid: string): NationalRefusal {
  return new NationalRefusal('msgid', `报文ID msgid ${msgid} 已用于另一笔不同内容的交易`)
}

const STAY_STATUS_ZH: Record<Stay['status'], string> = {
  open: '在院/已挂号', discharged: '已出院', settling: '正在结算', settled: '已结算', cancelled: '已撤销',
}

export function statusText(s: Stay['status']): string {
  return STAY_STATUS_ZH[s]
}

function refusalText(code: StayRefusal, detail: string): string {
  switch (code) {
    case 'E_STAY_UNKNOWN': return `就诊ID mdtrt_id ${detail} 不存在或不属于本机构`
    case 'E_STAY_STATE': return `就诊状态为「${statusText(detail as Stay['status'])}」，不能办理本交易`
    case 'E_FEEDETL_SN_TAKEN': return `费用明细流水号 feedetl_sn ${detail} 已上传，请先撤销 (2302/2205) 再重传`
    case 'E_FEEDETL_SN_UNKNOWN': return `费用明细流水号 feedetl_sn ${detail} 未上传或已撤销`
  }
}

/** Chinese labels of the engine's rejection codes (engine/reasons.ts), for err_msg. */
const REASON_ZH: Partial<Record<Reason['code'], string>> = {
  E_FIELD_MISSING: '缺少必填字段', E_FIELD_TYPE: '字段类型错误', E_FIELD_FORMAT: '字段格式错误',
  E_MONEY_FORMAT: '金额格式错误 (元，最多两位小数)', E_AMOUNT_MISMATCH: '明细项目费用总额不等于数量 × 单价',
  E_DATE_ORDER: '出院时间早于入院时间', E_MAIN_DIAGNOSIS: '须有且仅有一个主诊断', E_MAIN_PROCEDURE: '至多一个主手术',
  E_UNKNOWN_DIAGNOSIS: '诊断代码不在医保版 ICD-10 中', E_UNKNOWN_PROCEDURE: '手术操作代码不在医保版 ICD-9-CM-3 中',
  E_UNKNOWN_HOSPITAL: '不是本统筹区定点医药机构', E_UNKNOWN_PERSON: '不是本统筹区参保人员',
  E_INSUTYPE_MISMATCH: '险种类型与参保信息不符', E_MED_TYPE_UNSUPPORTED: '不支持的医疗类别',
  E_NO_OUTPATIENT_POLICY: '政策无此门诊医疗类别和险种的待遇', E_DUPLICATE_FEEDETL_SN: '费用明细流水号重复',
  E_MDTRT_SETTLED: '该就诊已结算，须先撤销结算', E_REFERRAL_UNKNOWN: '转诊来源就诊不存在',
  E_MSGID_CONFLICT: '报文ID已用于另一笔交易', E_UNKNOWN_SETTLEMENT: '结算ID不存在', E_ALREADY_REVERSED: '该结算已撤销',
  E_NOT_REVERSIBLE: '撤销记录不能再撤销', E_FAILED: '处理失败，未记账，请重试', E_NO_BASIC_RATIO: '政策无此人员类别和医院等级的报销比例',
}

/** An engine rejection as a refusal: its first reason, in Chinese, naming the national field (`fieldOf`). */
export function rejection(reasons: readonly Reason[], fieldOf: (claimPath: string) => string): NationalRefusal {
  const r = reasons[0]
  if (r === undefined) return new NationalRefusal('', '结算被拒绝')
  const field = fieldOf(r.field)
  const zh = REASON_ZH[r.code] ?? r.code
  const more = reasons.length > 1 ? ` (另有 ${reasons.length - 1} 项问题)` : ''
  return new NationalRefusal(field, `${field === '' ? '' : field + ': '}${zh} [${r.code}: ${r.message}]${more}`)
}

/** The stay a call names: it must exist at this hospital, be of this person and of the right kind. */
export async function stayOf(ctx: CallContext, mdtrtId: string, psnNo: string, inpatient: boolean, path: string): Promise<Stay> {
  const s = await ctx.deps.stays.stay(ctx.hospital, mdtrtId)
  if (s === undefined) throw new NationalRefusal(`${path}.mdtrt_id`, `${path}.mdtrt_id: 就诊ID ${mdtrtId} 不存在或不属于本机构`)
  if (s.psn_no !== psnNo) throw new NationalRefusal(`${path}.psn_no`, `${path}.psn_no: 人员编号 ${psnNo} 与就诊 ${mdtrtId} 的参保人不符`)
  if (s.inpatient !== inpatient) {
    throw new NationalRefusal(`${path}.mdtrt_id`, `${path}.mdtrt_id: 就诊 ${mdtrtId} 是${s.inpatient ? '住院' : '门诊'}就诊，不能办理${inpatient ? '住院' : '门诊'}交易`)
  }
  return s
}
