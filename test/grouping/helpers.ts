// Small hand-built Tables and claims for grouping tests (independent of the built demo tables).
import type { Claim } from '../../engine/claim.js'
import { dayNumber } from '../../engine/claim.js'
import type { AdjudicationContext } from '../../engine/adjudicate/types.js'
import { EMPTY_HISTORY, type History, type StayRecord } from '../../engine/ledger/types.js'
import type { Policy } from '../../engine/policy/types.js'
import type { CompositeKind, DipGroup, DipGroupKind, Hospital, ProcedureKind, Tables } from '../../engine/tables/types.js'
import { scoreToMicro, yuanToFen } from '../../engine/money.js'

/** SPEC §9's demo policy (dip section: low 0.5, high 2, review 5, exclusive bounds, scale 1000). */
export function testPolicy(dip: Partial<Policy['dip']> = {}): Policy {
  return {
    region: 'test', effective_from: '2026-01-01',
    basic: {
      '310': { deductible_yuan: { '1': 300, '2': 600, '3': 900 }, nth_admission_deductible_factor: [1, 0.5, 0],
        ratio: { in_service: { '1': 0.95, '2': 0.9, '3': 0.85 }, retired: { '1': 0.97, '2': 0.92, '3': 0.88 } }, annual_cap_yuan: 300000 },
      '390': { deductible_yuan: { '1': 200, '2': 500, '3': 800 }, nth_admission_deductible_factor: [1, 1, 1],
        ratio: { resident: { '1': 0.9, '2': 0.8, '3': 0.7 } }, annual_cap_yuan: 200000 },
    },
    catalogue: { default_selfpay_prop: 0.1, jia_item_full_scope_above_yuan: 200 },
    serious_illness: {
      '310': { fund_pay_type: '330100', deductible_yuan: 20000, tiers: [{ above_yuan: 0, ratio: 0.8 }], annual_cap_yuan: 500000 },
      '390': { fund_pay_type: '390200', deductible_yuan: 15000, tiers: [{ above_yuan: 0, ratio: 0.6 }], annual_cap_yuan: 400000 },
    },
    assistance: { ratio: 0.7, annual_cap_yuan: 100000 },
    alliance: { merge_gap_days: 1, primary_uses_level2_catalogue: true, settle_as_one: true },
    dip: {
      scale: 1000, region_avg_cost_yuan: 5718.153489, min_cases: 15, low: 0.5, high: 2, review: 5, bounds_inclusive: false,
      review_quota_permille: 5, hospital_coefficients: true, tcm_bonus: 1.1, tcm_groups: [], primary_groups: [],
      per_diem_points: {}, readmission_days: 15, ignored_procedure_prefixes: [],
      ...dip,
    },
    month_end: { presettle_ratio: 0.95, reimbursement_ratio: { '310': 0.85, '390': 0.7 } },
  }
}

/** A DIP group from its code the way the catalogue writes it; score defaults to avg / 10,000 × 1000 (scale 1000). */
export function group(code: string, avgYuan: number, opts: { score?: number; kind?: DipGroupKind; days?: number } = {}): DipGroup {
  const [dx = '', ops] = code.split(':')
  const composite = ['SS', 'ZLXCZ', 'ZDXCZ', 'BSZL'].includes(ops ?? '')
  const [main, others] = composite || ops === undefined ? [null, ''] : ops.split('_')
  return {
    groupCode: code, kind: opts.kind ?? (composite ? 'composite' : 'core'), mainDx: dx.toUpperCase(),
    mainOp: main ? main.toUpperCase() : null,
    otherOps: others ? others.split('+').map((o) => o.toUpperCase()) : [],
    avgCostFen: yuanToFen(avgYuan), cases: 100, avgIptDays: opts.days ?? 8,
    scoreMicro: scoreToMicro(opts.score ?? avgYuan / 10), compositeKind: composite ? (ops as CompositeKind) : null,
  }
}

export function hospital(code: string, o: Partial<Hospital> = {}): Hospital {
  return { code, name: code, city: 'T', level: 3, allianceId: null, allianceLead: false, dipCoefficientMicro: 1_000_000, tcm: false, ...o }
}

export function tables(groups: DipGroup[], o: { procedures?: Record<string, ProcedureKind>; hospitals?: Hospital[] } = {}): Tables {
  const byDx = new Map<string, DipGroup[]>()
  const compositeGroups = new Map<string, DipGroup>()
  for (const g of groups) {
    if (g.compositeKind) compositeGroups.set(`${g.mainDx}:${g.compositeKind}`, g)
    else byDx.set(g.mainDx, [...(byDx.get(g.mainDx) ?? []), g])
  }
  const hs = o.hospitals ?? [hospital('H1')]
  return {
    meta: { builtAt: '', policyVersion: '', sourcesChecksum: '', region: 'test' },
    diagnoses: new Set(), procedures: new Map(Object.entries(o.procedures ?? {})), catalogue: new Map(),
    dipGroups: new Map(groups.map((g) => [g.groupCode, g])), dipGroupsByDx: byDx, compositeGroups,
    hospitals: new Map(hs.map((h) => [h.code, h])), persons: new Map(), policy: testPolicy(),
  }
}

export function ctx(t: Tables, policy: Policy = testPolicy(), history: History = EMPTY_HISTORY): AdjudicationContext {
  return { tables: t, policy, history }
}

/** A parsed inpatient claim: dx, procedures, total cost in yuan, dates. */
export function claim(dx: string, procedures: string[], totalYuan: number, o: Partial<Claim> & { begn?: string; end?: string } = {}): Claim {
  const begndate = o.begn ?? '2026-10-01'
  const enddate = o.end ?? '2026-10-09'
  const { begn: _b, end: _e, ...rest } = o
  return {
    msgid: 'H1202610090000000001', hospitalCode: 'H1', psnNo: 'P1', insutype: '390', mdtrtId: 'M1', medType: '21',
    inpatient: true, begnDay: dayNumber(begndate) as number, endDay: dayNumber(enddate) as number, year: 2026,
    month: enddate.slice(0, 7), begndate, enddate, dscgWay: '1', referralFrom: null, mainDx: dx.toUpperCase(), otherDx: [],
    procedures: procedures.map((p) => p.toUpperCase()), fees: [], totalFen: yuanToFen(totalYuan), useAccount: false,
    ...rest,
  }
}

/** A history holding a few settled stays. */
export function historyOf(stays: StayRecord[]): History {
  return {
    personYear: EMPTY_HISTORY.personYear,
    stay: (psn, id) => stays.find((s) => s.psn_no === psn && s.mdtrt_id === id),
    recentStays: (psn, since) => stays.filter((s) => s.psn_no === psn && s.end_day >= since).sort((a, b) => b.end_day - a.end_day),
  }
}

export function stay(id: string, begn: string, end: string, dxCategory: string, o: Partial<StayRecord> = {}): StayRecord {
  return {
    mdtrt_id: id, setl_id: `S${id}`, psn_no: 'P1', fixmedins_code: 'H1', alliance_id: null, level: 3,
    begn_day: dayNumber(begn) as number, end_day: dayNumber(end) as number, episode_id: id, episode_n: 1,
    episode_dedc_fen: 0, dx_category: dxCategory, year: 2026, ...o,
  }
}
