// A stay outlives the process (SPEC §12): begun by one app, finished by a new app on the same ledger file (a restart
// between 2301 and 2304), or by a second app open on the file at the same time; and a fault between the recorded
// settlement and the stay's state is finished by re-sending the 2304 with the same msgid — settled once.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import type { Tables } from '../../engine/tables/types.js'
import { SqliteStays } from '../../engine/ledger/sqlite/stays.js'
import type { StaysPort } from '../../engine/ledger/stays-port.js'
import { SETLINFO_FIELDS, type AdjudicationResult } from '../../engine/result.js'
import {
  buildDemoTables, closeSide, demoClaims, diseinfo, envelope, feedetail, openSide, post, removeDir, sumYuan, tmpDir, type Answer, type Side,
} from './world.js'

let dir: string
let tables: Tables
let c: ClaimInput
let expected: AdjudicationResult
let seq = 200

beforeAll(async () => {
  dir = tmpDir()
  tables = buildDemoTables(dir).tables
  c = demoClaims(tables).inpatient
  // what POST /v1/settlements answers for the claim on a fresh ledger
  const v1 = await openSide(tables, join(dir, 'v1.sqlite'), [c.fixmedins_code])
  const res = await v1.app.inject({ method: 'POST', url: '/v1/settlements', headers: { authorization: `Bearer ${v1.tokens.get(c.fixmedins_code)!}` }, payload: c })
  expected = res.json() as AdjudicationResult
  expect(expected.status).toBe('settled')
  await closeSide(v1)
}, 120_000)

afterAll(() => removeDir(dir))

async function call(s: Side, infno: string, input: unknown, n = ++seq): Promise<{ answer: Answer; text: string }> {
  const r = await post(s.app, s.tokens.get(c.fixmedins_code)!, envelope(c.fixmedins_code, infno, n, input))
  expect(r.status).toBe(200)
  return r
}

async function ok(s: Side, infno: string, input: unknown, n?: number): Promise<Answer> {
  const { answer } = await call(s, infno, input, n)
  expect(answer.err_msg, `${infno}: ${answer.err_msg}`).toBeNull()
  return answer
}

async function begin(s: Side): Promise<string> {
  const mdtrtId = (await ok(s, '2401', { mdtrtinfo: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, med_type: '21' }, diseinfo: diseinfo(c) })).output.result.mdtrt_id as string
  const half = Math.ceil(c.fees.length / 2)
  await ok(s, '2301', { feedetail: feedetail(c, mdtrtId, c.fees.slice(0, half)) })
  await ok(s, '2301', { feedetail: feedetail(c, mdtrtId, c.fees.slice(half)) })
  return mdtrtId
}

const settleInput = (mdtrtId: string): unknown =>
  ({ data: { psn_no: c.psn_no, mdtrt_id: mdtrtId, insutype: c.insutype, medfee_sumamt: sumYuan(c.fees.map((f) => f.amount)) } })

async function finishStay(s: Side, mdtrtId: string, n?: number): Promise<Answer> {
  await ok(s, '2402', { dscginfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, insutype: c.insutype, endtime: `${c.enddate} 10:00:00`, dscg_way: '1' }, diseinfo: diseinfo(c) })
  return ok(s, '2304', settleInput(mdtrtId), n)
}

function expectSameMoney(a: Answer): void {
  for (const k of SETLINFO_FIELDS) expect(a.output.setlinfo[k], k).toBe(expected.setlinfo![k])
  expect(a.output.setldetail.map((d: { fund_pay_type: string; fund_payamt: number }) => [d.fund_pay_type, d.fund_payamt]))
    .toEqual(expected.setldetail!.map((d) => [d.fund_pay_type, d.fund_payamt]))
}

/** An app on `file` whose stays port fails the step from 'settling' to 'settled' once (as a crash there would). */
async function faultySide(file: string): Promise<{ side: Side; failed: () => boolean }> {
  let failed = false
  let inner: SqliteStays | undefined
  const faulty = new Proxy({} as StaysPort, {
    get: (_t, key: keyof StaysPort) => async (...args: unknown[]) => {
      inner ??= new SqliteStays(side.ledger.db)
      if (key === 'transition' && (args[2] as { to: string }).to === 'settled' && !failed) {
        failed = true
        throw new Error('injected fault after the settlement was recorded')
      }
      return (inner[key] as (...a: unknown[]) => unknown).apply(inner, args)
    },
  })
  const side = await openSide(tables, file, [c.fixmedins_code], { stays: faulty })
  return { side, failed: () => failed }
}

describe('a stay across processes', () => {
  it('a restart between 2301 and 2304 (a new app on the same ledger file) finishes the stay', async () => {
    const file = join(dir, 'restart.sqlite')
    const first = await openSide(tables, file, [c.fixmedins_code])
    const mdtrtId = await begin(first)
    const upload = envelope(c.fixmedins_code, '2302', 999, { data: { feedetl_sn: 'NONE', mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    await closeSide(first)

    const second = await openSide(tables, file, [c.fixmedins_code])
    const settled = await finishStay(second, mdtrtId)
    expectSameMoney(settled)
    expect(second.ledger.db.prepare("SELECT status FROM national_stays WHERE mdtrt_id = ?").pluck().get(mdtrtId)).toBe('settled')
    // a refused call is not remembered: its msgid stays free
    expect((await post(second.app, second.tokens.get(c.fixmedins_code)!, upload)).answer.infcode).toBe(-1)
    await closeSide(second)
  })

  it('a second app open on the same file finishes a stay the first began', async () => {
    const file = join(dir, 'two.sqlite')
    const a = await openSide(tables, file, [c.fixmedins_code])
    const b = await openSide(tables, file, [c.fixmedins_code])
    const mdtrtId = await begin(a)
    expectSameMoney(await finishStay(b, mdtrtId))
    // the first app sees the settled stay
    const again = await call(a, '2301', { feedetail: feedetail(c, mdtrtId, c.fees.slice(0, 1).map((f) => ({ ...f, feedetl_sn: 'LATE' }))) })
    expect(again.answer.infcode).toBe(-1)
    await closeSide(a)
    await closeSide(b)
  })

  it('a fault after the settlement is recorded: the 2304 re-sent with its msgid finishes the stay, settled once', async () => {
    const file = join(dir, 'fault.sqlite')
    const plain = await openSide(tables, file, [c.fixmedins_code])
    const mdtrtId = await begin(plain)
    await closeSide(plain)

    const { side, failed } = await faultySide(file)
    await ok(side, '2402', { dscginfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, insutype: c.insutype, endtime: `${c.enddate} 10:00:00`, dscg_way: '1' }, diseinfo: diseinfo(c) })
    const n = ++seq
    const dischargeAndFail = await call(side, '2304', settleInput(mdtrtId), n)
    expect(failed()).toBe(true)
    expect(dischargeAndFail.answer.infcode).toBe(-1)
    expect(dischargeAndFail.answer.err_msg).toContain('相同报文ID')
    const settlements = (): number => side.ledger.db.prepare("SELECT COUNT(*) FROM settlements WHERE kind = 'settlement'").pluck().get() as number
    expect(settlements()).toBe(1)
    expect(side.ledger.db.prepare('SELECT status FROM national_stays WHERE mdtrt_id = ?').pluck().get(mdtrtId)).toBe('settling')
    // fee lines are frozen while the stay is held
    expect((await call(side, '2302', { data: { feedetl_sn: '0000', mdtrt_id: mdtrtId, psn_no: c.psn_no } })).answer.infcode).toBe(-1)

    const retried = await ok(side, '2304', settleInput(mdtrtId), n)
    expectSameMoney(retried)
    expect(settlements()).toBe(1)
    expect(side.ledger.db.prepare('SELECT status FROM national_stays WHERE mdtrt_id = ?').pluck().get(mdtrtId)).toBe('settled')
    expect(side.ledger.verify()).toEqual([])
    await closeSide(side)
  })

  it('after such a fault, a 2304 under another msgid answers −1 and the stay takes the recorded settlement (2305 can reverse it)', async () => {
    const file = join(dir, 'fault2.sqlite')
    const plain = await openSide(tables, file, [c.fixmedins_code])
    const mdtrtId = await begin(plain)
    await closeSide(plain)
    const { side } = await faultySide(file)
    await ok(side, '2402', { dscginfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, insutype: c.insutype, endtime: `${c.enddate} 10:00:00`, dscg_way: '1' }, diseinfo: diseinfo(c) })
    expect((await call(side, '2304', settleInput(mdtrtId))).answer.infcode).toBe(-1)
    const other = await call(side, '2304', settleInput(mdtrtId))
    expect(other.answer.infcode).toBe(-1)
    expect(other.answer.err_msg).toContain('已结算')
    const row = side.ledger.db.prepare('SELECT status, setl_id FROM national_stays WHERE mdtrt_id = ?').get(mdtrtId) as { status: string; setl_id: string }
    expect(row.status).toBe('settled')
    expect(row.setl_id).toBe(side.ledger.db.prepare("SELECT setl_id FROM settlements WHERE mdtrt_id = ? AND kind = 'settlement'").pluck().get(mdtrtId))
    await ok(side, '2305', { data: { setl_id: row.setl_id, mdtrt_id: mdtrtId, psn_no: c.psn_no } })
    expect(side.ledger.verify()).toEqual([])
    await closeSide(side)
  })
})
