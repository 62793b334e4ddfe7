// 月度预结算 (SPEC §6, §9; seed 001 按月预结算): one pool's month of DIP points turned into money.
//   point value = (budget ÷ reimbursement ratio) ÷ total points          (exact fraction, shown with 6 decimals)
//   DIP amount  = the DIP total (budget ÷ ratio, rounded once) split by points, largest remainder
//   payable     = DIP amount − (Σ medfee_sumamt − hifp_pay)                (may be negative: a claw-back)
//   payout      = payable × presettle_ratio; withheld = payable − payout (quality deposit, released at clearing)
// A run is a draft until --close; a closed month is final, and what the ledger learns about it later (a reversal,
// a late settlement) is carried into the next run as an adjustment valued at the closed month's point value.
import assert from 'node:assert/strict'
import { fenToYuan, mulRatioFen, pointsToJson, ratioToPpm } from '../money.js'
import type { Policy } from '../policy/types.js'
import type { Tables } from '../tables/types.js'
import { carriedRows, hasSettlementsTable, ledgerSeq, monthSums, reviewCandidates, type HospitalSums } from './discharges.js'
import { allocateDipAmounts, dipTotalFen, parsePointValue, pointsToFen, pointValue, pointValueString, pointValueYuan6 } from './point-value.js'
import {
  caseRows, closedRuns, ensureMonthEndSchema, getRun, saveRun, specialCaseDecisions, type CaseRow, type HospitalRow,
} from './runs.js'
import { judgeCandidates } from './special-cases.js'
import {
  dbOf, type CarriedAdjustment, type LedgerDb, type MonthEndHospital, type MonthEndOptions, type MonthEndOutcome,
  type MonthEndReport, type SpecialCase,
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

interface UnitTotals {
  points1e4: bigint
  discharges: number
  medfeeFen: number
  hifpFen: number
  adj: { points1e4: number; discharges: number; dipFen: number; hifpFen: number; medfeeFen: number; months: Set<string>; setlIds: string[] } | null
  cases: { approved: number; pending: number; over_quota: number; rejected: number }
}

function emptyUnit(): UnitTotals {
  return { points1e4: 0n, discharges: 0, medfeeFen: 0, hifpFen: 0, adj: null, cases: { approved: 0, pending: 0, over_quota: 0, rejected: 0 } }
}

export function settleMonth(ledger: LedgerDb, tables: Tables, policy: Policy, opts: MonthEndOptions): MonthEndOutcome {
  const { month, pool, budgetFen, close } = opts
  if (!MONTH_RE.test(month)) return { status: 'invalid', code: 'E_MONTH_ARGS', field: 'month', message: `month must be YYYY-MM, got "${month}"` }
  if (pool !== '310' && pool !== '390') return { status: 'invalid', code: 'E_MONTH_ARGS', field: 'pool', message: `pool must be 310 or 390, got "${String(pool)}"` }
  if (!Number.isSafeInteger(budgetFen) || budgetFen < 0) {
    return { status: 'invalid', code: 'E_MONTH_ARGS', field: 'budget_yuan', message: 'budget must be a non-negative amount of yuan with at most 2 decimals' }
  }
  const db = dbOf(ledger)
  if (!hasSettlementsTable(db)) return { status: 'invalid', code: 'E_MONTH_ARGS', field: 'ledger', message: 'the ledger has no settlements table' }
  ensureMonthEndSchema(db)
  const prior = getRun(db, month, pool)
  if (prior?.status === 'closed') {
    return {
      status: 'refused', code: 'E_MONTH_CLOSED', closed_at: prior.closed_at ?? prior.run_at,
      message: `month-end ${month} pool ${pool} was closed at ${prior.closed_at ?? prior.run_at}; a closed month cannot be run again (later corrections are carried into the next month)`,
    }
  }

  const now = (opts.now ?? (() => new Date()))().toISOString()
  const seq = ledgerSeq(db)
  const unitOf = settlementUnits(tables, policy)
  const units = new Map<string, UnitTotals>()
  const unit = (code: string): UnitTotals => {
    const u = unitOf(code)
    let t = units.get(u)
    if (!t) { t = emptyUnit(); units.set(u, t) }
    return t
  }

  // the month's own discharges, as the ledger stands now (reversals net out)
  const sums: HospitalSums[] = monthSums(db, month, pool, seq)
  for (const s of sums) {
    const t = unit(s.code)
    t.points1e4 += BigInt(s.points1e4)
    t.discharges += s.discharges
    t.medfeeFen += s.medfeeFen
    t.hifpFen += s.hifpFen
  }

  // 特例单议: quota per hospital-month, approved cases at cost-based points
  const judged = judgeCandidates(
    reviewCandidates(db, month, pool, seq),
    new Map(sums.map((s) => [s.code, s.discharges])),
    specialCaseDecisions(db),
    policy,
    (g) => tables.dipGroups.get(g)?.avgCostFen,
  )
  for (const j of judged) {
    const t = unit(j.candidate.code)
    t.points1e4 += BigInt(j.paidPoints1e4 - j.candidate.points1e4)
    t.cases[j.status] += 1
  }

  carryClosedMonths(db, month, pool, seq, unit)

  const codes = [...units.keys()].sort()
  for (const c of codes) assert((units.get(c) as UnitTotals).points1e4 >= 0n, `negative points for ${c} in ${month}`)
  const ratio = policy.month_end.reimbursement_ratio[pool]
  const ratioPpm = ratioToPpm(ratio)
  const totalPoints = codes.reduce((a, c) => a + (units.get(c) as UnitTotals).points1e4, 0n)
  const dipTotal = dipTotalFen(budgetFen, ratioPpm)
  const pv = pointValue(budgetFen, ratioPpm, totalPoints)
  const amounts = allocateDipAmounts(dipTotal, codes.map((c) => (units.get(c) as UnitTotals).points1e4))

  const hospitalRows: HospitalRow[] = []
  const hospitals: MonthEndHospital[] = codes.map((code, i) => {
    const t = units.get(code) as UnitTotals
    const dipFen = amounts[i] ?? 0
    const patientFen = t.medfeeFen - t.hifpFen
    const adj = t.adj
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
    const adjustment: CarriedAdjustment | null = adj && {
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
    }
  })

  const specialCases: SpecialCase[] = judged.map((j) => ({
    setl_id: j.candidate.setlId, mdtrt_id: j.candidate.mdtrtId, fixmedins_code: j.candidate.code,
    dip_group_code: j.candidate.groupCode, medfee_sumamt_yuan: fenToYuan(j.candidate.medfeeFen), status: j.status,
    grouped_points: pointsToJson(j.candidate.points1e4), paid_points: pointsToJson(j.paidPoints1e4),
  }))
  const caseRowsOut: CaseRow[] = judged.map((j) => ({
    setl_id: j.candidate.setlId, fixmedins_code: j.candidate.code, status: j.status,
    grouped_points_1e4: j.candidate.points1e4, paid_points_1e4: j.paidPoints1e4,
  }))

  const report: MonthEndReport = {
    month, pool,
    budget_yuan: fenToYuan(budgetFen),
    reimbursement_ratio: ratio,
    total_points: pointsToJson(Number(totalPoints)),
    point_value_yuan: pointValueYuan6(pv),
    status: close ? 'closed' : 'draft',
    hospitals,
    dip_total_yuan: fenToYuan(dipTotal),
    point_value_exact: pointValueString(pv),
    presettle_ratio: policy.month_end.presettle_ratio,
    discharges: codes.reduce((a, c) => a + (units.get(c) as UnitTotals).discharges, 0),
    special_cases: specialCases,
    run_at: now,
    closed_at: close ? now : null,
    ledger_seq: seq,
    policy_version: policy.version ?? `${policy.region}@${policy.effective_from}`,
  }
  saveRun(db, {
    month, pool, status: report.status, budget_fen: budgetFen, ratio_ppm: ratioPpm,
    total_points_1e4: Number(totalPoints), dip_total_fen: dipTotal, point_value: pointValueString(pv),
    ledger_seq: seq, run_at: now, closed_at: report.closed_at, report_json: JSON.stringify(report),
  }, hospitalRows, caseRowsOut)
  return { status: 'ok', report }
}

/**
 * Rows of a closed earlier month that the ledger recorded after its close (冲正 after close, late settlements):
 * each is carried once — into the runs after its month's close, until a later closed run has taken it.
 */
function carryClosedMonths(
  db: ReturnType<typeof dbOf>, month: string, pool: MonthEndOptions['pool'], seq: number,
  unit: (code: string) => UnitTotals,
): void {
  const closed = closedRuns(db, pool).filter((r) => r.month < month)
  closed.forEach((run, i) => {
    // a closed run after `run.month` (and before this month) has already carried what it saw
    const after = Math.max(run.ledger_seq, ...closed.slice(i + 1).map((r) => r.ledger_seq))
    const rows = carriedRows(db, run.month, pool, after, seq)
    if (rows.length === 0) return
    const pv = parsePointValue(run.point_value)
    const paidAs = new Map(caseRows(db, run.month, pool).map((c) => [c.setl_id, c.paid_points_1e4]))
    const perUnit = new Map<UnitTotals, number>()
    for (const r of rows) {
      const t = unit(r.code)
      // a reversed approved special case was paid at its cost-based points: take back what was paid
      const points = r.kind === 'reversal' && r.reverses !== null && paidAs.has(r.reverses) ? -(paidAs.get(r.reverses) as number) : r.points1e4
      t.adj ??= { points1e4: 0, discharges: 0, dipFen: 0, hifpFen: 0, medfeeFen: 0, months: new Set(), setlIds: [] }
      t.adj.points1e4 += points
      t.adj.discharges += r.kind === 'settlement' ? 1 : -1
      t.adj.hifpFen += r.hifpFen
      t.adj.medfeeFen += r.medfeeFen
      t.adj.months.add(run.month)
      t.adj.setlIds.push(r.setlId)
      perUnit.set(t, (perUnit.get(t) ?? 0) + points)
    }
    // valued once per hospital and closed month at that month's point value
    for (const [t, points] of perUnit) (t.adj as NonNullable<UnitTotals['adj']>).dipFen += pointsToFen(points, pv)
  })
}
