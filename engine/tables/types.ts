// The lookup tables, as loaded into memory once per process/worker (SPEC §2). Built by grouper-data/build.ts,
// loaded by engine/tables/load.ts. Codes are held upper-case (the lists mix `x` and `X`: match case-insensitively).

import type { Policy } from '../policy/types.js'
import type { PersonsLookup } from '../persons/lookup.js'

export type HospitalLevel = 1 | 2 | 3
export type Insutype = '310' | '390'
export type PsnKind = 'in_service' | 'retired' | 'resident'
/** Procedure kind for composite grouping: 手术 / 治疗性操作 / 诊断性操作. */
export type ProcedureKind = 'surgery' | 'therapeutic' | 'diagnostic'
/** 甲类 01, 乙类 02, 丙类 03. */
export type ChrgitmLv = '01' | '02' | '03'
export type DipGroupKind = 'core' | 'composite' | 'primary' | 'per_diem'
/** Composite (综合) group suffixes, highest rank first: 相关手术 > 治疗性操作 > 诊断性操作 > 保守治疗. */
export type CompositeKind = 'SS' | 'ZLXCZ' | 'ZDXCZ' | 'BSZL'

export interface CatalogueItem {
  readonly code: string
  readonly name: string
  /** 101 西药, 102 中成药, 103 中药饮片/民族药, 201 诊疗项目, 301 医用耗材 (national list_type). */
  readonly listType: string
  readonly chrgitmLv: ChrgitmLv
  /** 最高限价 per unit, fen; null = none. */
  readonly priceCapFen: number | null
  /** 乙类 先行自付 proportion as ppm; null = the policy's default. */
  readonly selfpayPropPpm: number | null
  /** Lowest hospital level allowed to bill it in scope; null = any. */
  readonly minHospLv: HospitalLevel | null
  /** 限定支付范围: the main diagnosis must start with this prefix (upper-case); null = none. */
  readonly dxPrefix: string | null
  /** 集采 (volume-based procurement) item. */
  readonly vbp: boolean
  /** A typical unit price in fen (catalogue.csv `price_yuan`, for synthetic claims); null/absent when not given. */
  readonly refPriceFen?: number | null
  /** 集采 item: the unit price before 集采 (catalogue.csv `pre_vbp_price_yuan`), fen — the 集采 saving's reference. */
  readonly preVbpPriceFen?: number
}

export interface DipGroup {
  readonly groupCode: string
  readonly kind: DipGroupKind
  /** Core: the 亚目 (e.g. `I63.9`); composite: the 3-character category (`E11`); upper-case. */
  readonly mainDx: string
  /** Upper-case procedure codes; empty for a dx-only (conservative) core group. */
  readonly mainOp: string | null
  readonly otherOps: readonly string[]
  /** Average cost rounded to the fen (money shown); never what c / a divides by. */
  readonly avgCostFen: number
  /** Average cost in micro-yuan, exactly as the catalogue publishes it (6 decimals): the `a` of c / a (SPEC §5). */
  readonly avgCostMicro: number
  readonly cases: number
  /** Average stay in days (float, as given). */
  readonly avgIptDays: number
  /** Score in 1e-6 units (576.444152 → 576444152). */
  readonly scoreMicro: number
  /** For composite groups: SS | ZLXCZ | ZDXCZ | BSZL; null otherwise. */
  readonly compositeKind: CompositeKind | null
}

export interface Hospital {
  readonly code: string
  readonly name: string
  readonly city: string
  readonly level: HospitalLevel
  /** 医共体 id; null when not in a county alliance. */
  readonly allianceId: string | null
  readonly allianceLead: boolean
  /** Hospital-level DIP coefficient in 1e-6 units (1.05 → 1050000). */
  readonly dipCoefficientMicro: number
  /** 中蒙医 hospital (qualifies for the tcm bonus on the policy's tcm groups). */
  readonly tcm: boolean
}

export interface Person {
  readonly psnNo: string
  readonly insutype: Insutype
  readonly psnKind: PsnKind
  /** 脱贫/低收入 population (seed 004 tilt on 大病保险). */
  readonly poverty: boolean
  /** Eligible for 医疗救助. */
  readonly assistance: boolean
  readonly city: string
  /**
   * Personal account (个人账户) opening balance, fen (0 when not given): the balance before the ledger's first credit
   * or acct_pay (SPEC §15: opening + credits − acct_pay; engine/accounts/balance.ts).
   */
  readonly acctBalanceFen: number
  /** 职工 in service: contribution base (缴费基数), fen — the in-service monthly credit's base (SPEC §15). */
  readonly contributionBaseFen?: number
  /** 签约 primary institution (SPEC §15 per-capita); absent when the person signed with none. */
  readonly contractFixmedins?: string
  /** Birth date YYYY-MM-DD (辅助目录 age bands); null when persons.csv does not give it. */
  readonly brdy: string | null
  /** Sex, '1' male / '2' female (SPEC §14 monitoring: M_SEX_AGE); null or absent when persons.csv does not give it. */
  readonly gend?: '1' | '2' | null
  /** 参保地 admdvs of a visitor (异地就医, SPEC §13); null or absent = insured in this region. */
  readonly insuplcAdmdvs?: string | null
}

/** A Charlson comorbidity condition (辅助目录, SPEC §5; grouper-data/auxiliary/charlson-quan-2005.csv). */
export interface CharlsonCondition {
  readonly condition: string
  readonly name: string
  readonly weight: number
  /** Upper-case ICD-10 prefixes: a secondary diagnosis starting with one of them has the condition. */
  readonly icd10Prefixes: readonly string[]
  /** The condition this one replaces when both are present (metastatic over any malignancy); null = none. */
  readonly supersedes: string | null
}

export interface TablesMeta {
  readonly builtAt: string
  readonly policyVersion: string
  readonly sourcesChecksum: string
  readonly region: string
}

export interface Tables {
  readonly meta: TablesMeta
  /** Every diagnosis code, upper-case. */
  readonly diagnoses: ReadonlySet<string>
  /** Procedure code (upper-case) → kind. */
  readonly procedures: ReadonlyMap<string, ProcedureKind>
  readonly catalogue: ReadonlyMap<string, CatalogueItem>
  /** Every DIP group by its group code (as written in the catalogue). */
  readonly dipGroups: ReadonlyMap<string, DipGroup>
  /** Core (and primary / per-diem) groups by their 亚目 main dx (upper-case). */
  readonly dipGroupsByDx: ReadonlyMap<string, readonly DipGroup[]>
  /** Composite groups by `<3-char category>:<CompositeKind>` (upper-case). */
  readonly compositeGroups: ReadonlyMap<string, DipGroup>
  readonly hospitals: ReadonlyMap<string, Hospital>
  /**
   * Insured persons, read on demand (never all in memory, SPEC §11): `get(psnNo, enddate)`. loadTables gives the
   * tables file's persons.csv copy; a command with a ledger layers the ledger's imported versions over it
   * (engine/persons/attach.ts). Hand-built tables may pass a Map.
   */
  readonly persons: PersonsLookup
  /**
   * 辅助目录: the Charlson conditions the secondary diagnoses are scored on. Always set by the loader; optional so
   * that hand-built tables (tests, benches) without a 辅助目录 stay valid — absent reads as no condition.
   */
  readonly charlson?: readonly CharlsonCondition[]
  /** 辅助目录 coefficients derived from the case history: `<GROUP CODE>|<type>` (upper-case code) → coefficient × 1e6. */
  readonly auxCoefficients?: ReadonlyMap<string, number>
  /** The policy the tables were built with (a `--policy FILE` may override it at run time). */
  readonly policy: Policy
  /** 异地就医 (SPEC §13): the insuring regions' policies by admdvs (sources other-regions/<admdvs>.json); absent = none. */
  readonly otherPolicies?: ReadonlyMap<string, Policy>
  /** The file the tables were loaded from (code names are read from it on demand: engine/tables/names.ts). */
  readonly file?: string
}
