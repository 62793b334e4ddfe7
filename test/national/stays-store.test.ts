// The SQLite stays store (engine/ledger/sqlite/stays.ts) on its own: ids, the envelope answer stored with each change
// and found again, refusals that write nothing, and a ledger made before the national tables getting them.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { SqliteStays } from '../../engine/ledger/sqlite/stays.js'
import type { EnvelopeRecord, NewStay, StayFee } from '../../engine/ledger/stays-port.js'
import { removeDir, tmpDir } from './world.js'

let dir: string
let ledger: SqliteLedger
let stays: SqliteStays

beforeEach(() => {
  dir = tmpDir()
  ledger = openLedger(join(dir, 'l.sqlite'))
  stays = new SqliteStays(ledger.db)
})

afterEach(() => {
  ledger.close()
  removeDir(dir)
})

const H = 'H15020300001'
const NEW: NewStay = {
  fixmedins_code: H, psn_no: 'P1', insutype: '390', inpatient: true,
  visit: { med_type: '21', begndate: '2026-10-01', diagnoses: [{ code: 'I63.900', main: true }], discharge: null },
}
let n = 0
function env<T>(answer: (v: T) => unknown = () => ({}), msgid = `${H}20261101100000${String(++n).padStart(4, '0')}`, hash = 'h'): EnvelopeRecord<T> {
  return { msgid, fixmedins_code: H, infno: 'x', bodyHash: hash, answer: (v) => JSON.stringify(answer(v)) }
}
const fee = (sn: string): StayFee => ({ feedetl_sn: sn, med_list_codg: 'C', cnt: 1, pric: 1, det_item_fee_sumamt: 1, extra: {} })
const count = (table: string): number => ledger.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number

describe('SqliteStays', () => {
  it('assigns gap-free mdtrt_ids and stores each change\'s answer with it', async () => {
    const a = await stays.openStay(NEW, env((s) => s.mdtrt_id))
    const b = await stays.openStay(NEW, env((s) => s.mdtrt_id))
    expect(a).toMatchObject({ status: 'done', answerJson: '"N000000000001"' })
    expect(b).toMatchObject({ status: 'done', answerJson: '"N000000000002"' })
    expect(count('national_envelopes')).toBe(2)
    expect(await stays.stay('H99999999999', 'N000000000001')).toBeUndefined()
  })

  it('a msgid answered before is found instead of changing again', async () => {
    const e = env<unknown>(() => 'first')
    await stays.openStay(NEW, e)
    const again = await stays.openStay(NEW, { ...e, bodyHash: 'other', answer: () => '"second"' })
    expect(again).toEqual({ status: 'seen', bodyHash: 'h', answerJson: '"first"' })
    expect(count('national_stays')).toBe(1)
  })

  it('a refused change writes nothing, not even its answer', async () => {
    const s = await stays.openStay(NEW, env())
    const id = s.status === 'done' ? s.value.mdtrt_id : ''
    await stays.addFees(H, id, [fee('1'), fee('2')], env())
    const before = count('national_envelopes')
    expect(await stays.addFees(H, id, [fee('3'), fee('2')], env())).toMatchObject({ status: 'refused', code: 'E_FEEDETL_SN_TAKEN', detail: '2' })
    expect(await stays.removeFees(H, id, ['1', '9'], env())).toMatchObject({ status: 'refused', code: 'E_FEEDETL_SN_UNKNOWN', detail: '9' })
    expect(await stays.transition(H, id, { from: ['discharged'], to: 'settled' }, env())).toMatchObject({ status: 'refused', code: 'E_STAY_STATE', detail: 'open' })
    expect(await stays.addFees(H, 'N000000000099', [fee('1')], env())).toMatchObject({ status: 'refused', code: 'E_STAY_UNKNOWN' })
    expect(count('national_envelopes')).toBe(before)
    expect((await stays.stay(H, id))!.fees.map((f) => f.feedetl_sn)).toEqual(['1', '2'])
  })

  it('creates its tables in a ledger made before them, changing nothing else', async () => {
    ledger.db.exec('DROP TABLE national_stays; DROP TABLE national_stay_fees; DROP TABLE national_envelopes; DROP TABLE national_setl_lists')
    const version = ledger.db.pragma('user_version', { simple: true })
    const again = new SqliteStays(ledger.db)
    expect((await again.openStay(NEW, env())).status).toBe('done')
    expect(ledger.db.pragma('user_version', { simple: true })).toBe(version)
  })
})
