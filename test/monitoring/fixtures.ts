// The fixture region (test/fixtures/claims.ts) with a monitoring section (SPEC §14), an obstetric diagnosis, and
// persons whose sex and birth date are known.
import type { ClaimInput } from '../../engine/claim.js'
import type { Policy } from '../../engine/policy/types.js'
import type { Person, Tables } from '../../engine/tables/types.js'
import { DIAGNOSES, makePolicy, makeTables } from '../fixtures/claims.js'

export const MONITORING = {
  M_OVERLAPPING_STAY: { label: '住院时间重叠', severity: 'warn' },
  M_OUTPATIENT_DURING_STAY: { label: '住院期间门诊结算', severity: 'warn' },
  M_QTY_PER_DAY: { label: '单日数量超限', severity: 'warn', limits: [{ name: '护理（小时）', code_prefixes: ['NURS'], max_per_day: 24 }] },
  M_SEX_AGE: {
    label: '性别年龄不符', severity: 'warn',
    checks: [{ name: '产科诊断', dx_prefixes: ['O'], gend: '2' }, { name: '儿科项目', item_prefixes: ['PED'], max_years: 14 }],
  },
  M_READMISSION: { label: '短期再入院', severity: 'warn', window_days: 30 },
  M_FEE_OUTSIDE_STAY: { label: '费用日期超出就诊期间', severity: 'warn' },
} as const

type Rules = typeof MONITORING

/** The fixture policy with the monitoring rules, each severity as given (default: warn). */
export function monitoringPolicy(severity: Partial<Record<keyof Rules, 'warn' | 'block'>> = {}, without: readonly (keyof Rules)[] = []): Policy {
  return makePolicy((p) => {
    const rules: Record<string, unknown> = {}
    for (const [code, rule] of Object.entries(MONITORING)) {
      if (without.includes(code as keyof Rules)) continue
      rules[code] = { ...rule, severity: severity[code as keyof Rules] ?? rule.severity }
    }
    Object.assign(p, { monitoring: rules })
  })
}

/** A male born 1990-05-01 and a female born 2020-03-15 (both residents); their sex and age are known. */
export const MALE = 'PM01'
export const GIRL = 'PF01'
const PEOPLE: readonly Person[] = [
  { psnNo: MALE, insutype: '390', psnKind: 'resident', poverty: false, assistance: false, city: '包头', acctBalanceFen: 0, brdy: '1990-05-01', gend: '1' },
  { psnNo: GIRL, insutype: '390', psnKind: 'resident', poverty: false, assistance: false, city: '包头', acctBalanceFen: 0, brdy: '2020-03-15', gend: '2' },
]

export function monitoringTables(policy: Policy): Tables {
  const t = makeTables(policy)
  return {
    ...t,
    diagnoses: new Set([...DIAGNOSES, 'O80.000']),
    persons: new Map([...t.persons, ...PEOPLE.map((p) => [p.psnNo, p] as const)]),
  }
}

/** The claim with fee_ocur_time set on its lines (index → time). */
export function dated(c: ClaimInput, times: Record<number, string>): ClaimInput {
  return { ...c, fees: c.fees.map((f, i) => (times[i] !== undefined ? { ...f, fee_ocur_time: times[i] } : f)) }
}
