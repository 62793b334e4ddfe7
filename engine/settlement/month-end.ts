// 月度预结算 (SPEC §6, §9; seed 001 按月预结算): one pool's month of DIP points turned into money.
//   ratio       = Σ hifp_pay ÷ Σ medfee_sumamt of the month's DIP discharges (or the policy's fixed ratio: ratio.ts)
//   point value = (budget ÷ ratio) ÷ total points                         (exact fraction, shown with 6 decimals)
//   DIP amount  = the DIP total (budget ÷ ratio, rounded once) split by points, largest remainder
//   payable     = DIP amount − (Σ medfee_sumamt − hifp_pay)                (may be negative: a claw-back)
//   payout      = payable × presettle_ratio; withheld = payable − payout (quality deposit, released at clearing)
// A run is a draft until --close; a closed month is final, and what the ledger learns about it later (a reversal,
// a late settlement) is carried into the next run as an adjustment valued at the closed month's point value.
// Accumulation and allocation are shared with annual clearing (accumulate.ts, point-value.ts allocate).
import { fenToYuan, mulRatioFen, pointsToJson } from '../money.js'
import type { HospitalRow, JudgedCaseRow, ReportsPort } from '../ledger/reports-port.js'
import type { Policy } from '../policy/types.js'
import type { Tables } from '../tables/types.js'
import { accumulateMonth, type UnitTotals } from './accumulate.js'
import { paymentDueDate } from './due-date.js'
import { allocate, parsePointValue, pointsToFen, pointValueString, pointValueYuan6 } from './point-value.js'
import { ratio6, ratioPpm, ratioString, reimbursementRatio } from './ratio.js'
import {
  invalidRun, reportsOf, type CarriedAdjustment, type LedgerDb, type MonthEndHospital, type MonthEndOptions,
  type MonthEndOutcome, type MonthEndReport, type SpecialCase,
} from './types.js'

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/

/** The code a hospital settles under: its alliance lead when the policy settles alliances as one (seed 001 医共体). */
export function settlementUnits(tables: Tables, policy: Policy): (code: string) => string {
  if (!policy.alliance.settle_as_one) return (code) => code
  const leadOf = new Map<string, string>()
  for (const h of tables.hospitals.values()) if (h.allianceId !== null && h.allianceLead) leadOf.set(h.allianceId, h.code)
  return (code) => {
    const a = tables.hospitals.get(code)?.allianceId
    return (a != null ? leadOf.get(a) : undefined) ?? code
  }
}

function membersOf(unit: string, tables: Tables, policy: Policy): string[] {
  const lead = tables.hospitals.get(unit)
  if (!policy.alliance.settle_as_one || !lead?.allianceLead || lead.allianceId === null) return []
  return [...tables.hospitals.values()].filter((h) => h.allianceId === lead.allianceId).map((h) => h.code).sort()
}

interface Carried {
  points1e4: number; discharges: number; dipFen: number; hifpFen: number; medfeeFen: number; months: Set<string>; setlIds: string[]
}

/** Validate a run's arguments: the same invalid outcome as clearing's. */
function checkArgs(opts: MonthEndOptions): MonthEndOutcome | undefined {
  const { month, pool, budgetFen } = opts
  if (!MONTH_RE.test(month)) return invalidRun('month', `month must be YYYY-MM, got "${month}"`)
  if (pool !== '310' && pool !== '390') return invalidRun('pool', `pool must be 310 or 390, got "${String(pool)}"`)
  if (!Number.isSafeInteger(budgetFen) || budgetFen < 0) return invalidRun('budget_yuan', 'budget must be a non-negative amount of yuan with at most 2 decimals')
  return undefined
}

export async function settleMonth(ledger: LedgerDb, tables: Tables, policy: Policy, opts: MonthEndOptions): Promise<MonthEndOutcome> {
  const bad = checkArgs(opts)
  if (bad) return bad
  const port = reportsOf(ledger)
  if (!(await port.hasSettlements())) return invalidRun('ledger', 'the ledger has no settlements table')
  return port.exclusiveRun(opts.month, opts.pool, async () => {
    // a run saved by another process meanwhile (never a closed one) is recomputed over, from the new state
    for (;;) {
      const out = await runOnce(port, tables, policy, opts)
      if (out !== 'changed') return out
    }
  })
}

function refusedClosed(month: string, pool: string, closedAt: string): MonthEndOutcome {
  return {
    status: 'refused', code: 'E_MONTH_CLOSED', closed_at: closedAt,
    message: `month-end ${month} pool ${pool} was closed at ${closedAt}; a closed month cannot be run again (later corrections are carried into the next month)`,
  }
}

async function runOnce(port: ReportsPort, tables: Tables, policy: Policy, opts: MonthEndOptions): Promise<MonthEndOutcome | 'changed'> {
  const { month, pool, budgetFen, close } = opts
  const prior = await port.getRun(month, pool)
  if (prior?.status === 'closed') return refusedClosed(month, pool, prior.closed_at ?? prior.run_at)

  const now = (opts.now ?? (() => new Date()))().toISOString()
  const seq = await port.ledgerSeq()
  const unitOf = settlementUnits(tables, policy)
  const [decisions, applications] = await Promise.all([port.specialCaseDecisions(), port.specialCaseApplications()])
  const acc = await accumulateMonth({ port, policy, unitOf, decisions }, month, pool, seq)
  const ratio = reimbursementRatio(policy, pool, acc.hifpFen, acc.medfeeFen)
  if ('status' in ratio) return ratio
  const units = acc.units
  const carried = await carryClosedMonths(port, month, pool, seq, (code) => {
    const u = unitOf(code)
    if (!units.has(u)) units.set(u, { points1e4: 0n, discharges: 0, medfeeFen: 0, hifpFen: 0, cases: { approved: 0, pending: 0, over_quota: 0, rejected: 0 } })
    return u
  })

  const codes = [...units.keys()].sort()
  const alloc = allocate(budgetFen, ratio, codes.map((c) => (units.get(c) as UnitTotals).points1e4))
  const pv = alloc.pointValue
  const dueDate = close ? paymentDueDate(now, policy) : undefined

  const hospitalRows: HospitalRow[] = []
  const hospitals: MonthEndHospital[] = codes.map((code, i) => {
    const t = units.get(code) as UnitTotals
    const dipFen = alloc.amountsFen[i] ?? 0
    const patientFen = t.medfeeFen - t.hifpFen
    const adj = carried.get(code)
    const adjPatientFen = adj ? adj.medfeeFen - adj.hifpFen : 0
    const payable = dipFen + (adj?.dipFen ?? 0) - patientFen - adjPatientFen
    const payout = mulRatioFen(payable, policy.month_end.presettle_ratio)
    const withheld = payable - payout
    hospitalRows.push({
      fixmedins_code: code, points_1e4: Number(t.points1e4), discharges: t.discharges, dip_amount_fen: dipFen,
      item_fund_fen: t.hifpFen, patient_paid_fen: patientFen, adj_points_1e4: adj?.points1e4 ?? 0,
      adj_dip_amount_fen: adj?.dipFen ?? 0, adj_item_fund_fen: adj?.hifpFen ?? 0, adj_patient_paid_fen: adjPatientFen,
      payable_fen: payable, payout_fen: payout, withheld_fen: withheld,
    })
    const adjustment: CarriedAdjustment | null = adj === undefined ? null : {
      points: pointsToJson(adj.points1e4), discharges: adj.discharges, dip_amount_yuan: fenToYuan(adj.dipFen),
      item_fund_yuan: fenToYuan(adj.hifpFen), patient_paid_yuan: fenToYuan(adjPatientFen),
      from_months: [...adj.months].sort(), setl_ids: adj.setlIds,
    }
    return {
      fixmedins_code: code,
      points: pointsToJson(Number(t.points1e4)),
      discharges: t.discharges,
      dip_amount_yuan: fenToYuan(dipFen),
      item_fund_yuan: fenToYuan(t.hifpFen),
      patient_paid_yuan: fenToYuan(patientFen),
      payable_yuan: fenToYuan(payable),
      payout_yuan: fenToYuan(payout),
      withheld_yuan: fenToYuan(withheld),
      name: tables.hospitals.get(code)?.name ?? '',
      members: membersOf(code, tables, policy),
      gain_yuan: fenToYuan(dipFen - t.medfeeFen),
      special_cases: t.cases,
      adjustment,
      ...(dueDate !== undefined ? { payment_due_date: dueDate } : {}),
    }
  })

  const specialCases: SpecialCase[] = acc.judged.map((j) => ({
    setl_id: j.candidate.setlId, mdtrt_id: j.candidate.mdtrtId, fixmedins_code: j.candidate.code,
    dip_group_code: j.candidate.groupCode, medfee_sumamt_yuan: fenToYuan(j.candidate.medfeeFen), status: j.status,
    grouped_points: pointsToJson(j.candidate.points1e4), paid_points: pointsToJson(j.paidPoints1e4),
    applied_at: applications.get(j.candidate.setlId) ?? null, episode_id: j.candidate.episodeId,
  }))
  const caseRowsOut: JudgedCaseRow[] = acc.judged.map((j) => ({
    setl_id: j.candidate.setlId, fixmedins_code: j.candidate.code, status: j.status,
    grouped_points_1e4: j.candidate.points1e4, paid_points_1e4: j.paidPoints1e4,
  }))

  const report: MonthEndReport = {
    month, pool,
    budget_yuan: fenToYuan(budgetFen),
    reimbursement_ratio: ratio6(ratio),
    ratio_source: ratio.source,
    total_points: pointsToJson(Number(alloc.totalPoints1e4)),
    point_value_yuan: pointValueYuan6(pv),
    status: close ? 'closed' : 'draft',
    hospitals,
    dip_total_yuan: fenToYuan(alloc.dipTotalFen),
    point_value_exact: pointValueString(pv),
    reimbursement_ratio_exact: ratioString(ratio),
    presettle_ratio: policy.month_end.presettle_ratio,
    discharges: codes.reduce((a, c) => a + (units.get(c) as UnitTotals).discharges, 0),
    episodes: acc.episodes.length,
    special_cases: specialCases,
    run_at: now,
    closed_at: close ? now : null,
    ...(dueDate !== undefined ? { payment_due_date: dueDate } : {}),
    ledger_seq: seq,
    policy_version: policy.version ?? `${policy.region}@${policy.effective_from}`,
  }
  const saved = await port.saveRun({
    month, pool, status: report.status, budget_fen: budgetFen, ratio_ppm: ratioPpm(ratio),
    total_points_1e4: Number(alloc.totalPoints1e4), dip_total_fen: alloc.dipTotalFen, point_value: pointValueString(pv),
    ledger_seq: seq, run_at: now, closed_at: report.closed_at, report_json: JSON.stringify(report),
  }, hospitalRows, caseRowsOut, prior?.run_at ?? null)
  if (saved.status === 'closed') return refusedClosed(month, pool, saved.run.closed_at ?? saved.run.run_at)
  if (saved.status === 'changed') return 'changed'
  return { status: 'ok', report }
}

/**
 * Rows of a closed earlier month that the ledger recorded after its close (冲正 after close, late settlements):
 * each is carried once — into the runs after its month's close, until a later closed run has taken it.
 */
async function carryClosedMonths(
  port: ReportsPort, month: string, pool: MonthEndOptions['pool'], seq: number, unitOf: (code: string) => string,
): Promise<Map<string, Carried>> {
  const out = new Map<string, Carried>()
  const closed = (await port.closedRuns(pool)).filter((r) => r.month < month)
  for (const [i, run] of closed.entries()) {
    // a closed run after `run.month` (and before this month) has already carried what it saw
    const after = Math.max(run.ledger_seq, ...closed.slice(i + 1).map((r) => r.ledger_seq))
    const rows = await port.carriedRows(run.month, pool, after, seq)
    if (rows.length === 0) continue
    const pv = parsePointValue(run.point_value)
    const paidAs = new Map((await port.caseRows(run.month, pool)).map((c) => [c.setl_id, c.paid_points_1e4]))
    // a settlement regrouped by its 4101A list was paid at the list's points (a list is refused once its month closed)
    const listed = new Map((await port.setlListGroupings(run.month, pool, seq)).map((g) => [g.setlId, g.dip.points_1e4]))
    const perUnit = new Map<string, number>()
    for (const r of rows) {
      const u = unitOf(r.code)
      // a reversed approved special case was paid at its cost-based points: take back what was paid
      const paid = r.kind === 'reversal' && r.reverses !== null ? paidAs.get(r.reverses) ?? listed.get(r.reverses) : undefined
      const points = paid !== undefined ? -paid : r.points1e4
      let a = out.get(u)
      if (!a) { a = { points1e4: 0, discharges: 0, dipFen: 0, hifpFen: 0, medfeeFen: 0, months: new Set(), setlIds: [] }; out.set(u, a) }
      a.points1e4 += points
      a.discharges += r.kind === 'settlement' ? 1 : -1
      a.hifpFen += r.hifpFen
      a.medfeeFen += r.medfeeFen
      a.months.add(run.month)
      a.setlIds.push(r.setlId)
      perUnit.set(u, (perUnit.get(u) ?? 0) + points)
    }
    // valued once per hospital and closed month at that month's point value
    for (const [u, points] of perUnit) (out.get(u) as Carried).dipFen += pointsToFen(points, pv)
  }
  return out
}
