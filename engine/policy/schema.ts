// The policy file's JSON Schema (SPEC §4, §9), written with typebox so the TypeScript type follows the schema.
// Unknown keys are errors (additionalProperties: false everywhere); ranges are checked; validate.ts names the path.
import Type from 'typebox'
import { DIP_DEFAULTS } from './dip-defaults.js'

const Ratio = Type.Number({ minimum: 0, maximum: 1 })
const Yuan = Type.Number({ minimum: 0, maximum: 1e10 })
const strict = { additionalProperties: false } as const

/** A value per hospital level "1", "2", "3". */
const ByLevel = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Object({ '1': t, '2': t, '3': t }, strict)

const BasicInsutype = Type.Object({
  /** 起付线 per hospital level. */
  deductible_yuan: ByLevel(Yuan),
  /** Deductible factor for the 1st, 2nd, … admission of the year; the last applies to every later one. */
  nth_admission_deductible_factor: Type.Array(Type.Number({ minimum: 0, maximum: 10 }), { minItems: 1 }),
  /** 报销比例 by person kind × level. */
  ratio: Type.Object({
    in_service: Type.Optional(ByLevel(Ratio)),
    retired: Type.Optional(ByLevel(Ratio)),
    resident: Type.Optional(ByLevel(Ratio)),
  }, strict),
  /** 封顶线 of the basic fund per year. */
  annual_cap_yuan: Yuan,
}, strict)

const OutpatientRule = Type.Object({
  /** Outpatient deductible per year (accumulated over the year's visits), by level. */
  deductible_yuan: ByLevel(Yuan),
  ratio: Type.Object({
    in_service: Type.Optional(ByLevel(Ratio)),
    retired: Type.Optional(ByLevel(Ratio)),
    resident: Type.Optional(ByLevel(Ratio)),
  }, strict),
  annual_cap_yuan: Yuan,
}, strict)

/** One 门诊慢特病 of the policy: its main-diagnosis prefixes and its own annual cap of the basic fund. */
const ChronicDisease = Type.Object({
  code: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  /** A claim's main diagnosis (upper-case) starting with one of these is this disease. */
  dx_prefixes: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  annual_cap_yuan: Yuan,
}, strict)

const OutpatientMedType = Type.Object({
  '310': Type.Optional(OutpatientRule),
  '390': Type.Optional(OutpatientRule),
}, strict)

const SeriousIllness = Type.Object({
  fund_pay_type: Type.String({ pattern: '^[0-9]{6}$' }),
  deductible_yuan: Yuan,
  tiers: Type.Array(Type.Object({ above_yuan: Yuan, ratio: Ratio }, strict), { minItems: 1 }),
  annual_cap_yuan: Yuan,
  /** seed 004: 脱贫人口 大病 deductible −50 %, ratio +5 points, no cap. */
  poverty: Type.Optional(Type.Object({
    deductible_factor: Type.Number({ minimum: 0, maximum: 1 }),
    ratio_add: Type.Number({ minimum: 0, maximum: 1 }),
    no_cap: Type.Boolean(),
  }, strict)),
}, strict)

/** A 辅助目录 type coefficient (the type's mean cost ÷ the group's). */
const AuxCoef = Type.Number({ exclusiveMinimum: 0, maximum: 10 })
/** 离院方式 code (national: 1 医嘱离院, 2 医嘱转院, 3 医嘱转社区, 4 非医嘱离院, 5 死亡, 9 其他). */
const DscgWay = Type.String({ pattern: '^[0-9A-Za-z]{1,3}$' })

const Dip = Type.Object({
  scale: Type.Number({ exclusiveMinimum: 0, maximum: 100000 }),
  region_avg_cost_yuan: Type.Number({ exclusiveMinimum: 0, maximum: 1e8 }),
  /** Cases a group needs to be core when scores are derived from history (SPEC §2). */
  min_cases: Type.Integer({ minimum: 1, maximum: 100000 }),
  low: Type.Number({ minimum: 0, maximum: 1 }),
  high: Type.Number({ minimum: 1, maximum: 100 }),
  review: Type.Number({ minimum: 1, maximum: 1000 }),
  /** Whether a cost exactly at low × avg (high × avg, review × avg) is already outside the normal band. */
  bounds_inclusive: Type.Boolean(),
  /** 特例单议 candidates per hospital per month, in ‰ of its discharges. */
  review_quota_permille: Type.Number({ minimum: 0, maximum: 1000 }),
  /** … but at least this many (SPEC §5: max(review_quota_min, ⌊n × ‰⌋); default 1). */
  review_quota_min: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 1 })),
  hospital_coefficients: Type.Boolean(),
  /** 中蒙医 bonus coefficient on the tcm_groups at tcm hospitals (seed 001). */
  tcm_bonus: Type.Number({ minimum: 0, maximum: 10 }),
  tcm_groups: Type.Array(Type.String({ minLength: 1 })),
  /** 基层病种: same score at every level, no hospital coefficient. */
  primary_groups: Type.Array(Type.String({ minLength: 1 })),
  /** Per-diem (床日) groups: group code → points per day. */
  per_diem_points: Type.Record(Type.String({ minLength: 1 }), Type.Number({ minimum: 0, maximum: 1e6 })),
  /** Readmission (same 3-char category) within this many days is flagged (split admission, 分解住院). */
  readmission_days: Type.Integer({ minimum: 0, maximum: 365 }),
  /** Procedures with these prefixes do not count for grouping (e.g. routine diagnostics). */
  ignored_procedure_prefixes: Type.Array(Type.String({ minLength: 1 })),
  /** 低标入院: cost below this fraction of the group's average … */
  low_standard_cost_ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: DIP_DEFAULTS.low_standard_cost_ratio })),
  /** … with a stay of at most this many days. */
  low_standard_max_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, default: DIP_DEFAULTS.low_standard_max_days })),
  /** Stay beyond this multiple of the group's average days is flagged. */
  long_stay_multiple: Type.Optional(Type.Number({ minimum: 1, maximum: 100, default: DIP_DEFAULTS.long_stay_multiple })),
  /**
   * 床日 by kind of stay (SPEC §5, seed 004): kind → main-diagnosis prefixes, optional procedure prefixes (the stay needs
   * one of them) and points per bed day by hospital level. Such a stay earns days × points × hospital coefficient.
   */
  per_diem: Type.Optional(Type.Record(Type.String({ minLength: 1, pattern: '^[a-z0-9_]+$' }), Type.Object({
    main_dx_prefixes: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    procedure_prefixes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    points_per_day: ByLevel(Type.Number({ minimum: 0, maximum: 1e6 })),
  }, strict))),
  /** 辅助目录 (SPEC §5): severity, tumour and age types of a core case; the highest applicable coefficient wins. */
  auxiliary: Type.Optional(Type.Object({
    /** Charlson index bands of the secondary diagnoses, ascending by min; a case takes the highest band it reaches. */
    cci_levels: Type.Optional(Type.Array(Type.Object({ min: Type.Integer({ minimum: 0, maximum: 100 }), coef: AuxCoef }, strict), { minItems: 1 })),
    /** Malignant main diagnosis (C00–C97) with metastasis (secondary C77–C79), radiotherapy (92.2x), chemotherapy (99.25). */
    tumour: Type.Optional(Type.Object({
      metastasis: Type.Optional(AuxCoef), radiotherapy: Type.Optional(AuxCoef), chemotherapy: Type.Optional(AuxCoef),
    }, strict)),
    /** Age at admission from the person's brdy; each band names one bound, inclusive (age ≤ max, age ≥ min). */
    age_bands: Type.Optional(Type.Array(Type.Object({
      max_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 366 })),
      max_years: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
      min_years: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
      coef: AuxCoef,
    }, strict), { minItems: 1 })),
    /** Cases a type needs in a group's history for its coefficient to be derived (default: dip.min_cases). */
    min_cases: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  }, strict)),
  /** Incomplete stays (death, transfer): points × min(1, c / a) for these 离院方式 (dscg_way). */
  incomplete: Type.Optional(Type.Object({ dscg_ways: Type.Array(DscgWay, { minItems: 1 }) }, strict)),
  /** Ungroupable cases earn c ÷ region average × scale × this factor (flagged for review); absent: no points. */
  ungroupable_factor: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
  /** Supervision scores (违规行为监管辅助目录): the 离院方式 that count as an in-hospital death. */
  supervision: Type.Optional(Type.Object({ death_dscg_ways: Type.Array(DscgWay, { minItems: 1 }) }, strict)),
  /** SPEC §1: a claim whose stay is longer than this many days is refused (default 1,100). */
  max_stay_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 36500 })),
}, strict)

const MonthEnd = Type.Object({
  /** 预结算比例: share of the payable paid now; the rest is withheld as quality deposit. */
  presettle_ratio: Ratio,
  /**
   * A fixed reimbursement ratio per pool for the point value; when absent (per pool) the month's actual ratio
   * Σ hifp_pay ÷ Σ medfee_sumamt of its DIP discharges is used (SPEC §6).
   */
  reimbursement_ratio: Type.Optional(Type.Object({
    '310': Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    '390': Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  }, strict)),
  /** A closed run's payment due date: this many working days (on `calendar`) after the close (seed 001: 20). */
  payment_due_working_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 366 })),
}, strict)

const IsoDate = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' })

/** The region's working calendar: public holidays, and the weekend days that are worked (调休). */
const Calendar = Type.Object({
  holidays: Type.Array(IsoDate),
  working_weekend_days: Type.Array(IsoDate),
}, strict)

/** 年度清算 (seed 001, 004): 结余留用 and 合理超支分担 bands, quality deposit release, 周转金. */
export const AnnualClearing = Type.Object({
  /** Surplus (fund paid less than the DIP amount) as a fraction of the DIP amount: bands of how much the hospital keeps. */
  surplus_bands: Type.Array(Type.Object({ up_to_ratio: Type.Number({ minimum: 0, maximum: 10 }), keep_share: Ratio }, strict)),
  /** Overspend as a fraction of the DIP amount: bands of how much of it the fund shares. */
  overspend_bands: Type.Array(Type.Object({ up_to_ratio: Type.Number({ minimum: 0, maximum: 10 }), fund_share: Ratio }, strict)),
  /** Quality score (0–100) at or above which the withheld deposit is released in full. */
  quality_release_min_score: Type.Number({ minimum: 0, maximum: 100 }),
  /** Start-of-year 周转金 advance as months of the prior year's average monthly payout. */
  turnover_advance_months: Type.Number({ minimum: 0, maximum: 12 }),
}, strict)

/** Fund pooling (seeds 000, 003): 调剂金 and the shortfall rule. */
export const FundPooling = Type.Object({
  /** Share of each city's prior-year fund income paid into the 调剂金. */
  adjustment_contribution_ratio: Ratio,
  /** Distribution weights of the 调剂金 (should sum to 1). */
  adjustment_weights: Type.Object({ insured: Ratio, collection_rate: Ratio, performance: Ratio }, strict),
  /** 归集基金 sizing: months of payments per pool (Taizhou: 3 months 职工, 1 month 居民). */
  reserve_months: Type.Object({ '310': Type.Number({ minimum: 0, maximum: 24 }), '390': Type.Number({ minimum: 0, maximum: 24 }) }, strict),
  /** Shortfall beyond surplus: 归集基金 share while it lasts (rest local finance), e.g. 0.5 for 50/50. */
  reserve_share_while_available: Ratio,
  /** When the 归集基金 is exhausted: city share (rest local finance), e.g. 0.2 for 2:8. */
  city_share_after_reserve: Ratio,
}, strict)

export const PolicySchema = Type.Object({
  region: Type.String({ minLength: 1 }),
  effective_from: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  version: Type.Optional(Type.String()),
  basic: Type.Object({ '310': BasicInsutype, '390': BasicInsutype }, strict),
  catalogue: Type.Object({
    /** 乙类 先行自付 proportion when the item gives none. */
    default_selfpay_prop: Ratio,
    /** seed 001: 甲类 diagnosis-and-treatment items above this unit price are fully in scope. */
    jia_item_full_scope_above_yuan: Yuan,
  }, strict),
  outpatient: Type.Optional(Type.Object({
    '11': Type.Optional(OutpatientMedType), '14': Type.Optional(OutpatientMedType),
    /** 门诊慢特病 (med_type 14, SPEC §3): the eligible diseases; a claim whose main diagnosis matches none is refused. */
    chronic_diseases: Type.Optional(Type.Array(ChronicDisease, { minItems: 1 })),
  }, strict)),
  serious_illness: Type.Object({ '310': SeriousIllness, '390': SeriousIllness }, strict),
  assistance: Type.Object({
    ratio: Ratio,
    annual_cap_yuan: Yuan,
  }, strict),
  alliance: Type.Object({
    /** SPEC §3: the one switch of alliance merging (referral within this many days); null switches merging off. */
    merge_gap_days: Type.Union([Type.Integer({ minimum: 0, maximum: 365 }), Type.Null()]),
    primary_uses_level2_catalogue: Type.Boolean(),
    settle_as_one: Type.Boolean(),
    /** How an episode's one DIP case's points go to its stays (SPEC §5): by cost (default) or all to the last stay. */
    episode_points: Type.Optional(Type.Union([Type.Literal('split_by_cost'), Type.Literal('last_stay')], { default: 'split_by_cost' })),
  }, strict),
  dip: Dip,
  month_end: MonthEnd,
  annual_clearing: Type.Optional(AnnualClearing),
  fund_pooling: Type.Optional(FundPooling),
  calendar: Type.Optional(Calendar),
}, strict)
