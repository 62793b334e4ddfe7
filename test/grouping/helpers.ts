// Small hand-built Tables and claims for grouping tests (independent of the built demo tables).
import type { Claim } from '../../engine/claim.js'
import { dayNumber } from '../../engine/claim.js'
import type { AdjudicationContext } from '../../engine/adjudicate/types.js'
import { EMPTY_HISTORY, type History, type StayRecord } from '../../engine/history.js'
import type { Policy } from '../../engine/policy/types.js'
import type { CompositeKind, DipGroup, DipGroupKind, Hospital, ProcedureKind, Tables } from '../../engine/tables/types.js'
import { scoreToMicro, yuanToFen } from '../../engine/money.js'
import { specPolicyDoc } from '../fixtures/spec-policy.js'

/** SPEC §9's demo policy (dip section: low 0.5, high 2, review 5, exclusive bounds, scale 1000). */
export function testPolicy(dip: Partial<Policy['dip']> = {}): Policy {
  const doc = specPolicyDoc()
  return { ...doc, region: 'test', dip: { ...doc.dip, ...dip } }
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
    avgCostFen: yuanToFen(avgYuan), avgCostMicro: Math.round(avgYuan * 1e6), cases: 100, avgIptDays: opts.days ?? 8,
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
    outpatientVisits: EMPTY_HISTORY.outpatientVisits,
    episodeDeductibleFen: EMPTY_HISTORY.episodeDeductibleFen,
    accountNetFen: EMPTY_HISTORY.accountNetFen,
  }
}

export function stay(id: string, begn: string, end: string, dxCategory: string, o: Partial<StayRecord> = {}): StayRecord {
  return {
    mdtrt_id: id, setl_id: `S${id}`, psn_no: 'P1', fixmedins_code: 'H1', alliance_id: null, level: 3,
    begn_day: dayNumber(begn) as number, end_day: dayNumber(end) as number, episode_id: id, episode_n: 1,
    episode_dedc_fen: 0, dx_category: dxCategory, year: 2026, ...o,
  }
}
