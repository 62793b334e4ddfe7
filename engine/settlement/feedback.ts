// 月度反馈 (seed 001: 按月向医疗机构反馈预结算分值及相关数据): what each hospital gets after a month-end run —
// its points by group, case mix, deviation cases, monitoring flags, DIP amount against the item-based total
// (gain or loss), and its trend over the year's runs; and the bureau's overview of every hospital.
// Built from the stored run (what was decided) and the ledger rows the run saw (seq ≤ the run's ledger_seq).
import { fenToYuan, PPM, pointsToJson } from '../money.js'
import type { CaseRow, ReportsPort, RunRow, SetlListGrouping } from '../ledger/reports-port.js'
import type { Policy } from '../policy/types.js'
import type { Tables } from '../tables/types.js'
import { feedbackExtras, type FeedbackExtras } from './feedback-extras.js'
import { episodeCase, liveEpisodes } from './episodes.js'
import { liveSetlLists, regroupCase, regroupEpisodeRow } from './setl-lists.js'
import { settlementUnits } from './month-end.js'
import { parsePointValue, pointsToFen, pointValueYuan6, type PointValue } from './point-value.js'
import { reportsOf, type LedgerDb, type MonthEndHospital, type MonthEndReport, type Pool } from './types.js'
import { supervisionScores, type SupervisedCase, type SupervisionScores } from '../grouping/supervision.js'

/** Cases listed one by one in a report (deviation and flag lists); counts are always complete. */
export const LISTED_CASES_MAX = 500

export interface FeedbackCase {
  readonly setl_id: string
  readonly mdtrt_id: string
  readonly fixmedins_code: string
  readonly enddate: string
  readonly dip_group_code: string | null
  readonly dip_kind: string | null
  readonly deviation: string | null
  readonly flags: readonly string[]
  readonly points: number
  readonly medfee_sumamt_yuan: number
  /** The alliance episode this stay is part of (its points are its share of the episode's one case), else null. */
  readonly episode_id: string | null
}

export interface GroupLine {
  readonly dip_group_code: string
  readonly dip_kind: string
  readonly cases: number
  readonly points: number
  readonly medfee_sumamt_yuan: number
  readonly item_fund_yuan: number
  /** Points × the month's point value. */
  readonly dip_amount_yuan: number
  /** DIP amount − item-based total (medfee): what DIP gained (+) or lost (−) on this group. */
  readonly gain_yuan: number
}

export interface TrendPoint {
  readonly month: string
  readonly status: 'draft' | 'closed'
  readonly point_value_yuan: number
  readonly points: number
  readonly discharges: number
  readonly dip_amount_yuan: number
  readonly item_total_yuan: number
  readonly payout_yuan: number
  readonly gain_yuan: number
}

export interface HospitalFeedback extends FeedbackExtras {
  readonly kind: 'hospital_feedback'
  readonly month: string
  readonly pool: Pool
  readonly status: 'draft' | 'closed'
  readonly fixmedins_code: string
  readonly name: string
  readonly city: string
  readonly level: number | null
  /** The code the hospital settles under (its alliance lead when settled as one). */
  readonly settled_as: string
  readonly point_value_yuan: number
  /** The hospital's DIP coefficient (1 when coefficients are off) and whether it qualifies for the 中蒙医 bonus. */
  readonly hospital_coefficient: number
  readonly tcm_bonus: number | null
  /** Closed runs: when the fund pays. */
  readonly payment_due_date: string | null
  /** Alliance episodes of several stays among the cases, each counted once. */
  readonly episodes: readonly { readonly episode_id: string; readonly psn_no: string; readonly stays: readonly string[]; readonly points: number; readonly medfee_sumamt_yuan: number }[]
  readonly settlement: MonthEndHospital | null
  /** Case mix index: average points per discharge ÷ the policy's scale. */
  readonly cmi: number
  readonly case_mix: readonly { readonly kind: string; readonly cases: number; readonly points: number }[]
  readonly groups: readonly GroupLine[]
  readonly deviation_counts: Readonly<Record<string, number>>
  readonly deviation_cases: readonly FeedbackCase[]
  readonly flag_counts: Readonly<Record<string, number>>
  readonly flagged_cases: readonly FeedbackCase[]
  readonly special_cases: MonthEndReport['special_cases']
  readonly trend: readonly TrendPoint[]
  readonly generated_at: string
  /** Supervision scores (SPEC §5; grouping branch): rates beside the region's, by group — see supervisionOf below. */
  readonly supervision: SupervisionScores
}

function flagsOf(c: CaseRow): string[] {
  if (!c.dip_flags) return []
  try {
    const f = JSON.parse(c.dip_flags) as unknown
    return Array.isArray(f) ? f.map(String) : []
  } catch {
    return []
  }
}

function toCase(c: CaseRow, points1e4: number, episodeId: string | null): FeedbackCase {
  return {
    setl_id: c.setl_id, mdtrt_id: c.mdtrt_id, fixmedins_code: c.fixmedins_code, enddate: c.enddate,
    dip_group_code: c.dip_group_code, dip_kind: c.dip_kind, deviation: c.dip_deviation, flags: flagsOf(c),
    points: pointsToJson(points1e4), medfee_sumamt_yuan: fenToYuan(c.medfee), episode_id: episodeId,
  }
}

async function trendOf(port: ReportsPort, yearRuns: readonly RunRow[], year: number, pool: Pool, unit: string): Promise<TrendPoint[]> {
  const out: TrendPoint[] = []
  const rows = await port.hospitalYear(pool, unit, year)
  const byMonth = new Map(rows.map((r) => [r.month, r]))
  for (const run of yearRuns) {
    const h = byMonth.get(run.month)
    if (!h) continue
    out.push({
      month: run.month, status: run.status, point_value_yuan: pointValueYuan6(parsePointValue(run.point_value)),
      points: pointsToJson(h.points_1e4), discharges: h.discharges, dip_amount_yuan: fenToYuan(h.dip_amount_fen),
      item_total_yuan: fenToYuan(h.item_fund_fen + h.patient_paid_fen), payout_yuan: fenToYuan(h.payout_fen),
      gain_yuan: fenToYuan(h.dip_amount_fen - h.item_fund_fen - h.patient_paid_fen),
    })
  }
  return out
}

/** What every hospital report of one run reads: loaded once when all of them are written (report-files.ts). */
export interface RunReportContext {
  readonly run: RunRow
  readonly report: MonthEndReport
  readonly unitOf: (code: string) => string
  /** The pool's runs of the run's year, for the trend. */
  readonly yearRuns: readonly RunRow[]
}

/** The context of the month's run for the pool; undefined when there is no run. */
export async function runReportContext(ledger: LedgerDb, tables: Tables, policy: Policy, month: string, pool: Pool): Promise<RunReportContext | undefined> {
  const port = reportsOf(ledger)
  const run = await port.getRun(month, pool)
  if (!run) return undefined
  return {
    run, report: JSON.parse(run.report_json) as MonthEndReport, unitOf: settlementUnits(tables, policy),
    yearRuns: await port.runsOfYear(Number(month.slice(0, 4)), pool),
  }
}

/** The run's alliance episodes of several stays: each stay's share of its episode's points (episodes.ts). */
async function episodeShares(port: ReportsPort, run: RunRow, policy: Policy) {
  const lists = await listsOfRun(port, run)
  const rows = (await port.episodeRows(run.month, run.pool, run.ledger_seq)).map((r) => regroupEpisodeRow(r, lists))
  const shares = new Map<string, { readonly episodeId: string; readonly points1e4: number }>()
  const cases = liveEpisodes(rows).filter((e) => e.stays.length >= 2).map((e) => episodeCase(e, policy))
  for (const c of cases) for (const s of c.stays) shares.set(s.setlId, { episodeId: c.episodeId, points1e4: c.shares.get(s.setlId) ?? 0 })
  return { shares, cases }
}

/** The run's 4101A lists (setl-lists.ts: the grouping month-end paid), read once per run. */
const listsOfRuns = new WeakMap<RunRow, Promise<Map<string, SetlListGrouping>>>()
function listsOfRun(port: ReportsPort, run: RunRow): Promise<Map<string, SetlListGrouping>> {
  let l = listsOfRuns.get(run)
  if (l === undefined) {
    l = liveSetlLists(port, run.month, run.pool, run.ledger_seq)
    listsOfRuns.set(run, l)
  }
  return l
}

/**
 * One hospital's feedback report for a month-end run; undefined when the month has no run for that pool.
 * An alliance member asking gets the report of the unit it settled in (its lead), with its own cases.
 */
export async function hospitalReport(
  ledger: LedgerDb, tables: Tables, policy: Policy, q: { month: string; pool: Pool; code: string; now?: Date },
  given?: RunReportContext,
): Promise<HospitalFeedback | undefined> {
  const port = reportsOf(ledger)
  const context = given ?? await runReportContext(port, tables, policy, q.month, q.pool)
  if (!context) return undefined
  const { run, report, unitOf } = context
  const unit = unitOf(q.code)
  const settlement = report.hospitals.find((h) => h.fixmedins_code === unit) ?? null
  const codes = settlement && settlement.members.length > 0 && unit === q.code ? [...settlement.members] : [q.code]
  const pv: PointValue | null = parsePointValue(run.point_value)
  const lists = await listsOfRun(port, run)
  const cases = (await port.liveCases(run.month, run.pool, run.ledger_seq, codes)).map((c) => regroupCase(c, lists))
  const episodes = await episodeShares(port, run, policy)
  // an episode counts as one case, at its last stay
  const lastStays = new Set(episodes.cases.map((e) => e.last.setlId))
  const ownEpisodes = episodes.cases.filter((e) => e.stays.some((s) => codes.includes(s.code)))

  const groups = new Map<string, { kind: string; cases: number; points: number; medfee: number; hifp: number }>()
  const mix = new Map<string, { cases: number; points: number }>()
  const devCounts: Record<string, number> = {}
  const flagCounts: Record<string, number> = {}
  const devCases: FeedbackCase[] = []
  const flagged: FeedbackCase[] = []
  let points = 0
  let caseCount = 0
  const byCode = new Map<string, { discharges: number; points1e4: number }>()
  const allCases: FeedbackCase[] = []
  for (const c of cases) {
    // a stay of an episode earns its share of the episode's one case; only the episode's last stay counts as a case
    const ep = episodes.shares.get(c.setl_id)
    const p1e4 = ep?.points1e4 ?? c.points1e4
    const counts = ep === undefined || lastStays.has(c.setl_id) ? 1 : 0
    caseCount += counts
    const own = byCode.get(c.fixmedins_code) ?? { discharges: 0, points1e4: 0 }
    own.discharges += counts; own.points1e4 += p1e4
    byCode.set(c.fixmedins_code, own)
    allCases.push(toCase(c, p1e4, ep?.episodeId ?? null))
    const code = c.dip_group_code ?? '(ungroupable)'
    const g = groups.get(code) ?? { kind: c.dip_kind ?? 'ungroupable', cases: 0, points: 0, medfee: 0, hifp: 0 }
    g.cases += counts; g.points += p1e4; g.medfee += c.medfee; g.hifp += c.hifp
    groups.set(code, g)
    const m = mix.get(g.kind) ?? { cases: 0, points: 0 }
    m.cases += counts; m.points += p1e4
    mix.set(g.kind, m)
    points += p1e4
    const dev = c.dip_deviation ?? 'normal'
    devCounts[dev] = (devCounts[dev] ?? 0) + 1
    if (dev !== 'normal' && devCases.length < LISTED_CASES_MAX) devCases.push(toCase(c, p1e4, ep?.episodeId ?? null))
    const fl = flagsOf(c)
    for (const f of fl) flagCounts[f] = (flagCounts[f] ?? 0) + 1
    if (fl.length > 0 && flagged.length < LISTED_CASES_MAX) flagged.push(toCase(c, p1e4, ep?.episodeId ?? null))
  }
  const groupLines: GroupLine[] = [...groups].map(([code, g]) => {
    const dip = pointsToFen(g.points, pv)
    return {
      dip_group_code: code, dip_kind: g.kind, cases: g.cases, points: pointsToJson(g.points),
      medfee_sumamt_yuan: fenToYuan(g.medfee), item_fund_yuan: fenToYuan(g.hifp), dip_amount_yuan: fenToYuan(dip),
      gain_yuan: fenToYuan(dip - g.medfee),
    }
  }).sort((a, b) => b.points - a.points || (a.dip_group_code < b.dip_group_code ? -1 : 1))
  const h = tables.hospitals.get(q.code)
  const scale = policy.dip.scale
  return {
    kind: 'hospital_feedback', month: q.month, pool: q.pool, status: run.status, fixmedins_code: q.code,
    name: h?.name ?? settlement?.name ?? '', city: h?.city ?? '', level: h?.level ?? null, settled_as: unit,
    point_value_yuan: pointValueYuan6(pv),
    hospital_coefficient: policy.dip.hospital_coefficients && h !== undefined ? h.dipCoefficientMicro / PPM : 1,
    tcm_bonus: h?.tcm === true ? policy.dip.tcm_bonus : null,
    payment_due_date: report.payment_due_date ?? null,
    episodes: ownEpisodes.map((e) => ({
      episode_id: e.episodeId, psn_no: e.psnNo, stays: e.stays.map((s) => s.setlId), points: pointsToJson(e.points1e4),
      medfee_sumamt_yuan: fenToYuan(e.costFen),
    })),
    settlement,
    cmi: caseCount > 0 ? Math.round(points / caseCount / scale) / 10_000 : 0,
    case_mix: [...mix].map(([kind, m]) => ({ kind, cases: m.cases, points: pointsToJson(m.points) })).sort((a, b) => b.cases - a.cases),
    groups: groupLines,
    deviation_counts: devCounts, deviation_cases: devCases, flag_counts: flagCounts, flagged_cases: flagged,
    special_cases: report.special_cases.filter((s) => codes.includes(s.fixmedins_code)),
    trend: await trendOf(port, context.yearRuns, Number(q.month.slice(0, 4)), q.pool, unit),
    generated_at: (q.now ?? new Date()).toISOString(),
    supervision: await supervisionOf(port, run, report, codes),
    ...feedbackExtras(tables, policy, report, settlement, q.code, unit, allCases, byCode),
  }
}

// ---- supervision scores (grouping branch, SPEC §5 违规行为监管辅助目录) -------------------------------------------
// The month's cases of every hospital of the run, read once per run (all hospital pages of a run share them), and the
// pure scoring of engine/grouping/supervision.ts.
const monthCasesOfRun = new WeakMap<RunRow, SupervisedCase[]>()

async function supervisionOf(port: ReportsPort, run: RunRow, report: MonthEndReport, codes: readonly string[]): Promise<SupervisionScores> {
  let month = monthCasesOfRun.get(run)
  if (month === undefined) {
    const all = [...new Set(report.hospitals.flatMap((h) => [h.fixmedins_code, ...h.members]))]
    const lists = await listsOfRun(port, run)
    month = (await port.liveCases(run.month, run.pool, run.ledger_seq, all)).map((c) => regroupCase(c, lists)).map((c) => ({ fixmedins_code: c.fixmedins_code, dip_group_code: c.dip_group_code, flags: flagsOf(c) }))
    monthCasesOfRun.set(run, month)
  }
  return supervisionScores(month, codes)
}

export interface RegionOverview {
  readonly kind: 'region_overview'
  readonly month: string
  readonly pool: Pool
  readonly status: 'draft' | 'closed'
  readonly point_value_yuan: number
  readonly total_points: number
  readonly dip_total_yuan: number
  /** How the point value was derived (SPEC §6): budget ÷ ratio (actual or the policy's) ÷ total points. */
  readonly budget_yuan: number
  readonly reimbursement_ratio: number
  readonly ratio_source: 'actual' | 'policy'
  readonly payment_due_date: string | null
  readonly episodes: number
  readonly discharges: number
  readonly hospitals: readonly {
    readonly fixmedins_code: string; readonly name: string; readonly city: string; readonly level: number | null
    readonly points: number; readonly discharges: number; readonly dip_amount_yuan: number; readonly item_total_yuan: number
    readonly gain_yuan: number; readonly payout_yuan: number; readonly withheld_yuan: number
  }[]
  readonly cities: readonly { readonly city: string; readonly points: number; readonly dip_amount_yuan: number; readonly gain_yuan: number }[]
  readonly trend: readonly { readonly month: string; readonly status: string; readonly point_value_yuan: number; readonly total_points: number; readonly dip_total_yuan: number }[]
  readonly special_cases: MonthEndReport['special_cases']
}

/** The bureau's view of a month-end run: every hospital, by city, and the point value over the year. */
export async function regionOverview(ledger: LedgerDb, tables: Tables, q: { month: string; pool: Pool }): Promise<RegionOverview | undefined> {
  const port = reportsOf(ledger)
  const run = await port.getRun(q.month, q.pool)
  if (!run) return undefined
  const report = JSON.parse(run.report_json) as MonthEndReport
  const hospitals = report.hospitals.map((h) => {
    const t = tables.hospitals.get(h.fixmedins_code)
    const itemFen = Math.round(h.item_fund_yuan * 100) + Math.round(h.patient_paid_yuan * 100)
    return {
      fixmedins_code: h.fixmedins_code, name: h.name, city: t?.city ?? '', level: t?.level ?? null, points: h.points,
      discharges: h.discharges, dip_amount_yuan: h.dip_amount_yuan, item_total_yuan: fenToYuan(itemFen),
      gain_yuan: h.gain_yuan, payout_yuan: h.payout_yuan, withheld_yuan: h.withheld_yuan,
    }
  })
  const cities = new Map<string, { points: number; dip: number; gain: number }>()
  for (const h of hospitals) {
    const c = cities.get(h.city) ?? { points: 0, dip: 0, gain: 0 }
    c.points += Math.round(h.points * 10_000); c.dip += Math.round(h.dip_amount_yuan * 100); c.gain += Math.round(h.gain_yuan * 100)
    cities.set(h.city, c)
  }
  return {
    kind: 'region_overview', month: q.month, pool: q.pool, status: run.status, point_value_yuan: report.point_value_yuan,
    total_points: report.total_points, dip_total_yuan: report.dip_total_yuan, budget_yuan: report.budget_yuan,
    reimbursement_ratio: report.reimbursement_ratio, ratio_source: report.ratio_source ?? 'policy',
    payment_due_date: report.payment_due_date ?? null, episodes: report.episodes ?? 0, discharges: report.discharges, hospitals,
    cities: [...cities].map(([city, c]) => ({ city, points: pointsToJson(c.points), dip_amount_yuan: fenToYuan(c.dip), gain_yuan: fenToYuan(c.gain) }))
      .sort((a, b) => b.points - a.points),
    trend: (await port.runsOfYear(Number(q.month.slice(0, 4)), q.pool)).map((r) => ({
      month: r.month, status: r.status, point_value_yuan: pointValueYuan6(parsePointValue(r.point_value)),
      total_points: pointsToJson(r.total_points_1e4), dip_total_yuan: fenToYuan(r.dip_total_fen),
    })),
    special_cases: report.special_cases,
  }
}
