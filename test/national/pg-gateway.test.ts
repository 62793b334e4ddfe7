// The national gateway on a PostgreSQL ledger (SPEC §11, §12): two apps, each on its own PgLedger (its own connection
// pool, as two `serve` processes have) over one database. A stay begun on the first (9001, 1101, 2401, 2301 ×2) is
// finished on the second (2402, 2303, 2304, 4101A) and settles, to the fen, what POST /v1/settlements settles for the
// same claim on a SQLite ledger — and what the same calls through the gateway settle on SQLite. An envelope re-sent to
// the other app replays its first answer byte for byte; another body under its msgid answers −1; 2305 on the first app
// rolls the accumulators back (ledger verify clean) and the stay settles anew to the same money.
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { SETLINFO_FIELDS, type AdjudicationResult } from '../../engine/result.js'
import type { Tables } from '../../engine/tables/types.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import {
  CLOCK, buildDemoTables, closeSide, demoClaims, diseinfo, envelope, feedetail, openSide, post, removeDir, sumYuan, tmpDir, type Answer,
} from './world.js'

/** One side of a flow: send an envelope, get the answer (and its text). */
type Send = (infno: string, input: unknown, seq: number) => Promise<{ answer: Answer; text: string }>

interface FlowResult {
  readonly pre: Answer
  readonly fin: Answer
  readonly list: Answer
  readonly mdtrtId: string
}

/** 9001 → 1101 → 2401 → 2301 ×2 on `first`; 2402 → 2303 → 2304 → 4101A on `second` (seq 1 … 10). */
async function inpatientFlow(c: ClaimInput, first: Send, second: Send): Promise<FlowResult> {
  const ok = async (s: Send, infno: string, input: unknown, seq: number): Promise<Answer> => {
    const { answer } = await s(infno, input, seq)
    expect(answer.err_msg, `${infno}: ${answer.err_msg}`).toBeNull()
    return answer
  }
  await ok(first, '9001', { signIn: { opter_no: '0001', mac: '00-00-00-00-00-00', ip: '127.0.0.1' } }, 1)
  const person = await ok(first, '1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: c.psn_no, psn_cert_type: '01', certno: c.psn_no, psn_name: '患者' } }, 2)
  expect(person.output.baseinfo.psn_no).toBe(c.psn_no)
  const admitted = await ok(first, '2401', {
    mdtrtinfo: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, med_type: '21', ipt_no: 'ZY0001', adm_dept_codg: 'A01' },
    diseinfo: diseinfo(c),
  }, 3)
  const mdtrtId: string = admitted.output.result.mdtrt_id
  const half = Math.ceil(c.fees.length / 2)
  await ok(first, '2301', { feedetail: feedetail(c, mdtrtId, c.fees.slice(0, half)) }, 4)
  await ok(first, '2301', { feedetail: feedetail(c, mdtrtId, c.fees.slice(half)) }, 5)

  await ok(second, '2402', {
    dscginfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, insutype: c.insutype, endtime: `${c.enddate} 10:00:00`, dscg_way: c.dscg_way ?? '1', dscg_maindiag_code: c.diagnoses[0]!.code },
    diseinfo: diseinfo(c),
  }, 6)
  const settleInput = { data: { psn_no: c.psn_no, mdtrt_id: mdtrtId, insutype: c.insutype, medfee_sumamt: sumYuan(c.fees.map((f) => f.amount)), acct_used_flag: '0', mid_setl_flag: '0' } }
  const pre = await ok(second, '2303', settleInput, 7)
  const fin = await ok(second, '2304', settleInput, 8)
  const list = await ok(second, '4101A', {
    setlinfo: { mdtrt_id: mdtrtId, setl_id: fin.output.setlinfo.setl_id, psn_no: c.psn_no, psn_name: '患者', ipt_med_type: '1' },
    diseinfo: c.diagnoses.map((d) => ({ diag_type: '1', diag_code: d.code, maindiag_flag: d.main ? '1' : '0' })),
    oprninfo: (c.procedures ?? []).map((p) => ({ oprn_oprt_type: p.main ? '1' : '2', oprn_oprt_code: p.code, oprn_oprt_date: `${c.begndate} 14:00:00` })),
  }, 9)
  return { pre, fin, list, mdtrtId }
}

/** The money of a setlinfo (the fields /v1 answers, less the ids and times of the record). */
function moneyOf(s: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(SETLINFO_FIELDS.filter((k) => !['setl_id', 'setl_time', 'mdtrt_id'].includes(k)).map((k) => [k, s[k]]))
}

function detailOf(d: readonly { fund_pay_type: string; fund_payamt: number }[]): [string, number][] {
  return d.map((x) => [x.fund_pay_type, x.fund_payamt])
}

describePg('the national gateway on a PostgreSQL ledger, two apps on one database', (server) => {
  let dir: string
  let tables: Tables
  let c: ClaimInput
  let v1: AdjudicationResult
  let onSqlite: FlowResult
  let db: Awaited<ReturnType<typeof freshDatabase>>
  const ledgers: PgLedger[] = []
  const apps: App[] = []
  let token = ''

  beforeAll(async () => {
    dir = tmpDir()
    tables = buildDemoTables(dir).tables
    c = demoClaims(tables).inpatient
    // what POST /v1/settlements answers on a fresh SQLite ledger, and the same flow through the gateway on another
    // fresh SQLite ledger file, its two halves on two apps open on that file
    const side = await openSide(tables, join(dir, 'v1.sqlite'), [c.fixmedins_code])
    v1 = (await side.app.inject({ method: 'POST', url: '/v1/settlements', headers: { authorization: `Bearer ${side.tokens.get(c.fixmedins_code)!}` }, payload: c })).json() as AdjudicationResult
    expect(v1.status).toBe('settled')
    await closeSide(side)
    const a = await openSide(tables, join(dir, 'gw.sqlite'), [c.fixmedins_code])
    const b = await openSide(tables, join(dir, 'gw.sqlite'), [c.fixmedins_code])
    const via = (s: typeof a): Send => async (infno, input, seq) => post(s.app, s.tokens.get(c.fixmedins_code)!, envelope(c.fixmedins_code, infno, seq, input))
    onSqlite = await inpatientFlow(c, via(a), via(b))
    await closeSide(a)
    await closeSide(b)

    db = await freshDatabase(server, 'national')
    for (let i = 0; i < 2; i++) {
      const l = await PgLedger.open(db.url)
      ledgers.push(l)
      apps.push(await buildApp({ tables, policy: tables.policy, ledger: l, nationalClock: () => CLOCK }))
    }
    token = (await new CredentialStore(ledgers[0]!.credentials).add({ hospital: c.fixmedins_code })).token
  }, 180_000)

  afterAll(async () => {
    for (const a of apps) await a.close()
    for (const l of ledgers) await l.close()
    await db?.drop()
    if (dir !== undefined) removeDir(dir)
  })

  const via = (i: number): Send => async (infno, input, seq) => post(apps[i]!, token, envelope(c.fixmedins_code, infno, seq, input))
  let flow: FlowResult

  it('a stay begun on one app is finished on the other: the money of /v1 on SQLite and of the gateway on SQLite', async () => {
    flow = await inpatientFlow(c, via(0), via(1))
    const { pre, fin, list } = flow
    expect(v1.setlinfo!.fund_pay_sumamt).toBeGreaterThan(0)
    expect(moneyOf(pre.output.setlinfo)).toEqual(moneyOf(v1.setlinfo as unknown as Record<string, unknown>))
    expect(moneyOf(fin.output.setlinfo)).toEqual(moneyOf(v1.setlinfo as unknown as Record<string, unknown>))
    expect(detailOf(fin.output.setldetail)).toEqual(detailOf(v1.setldetail!))
    expect(moneyOf(fin.output.setlinfo)).toEqual(moneyOf(onSqlite.fin.output.setlinfo))
    expect(moneyOf(pre.output.setlinfo)).toEqual(moneyOf(onSqlite.pre.output.setlinfo))
    expect(detailOf(fin.output.setldetail)).toEqual(detailOf(onSqlite.fin.output.setldetail))
    // 4101A on PostgreSQL (the reports port's month, the stays port's list): the group /v1 found
    expect(list.output.dip.group_code).toBe(v1.dip!.group_code)
    expect(list.output.dip.points).toBe(v1.dip!.points)
    expect(list.output.dip).toEqual(onSqlite.list.output.dip)
    const year = Number(c.enddate.slice(0, 4))
    expect((await ledgers[0]!.accumulators(c.psn_no, year)).admissions).toBe(1)
  }, 60_000)

  it('an envelope re-sent to the other app replays its first answer; another body under its msgid answers −1', async () => {
    const settleInput = { data: { psn_no: c.psn_no, mdtrt_id: flow.mdtrtId, insutype: c.insutype, medfee_sumamt: sumYuan(c.fees.map((f) => f.amount)), acct_used_flag: '0', mid_setl_flag: '0' } }
    const first2304 = await via(1)('2304', settleInput, 8)
    const replayed = await via(0)('2304', settleInput, 8)
    expect(replayed.text).toBe(first2304.text)
    expect(replayed.answer.output.setlinfo.setl_id).toBe(flow.fin.output.setlinfo.setl_id)
    const admit = { mdtrtinfo: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, med_type: '21', ipt_no: 'ZY0001', adm_dept_codg: 'A01' }, diseinfo: diseinfo(c) }
    const again2401 = await via(1)('2401', admit, 3)
    expect(again2401.answer.output.result.mdtrt_id).toBe(flow.mdtrtId)
    const other = await via(1)('2401', { ...admit, mdtrtinfo: { ...admit.mdtrtinfo, ipt_no: 'ZY0002' } }, 3)
    expect(other.answer.infcode).toBe(-1)
    expect(other.answer.err_msg).toContain('msgid')
    // settled once
    const year = Number(c.enddate.slice(0, 4))
    expect((await ledgers[1]!.accumulators(c.psn_no, year)).admissions).toBe(1)
  })

  it('2305 on the first app rolls the accumulators back; the stay settles anew to the same money', async () => {
    const year = Number(c.enddate.slice(0, 4))
    const setlId: string = flow.fin.output.setlinfo.setl_id
    const rev = await via(0)('2305', { data: { setl_id: setlId, mdtrt_id: flow.mdtrtId, psn_no: c.psn_no } }, 20)
    expect(rev.answer.err_msg).toBeNull()
    expect(rev.answer.output.setlinfo.reverses).toBe(setlId)
    expect(rev.answer.output.setlinfo.fund_pay_sumamt).toBe(-v1.setlinfo!.fund_pay_sumamt)
    const back = await ledgers[1]!.accumulators(c.psn_no, year)
    expect(back.admissions).toBe(0)
    expect(back).toEqual(await ledgers[0]!.accumulators(`${c.psn_no}-nobody`, year))
    expect(await ledgers[0]!.verify()).toEqual([])
    // replayed on the other app: the same reversal, not a second one
    expect((await via(1)('2305', { data: { setl_id: setlId, mdtrt_id: flow.mdtrtId, psn_no: c.psn_no } }, 20)).text).toBe(rev.text)

    const settleInput = { data: { psn_no: c.psn_no, mdtrt_id: flow.mdtrtId, insutype: c.insutype, medfee_sumamt: sumYuan(c.fees.map((f) => f.amount)), acct_used_flag: '0', mid_setl_flag: '0' } }
    const anew = await via(1)('2304', settleInput, 21)
    expect(anew.answer.err_msg).toBeNull()
    expect(moneyOf(anew.answer.output.setlinfo)).toEqual(moneyOf(v1.setlinfo as unknown as Record<string, unknown>))
    expect(anew.answer.output.setlinfo.setl_id).not.toBe(setlId)
    expect(await ledgers[1]!.verify()).toEqual([])
  })
})
