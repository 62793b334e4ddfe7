// The claim body (SPEC §9 Claim; engine/claim.ts ClaimInput) as a request schema. It checks shape and types only;
// what needs the tables (codes exist, amount = qty × price, dates in order …) is the engine's validation, answered as a
// 200 with `status: "rejected"` (a rejection is an answer, not a malformed request).
import { Type } from 'typebox'
import { HospitalCode, Msgid, Yuan } from './common.js'

const Code = Type.String({ minLength: 1, maxLength: 64 })
/** SPEC §1: a key outside the schema is refused, naming it (E_UNKNOWN_FIELD), in the claim and each of its objects. */
const closed = { additionalProperties: false } as const
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' })

export const FeeLine = Type.Object({
  feedetl_sn: Type.String({ minLength: 1, maxLength: 64 }),
  code: Code,
  qty: Type.Number({ exclusiveMinimum: 0, maximum: 1e7 }),
  price: Yuan,
  amount: Yuan,
  /** When the fee arose (national fee_ocur_time): SPEC §14 monitoring (fees outside the stay, quantity per day). */
  fee_ocur_time: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?$' })),
}, closed)

export const Claim = Type.Object({
  msgid: Msgid,
  fixmedins_code: HospitalCode,
  psn_no: Type.String({ minLength: 1, maxLength: 64 }),
  insutype: Type.String({ pattern: '^[0-9]{3}$' }),
  mdtrt_id: Type.String({ minLength: 1, maxLength: 64 }),
  med_type: Type.String({ pattern: '^[0-9]{2,4}$' }),
  begndate: Day,
  enddate: Day,
  dscg_way: Type.Optional(Type.String({ maxLength: 8 })),
  referral_from: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  diagnoses: Type.Array(Type.Object({ code: Code, main: Type.Optional(Type.Boolean()) }, closed), { minItems: 1, maxItems: 64 }),
  procedures: Type.Optional(Type.Array(Type.Object({ code: Code, main: Type.Optional(Type.Boolean()) }, closed), { maxItems: 64 })),
  fees: Type.Array(FeeLine, { minItems: 1, maxItems: 5000 }),
  acct_used_flag: Type.Optional(Type.String({ enum: ['0', '1'] })),
}, { ...closed, description: 'one inpatient (2304) or outpatient (2207) settlement request' })
