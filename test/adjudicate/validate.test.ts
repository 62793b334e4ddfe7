// SPEC §3 step 1: every field of the claim shape is checked and named by its path; all reasons are collected;
// arbitrary input is a rejection, never an exception.
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { adjudicate, parseClaim } from '../../engine/adjudicate/index.js'
import type { RejectionCode } from '../../engine/reasons.js'
import { C, H, P, TABLES, claim, ctx, fee } from '../fixtures/claims.js'

vi.mock('../../engine/grouping/index.js', async () => (await import('./dip-mock.js')).dipMock)

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests malform the body at any depth
type Body = Record<string, any>

/** A valid claim with two diagnoses, two procedures and three fee lines, to malform one field at a time. */
function good(): Body {
  return claim({
    mdtrt_id: 'MV1',
    diagnoses: [{ code: 'J18.900', main: true }, { code: 'E11.900', main: false }],
    procedures: [{ code: '88.4101', main: true }, { code: '99.2501' }],
    fees: [fee(C.JIA, 2, 10), fee(C.YI5, 1, 4.52), fee(C.BING, 3, 1.5)],
  }) as Body
}

/** [what, malform, expected code, expected field path] — one row per field of the claim shape and per check. */
const CASES: [string, (b: Body) => void, RejectionCode, string][] = [
  ['msgid missing', (b) => { delete b.msgid }, 'E_FIELD_MISSING', 'msgid'],
  ['msgid a number', (b) => { b.msgid = 12 }, 'E_FIELD_TYPE', 'msgid'],
  ['msgid too short', (b) => { b.msgid = b.msgid.slice(0, 29) }, 'E_FIELD_FORMAT', 'msgid'],
  ['msgid with letters in the timestamp', (b) => { b.msgid = b.msgid.slice(0, 12) + '2026091009000A0001' }, 'E_FIELD_FORMAT', 'msgid'],
  ['msgid of another hospital', (b) => { b.msgid = H.A1 + b.msgid.slice(12) }, 'E_MSGID_HOSPITAL', 'msgid'],
  ['fixmedins_code missing', (b) => { delete b.fixmedins_code }, 'E_FIELD_MISSING', 'fixmedins_code'],
  ['fixmedins_code not 12 characters', (b) => { b.fixmedins_code = 'H1502' }, 'E_FIELD_FORMAT', 'fixmedins_code'],
  ['fixmedins_code unknown', (b) => { b.fixmedins_code = 'H99999999999'; b.msgid = 'H99999999999' + b.msgid.slice(12) }, 'E_UNKNOWN_HOSPITAL', 'fixmedins_code'],
  ['psn_no missing', (b) => { delete b.psn_no }, 'E_FIELD_MISSING', 'psn_no'],
  ['psn_no a number', (b) => { b.psn_no = 1 }, 'E_FIELD_TYPE', 'psn_no'],
  ['psn_no empty', (b) => { b.psn_no = '' }, 'E_FIELD_FORMAT', 'psn_no'],
  ['psn_no unknown', (b) => { b.psn_no = 'NOBODY' }, 'E_UNKNOWN_PERSON', 'psn_no'],
  ['insutype missing', (b) => { delete b.insutype }, 'E_FIELD_MISSING', 'insutype'],
  ['insutype 330', (b) => { b.insutype = '330' }, 'E_FIELD_FORMAT', 'insutype'],
  ['insutype not the person\'s', (b) => { b.insutype = '310' }, 'E_INSUTYPE_MISMATCH', 'insutype'],
  ['mdtrt_id missing', (b) => { delete b.mdtrt_id }, 'E_FIELD_MISSING', 'mdtrt_id'],
  ['mdtrt_id an object', (b) => { b.mdtrt_id = {} }, 'E_FIELD_TYPE', 'mdtrt_id'],
  ['med_type missing', (b) => { delete b.med_type }, 'E_FIELD_MISSING', 'med_type'],
  ['med_type one digit', (b) => { b.med_type = '2' }, 'E_FIELD_FORMAT', 'med_type'],
  ['med_type 41', (b) => { b.med_type = '41' }, 'E_MED_TYPE_UNSUPPORTED', 'med_type'],
  ['begndate missing', (b) => { delete b.begndate }, 'E_FIELD_MISSING', 'begndate'],
  ['begndate not a real date', (b) => { b.begndate = '2026-02-30' }, 'E_FIELD_FORMAT', 'begndate'],
  ['enddate a number', (b) => { b.enddate = 20260909 }, 'E_FIELD_TYPE', 'enddate'],
  ['enddate in another format', (b) => { b.enddate = '2026/09/09' }, 'E_FIELD_FORMAT', 'enddate'],
  ['enddate before begndate', (b) => { b.enddate = '2026-09-02' }, 'E_DATE_ORDER', 'enddate'],
  ['dscg_way a number', (b) => { b.dscg_way = 1 }, 'E_FIELD_TYPE', 'dscg_way'],
  ['referral_from a number', (b) => { b.referral_from = 7 }, 'E_FIELD_TYPE', 'referral_from'],
  ['referral_from empty', (b) => { b.referral_from = '' }, 'E_FIELD_FORMAT', 'referral_from'],
  ['acct_used_flag 2', (b) => { b.acct_used_flag = '2' }, 'E_FIELD_FORMAT', 'acct_used_flag'],
  ['diagnoses missing', (b) => { delete b.diagnoses }, 'E_FIELD_MISSING', 'diagnoses'],
  ['diagnoses an object', (b) => { b.diagnoses = {} }, 'E_FIELD_TYPE', 'diagnoses'],
  ['diagnoses empty', (b) => { b.diagnoses = [] }, 'E_FIELD_FORMAT', 'diagnoses'],
  ['diagnoses[1] a string', (b) => { b.diagnoses[1] = 'E11.900' }, 'E_FIELD_TYPE', 'diagnoses[1]'],
  ['diagnoses[1].code missing', (b) => { delete b.diagnoses[1].code }, 'E_FIELD_MISSING', 'diagnoses[1].code'],
  ['diagnoses[0].code unknown', (b) => { b.diagnoses[0].code = 'Z99.999' }, 'E_UNKNOWN_DIAGNOSIS', 'diagnoses[0].code'],
  ['diagnoses[1].main a string', (b) => { b.diagnoses[1].main = '1' }, 'E_FIELD_TYPE', 'diagnoses[1].main'],
  ['two main diagnoses', (b) => { b.diagnoses[1].main = true }, 'E_MAIN_DIAGNOSIS', 'diagnoses'],
  ['no main diagnosis', (b) => { b.diagnoses[0].main = false }, 'E_MAIN_DIAGNOSIS', 'diagnoses'],
  ['procedures a string', (b) => { b.procedures = '88.4101' }, 'E_FIELD_TYPE', 'procedures'],
  ['procedures[1].code unknown', (b) => { b.procedures[1].code = '00.0000' }, 'E_UNKNOWN_PROCEDURE', 'procedures[1].code'],
  ['procedures[0].code a number', (b) => { b.procedures[0].code = 88.41 }, 'E_FIELD_TYPE', 'procedures[0].code'],
  ['two main procedures', (b) => { b.procedures[1].main = true }, 'E_MAIN_PROCEDURE', 'procedures'],
  ['fees missing', (b) => { delete b.fees }, 'E_FIELD_MISSING', 'fees'],
  ['fees empty', (b) => { b.fees = [] }, 'E_FIELD_FORMAT', 'fees'],
  ['fees[2] null', (b) => { b.fees[2] = null }, 'E_FIELD_TYPE', 'fees[2]'],
  ['fees[1].feedetl_sn missing', (b) => { delete b.fees[1].feedetl_sn }, 'E_FIELD_MISSING', 'fees[1].feedetl_sn'],
  ['fees[1].feedetl_sn a number', (b) => { b.fees[1].feedetl_sn = 2 }, 'E_FIELD_TYPE', 'fees[1].feedetl_sn'],
  ['fees[2].feedetl_sn repeats', (b) => { b.fees[2].feedetl_sn = '1' }, 'E_DUPLICATE_FEEDETL_SN', 'fees[2].feedetl_sn'],
  ['fees[0].code missing', (b) => { delete b.fees[0].code }, 'E_FIELD_MISSING', 'fees[0].code'],
  ['fees[0].qty a string', (b) => { b.fees[0].qty = '2' }, 'E_FIELD_TYPE', 'fees[0].qty'],
  ['fees[0].qty zero', (b) => { b.fees[0].qty = 0 }, 'E_FIELD_FORMAT', 'fees[0].qty'],
  ['fees[0].qty 5 decimals', (b) => { b.fees[0].qty = 2.00001 }, 'E_FIELD_FORMAT', 'fees[0].qty'],
  ['fees[1].price missing', (b) => { delete b.fees[1].price }, 'E_FIELD_MISSING', 'fees[1].price'],
  ['fees[1].price 3 decimals', (b) => { b.fees[1].price = 4.521 }, 'E_MONEY_FORMAT', 'fees[1].price'],
  ['fees[1].price negative', (b) => { b.fees[1].price = -4.52 }, 'E_MONEY_FORMAT', 'fees[1].price'],
  ['fees[1].price a string', (b) => { b.fees[1].price = '4.52' }, 'E_MONEY_FORMAT', 'fees[1].price'],
  ['fees[2].amount above 10^10', (b) => { b.fees[2].amount = 2e10 }, 'E_MONEY_FORMAT', 'fees[2].amount'],
  ['fees[2].amount not qty × price', (b) => { b.fees[2].amount = 4.51 }, 'E_AMOUNT_MISMATCH', 'fees[2].amount'],
  // SPEC §1 strict input (#20 items 10, 11, 13): the CLI and the pool have no route schema, so validation refuses them
  ['fees[1].price 600000.125 (the old tolerance took it as 60,000,013 fen)', (b) => { b.fees[1].price = 600000.125 }, 'E_MONEY_FORMAT', 'fees[1].price'],
  ['fees[1].price 12.3400001', (b) => { b.fees[1].price = 12.3400001 }, 'E_MONEY_FORMAT', 'fees[1].price'],
  ['an unknown top-level key', (b) => { b.remark = 'x' }, 'E_UNKNOWN_FIELD', 'remark'],
  ['a "constructor" key', (b) => { Object.defineProperty(b, 'constructor', { value: {}, enumerable: true }) }, 'E_UNKNOWN_FIELD', 'constructor'],
  ['an unknown key in a fee line', (b) => { b.fees[1].memo = 1 }, 'E_UNKNOWN_FIELD', 'fees[1].memo'],
  ['an unknown key in a diagnosis', (b) => { b.diagnoses[0].name = '肺炎' }, 'E_UNKNOWN_FIELD', 'diagnoses[0].name'],
  ['begndate 0000-01-01', (b) => { b.begndate = '0000-01-01' }, 'E_FIELD_FORMAT', 'begndate'],
  ['begndate 1899-12-31 (the day before the first day)', (b) => { b.begndate = '1899-12-31' }, 'E_FIELD_FORMAT', 'begndate'],
  ['enddate 9999-12-31', (b) => { b.enddate = '9999-12-31' }, 'E_FIELD_FORMAT', 'enddate'],
  ['a stay of 1,102 days (2023-08-26 … 2026-09-01; default max_stay_days 1,100)', (b) => { b.begndate = '2023-08-26'; b.enddate = '2026-09-01' }, 'E_FIELD_FORMAT', 'enddate'],
]

describe('validation names each malformed field', () => {
  it.each(CASES)('%s', (_what, malform, code, field) => {
    const body = good()
    expect(parseClaim(body, TABLES).status).toBe('ok')
    malform(body)
    const o = parseClaim(body, TABLES)
    expect(o.status).toBe('rejected')
    if (o.status !== 'rejected') return
    expect(o.reasons).toContainEqual(expect.objectContaining({ code, field }))
    // a single malformed field gives a single reason, with a message
    expect(o.reasons).toHaveLength(1)
    expect(o.reasons[0]?.message).toBeTruthy()
  })

  it('dates: 1900-01-01 and the day after today are accepted, the day after that is not (the server clock)', () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
    const at = (begndate: string, enddate: string) => parseClaim({ ...good(), begndate, enddate }, TABLES, { maxStayDays: 100_000 })
    expect(at('1900-01-01', '1900-01-02').status).toBe('ok')
    expect(at(day(0), day(1)).status).toBe('ok')
    expect(at(day(0), day(2))).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_FIELD_FORMAT', field: 'enddate' }] })
  })

  it('a stay of exactly max_stay_days is accepted, one day more is refused; the policy sets the limit', () => {
    // 2026-01-01 … 2026-01-31 is 30 days
    const stay = { ...good(), begndate: '2026-01-01', enddate: '2026-01-31' }
    expect(parseClaim(stay, TABLES, { maxStayDays: 30 }).status).toBe('ok')
    expect(parseClaim(stay, TABLES, { maxStayDays: 29 })).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_FIELD_FORMAT', field: 'enddate' }] })
    // 2023-09-02 … 2026-09-06: 1,100 days, the default
    expect(parseClaim({ ...good(), begndate: '2023-09-02', enddate: '2026-09-06' }, TABLES).status).toBe('ok')
  })

  it('a body that is not an object is E_BAD_JSON', () => {
    for (const v of [null, 3, 'x', [], true]) {
      expect(parseClaim(v, TABLES)).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_BAD_JSON', field: '' }] })
    }
  })

  it('collects every reason, not just the first, and keeps the msgid', () => {
    const b = good()
    delete b.psn_no
    b.fees[0].amount = 999
    b.diagnoses[0].code = 'Z99.999'
    const o = parseClaim(b, TABLES)
    expect(o.status === 'rejected' && o.msgid).toBe(b.msgid)
    expect(o.status === 'rejected' && o.reasons.map((r) => `${r.code} ${r.field}`).sort()).toEqual([
      'E_AMOUNT_MISMATCH fees[0].amount', 'E_FIELD_MISSING psn_no', 'E_UNKNOWN_DIAGNOSIS diagnoses[0].code',
    ])
  })

  it('the contract\'s mismatch: amount 999 for 10 × 20 names fees[0].amount', () => {
    const b = claim({ fees: [fee(C.JIA, 10, 20)] }) as Body
    b.fees[0].amount = 999.0
    expect(adjudicate(b, ctx())).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_AMOUNT_MISMATCH', field: 'fees[0].amount' }] })
  })
})

describe('parsing', () => {
  it('upper-cases codes, puts the main procedure first and reads the dates', () => {
    const b = good()
    b.diagnoses = [{ code: 'e11.900' }, { code: 'i10.x00', main: true }]
    b.procedures = [{ code: '99.2501' }, { code: '88.4101', main: true }]
    const o = parseClaim(b, TABLES)
    expect(o.status).toBe('ok')
    if (o.status !== 'ok') return
    expect(o.claim).toMatchObject({
      mainDx: 'I10.X00', otherDx: ['E11.900'], procedures: ['88.4101', '99.2501'], inpatient: true, year: 2026,
      month: '2026-09', referralFrom: null, useAccount: false, totalFen: 2000 + 452 + 450, insutype: '390', psnNo: P.RESIDENT,
    })
  })

  it('med_type 11 and 14 are outpatient, 2x inpatient', () => {
    for (const [m, inpatient] of [['11', false], ['14', false], ['21', true], ['22', true]] as const) {
      const o = parseClaim({ ...good(), med_type: m }, TABLES)
      expect(o.status === 'ok' && o.claim.inpatient).toBe(inpatient)
    }
  })

  it('a claim with no procedures key is valid', () => {
    const b = good()
    delete b.procedures
    expect(parseClaim(b, TABLES).status).toBe('ok')
  })
})

describe('never throws', () => {
  it('arbitrary JSON is a rejection, not an exception', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const o = adjudicate(v, ctx())
      expect(o.status).toBe('rejected')
    }), { numRuns: 500 })
  })

  it('a valid claim with any field replaced by arbitrary JSON is an outcome, not an exception', () => {
    const paths = ['msgid', 'fixmedins_code', 'psn_no', 'insutype', 'mdtrt_id', 'med_type', 'begndate', 'enddate', 'dscg_way',
      'referral_from', 'acct_used_flag', 'diagnoses', 'procedures', 'fees', 'diagnoses.0', 'diagnoses.0.code', 'diagnoses.0.main',
      'procedures.0', 'procedures.0.code', 'fees.0', 'fees.0.feedetl_sn', 'fees.0.code', 'fees.0.qty', 'fees.0.price', 'fees.0.amount']
    fc.assert(fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
      const b = good()
      const keys = path.split('.')
      let o = b as Record<string, unknown>
      for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>
      o[keys[keys.length - 1] as string] = value
      const out = adjudicate(b, ctx())
      expect(['ok', 'rejected']).toContain(out.status)
      if (out.status === 'rejected') expect(out.reasons.length).toBeGreaterThan(0)
    }), { numRuns: 1000 })
  })
})
