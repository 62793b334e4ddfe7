// The catalogue of reason codes (stable: never renamed, only added). E_… rejects a claim (nothing is recorded);
// L_… describes a fee line's outcome; F_… is a DIP monitoring flag. Messages are defaults; a Reason may carry a
// more specific one.

export const REJECTIONS = {
  E_BAD_JSON: 'the line is not a JSON object',
  E_FIELD_MISSING: 'a required field is missing',
  E_FIELD_TYPE: 'the field has the wrong type',
  E_FIELD_FORMAT: 'the field is not in the required format',
  E_MONEY_FORMAT: 'money must be a number of yuan with at most 2 decimals, not negative, at most 10^10',
  E_AMOUNT_MISMATCH: 'amount is not qty × price to the fen',
  E_DATE_ORDER: 'enddate is before begndate',
  E_MAIN_DIAGNOSIS: 'exactly one diagnosis must be marked main',
  E_MAIN_PROCEDURE: 'at most one procedure may be marked main',
  E_UNKNOWN_DIAGNOSIS: 'diagnosis code is not in the ICD-10 医保版 list',
  E_UNKNOWN_PROCEDURE: 'procedure code is not in the ICD-9-CM-3 医保版 list',
  E_UNKNOWN_HOSPITAL: 'fixmedins_code is not a designated hospital of this region',
  E_UNKNOWN_PERSON: 'psn_no is not an insured person of this region',
  E_INSUTYPE_MISMATCH: 'insutype differs from the person\'s insurance type',
  E_MED_TYPE_UNSUPPORTED: 'med_type is not supported',
  E_NO_OUTPATIENT_POLICY: 'the policy has no outpatient rule for this med_type and insutype',
  E_DUPLICATE_FEEDETL_SN: 'feedetl_sn repeats within the claim',
  E_MSGID_HOSPITAL: 'msgid must start with the claim\'s fixmedins_code',
  E_MDTRT_SETTLED: 'this mdtrt_id already has a settlement that is not reversed',
  E_REFERRAL_UNKNOWN: 'referral_from names no settled stay of this person',
  E_MSGID_CONFLICT: 'msgid was already used with another body',
  E_UNKNOWN_SETTLEMENT: 'setl_id is not in the ledger',
  E_ALREADY_REVERSED: 'the settlement was already reversed',
  E_NOT_REVERSIBLE: 'a reversal cannot itself be reversed',
  E_FAILED: 'the claim could not be processed (worker failure); it was not recorded',
  E_NO_BASIC_RATIO: 'the policy has no reimbursement ratio for this insutype, person kind and hospital level',
  E_UNKNOWN_FIELD: 'the key is not part of this request',
  E_CHRONIC_DISEASE: 'the main diagnosis is not an eligible 门诊慢特病 of the policy',
  E_MONITORING_BLOCKED: 'a 智能监控 rule of severity block refuses the claim (SPEC §14)',
  E_UNKNOWN_INSURING_REGION: 'the person\'s insuring region (insuplc_admdvs) has no policy in the tables (other-regions/)',
} as const

export const LINE_OUTCOMES = {
  L_NOT_IN_CATALOGUE: 'not in the medical-service catalogue: 全自费',
  L_CLASS_C: '丙类: 全自费',
  L_OVER_PRICE_CAP: 'unit price above the 最高限价: the excess is 超限价自付',
  L_SELFPAY_PROP: '乙类: 先行自付 proportion applied',
  L_LEVEL_RESTRICTED: 'restricted to higher hospital levels: 全自费',
  L_DX_RESTRICTED: 'restricted to a diagnosis the claim does not have: 全自费',
  L_JIA_HIGH_PRICE_FULL_SCOPE: '甲类 item at or above the policy price: fully in scope (seed 001)',
  L_ALLIANCE_LEVEL2_CATALOGUE: 'alliance primary institution: level-2 catalogue applied (seed 001)',
} as const

export const DIP_FLAGS = {
  F_READMISSION: 'readmission for the same category within the window (possible 分解住院)',
  F_LOW_STANDARD_ADMISSION: 'cost far below the group average with a short stay (低标入院)',
  F_LONG_STAY: 'stay far beyond the group\'s average days',
  F_REVIEW_CANDIDATE: 'cost above the review threshold: 特例单议 candidate',
  F_UNGROUPABLE: 'no DIP group fits: listed for review',
  F_INCOMPLETE_STAY: 'stay ended in death or transfer (dip.incomplete): points × min(1, cost ÷ average)',
  F_IN_HOSPITAL_DEATH: 'in-hospital death (dip.supervision.death_dscg_ways): counted in the supervision scores',
} as const

export type RejectionCode = keyof typeof REJECTIONS
export type LineOutcomeCode = keyof typeof LINE_OUTCOMES
export type DipFlagCode = keyof typeof DIP_FLAGS

/** A rejection reason: code, the JSON path of the field (e.g. `fees[3].code`), message. */
export interface Reason {
  readonly code: RejectionCode
  readonly field: string
  readonly message: string
}

export interface LineReason {
  readonly code: LineOutcomeCode
  readonly message: string
}

export function reason(code: RejectionCode, field: string, message?: string): Reason {
  return { code, field, message: message ?? REJECTIONS[code] }
}

/** One frozen reason per line outcome: a line's reasons are the catalogue's, so they are shared, not built per line. */
const LINE_REASONS = Object.fromEntries(
  (Object.keys(LINE_OUTCOMES) as LineOutcomeCode[]).map((code) => [code, Object.freeze({ code, message: LINE_OUTCOMES[code] })]),
) as Readonly<Record<LineOutcomeCode, LineReason>>

export function lineReason(code: LineOutcomeCode): LineReason {
  return LINE_REASONS[code]
}
