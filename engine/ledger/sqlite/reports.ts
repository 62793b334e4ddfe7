// The reports port (engine/ledger/reports-port.ts) over the SQLite ledger file: month-end's reads of the append-only
// settlements (engine/ledger/schema.ts), its runs, and the 特例单议 decisions and applications. Synchronous inside;
// each answer is handed back as a resolved Promise. Take the ledger's own handle: `sqliteReports(ledger.db)`.
import type { Database, Statement } from 'better-sqlite3'
import { dipOf } from '../codec.js'
import type { DipResult } from '../../grouping/types.js'
import type {
  CarriedRow, CaseRow, Decision, EpisodeRow, HospitalRow, HospitalSums, JudgedCaseRow, Pool, ReportsPort,
  ReviewCandidate, RunRow, SaveRunOutcome, SetlListGrouping, SettlementFacts,
} from '../reports-port.js'
import { MERGED_STAYS_INDEX_SQL, REPORTS_SCHEMA_SQL } from './reports-schema.js'
import type { MonitoredSettlement, MonitoringPort } from '../monitoring-port.js'
import { sqliteMonitoring } from './monitoring.js'
import type { CrossRegionRow } from '../cross-region-port.js'
import { SqliteCrossRegionReports } from './cross-region-reports.js'

/** The month's inpatient rows of one pool up to a seq. */
const MONTH_ROWS = 's.month = ? AND s.insutype = ? AND s.inpatient = 1 AND s.seq <= ?'
/** A live settlement as of a seq: no reversal of it up to that seq. */
const LIVE_UPTO = `s.kind = 'settlement' AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id AND r.seq <= ?)`
/**
 * Episodes of the month with a stay merged into them (a stay whose episode_id is another stay's mdtrt_id): found on
 * the partial index of merged stays (few), then their persons' rows by the person index — never a second scan of the
 * month.
 */
const MERGED_EPISODES = `(SELECT DISTINCT f.psn_no, f.episode_id FROM settlements f
  WHERE f.month = ? AND f.insutype = ? AND f.inpatient = 1 AND f.seq <= ? AND f.kind = 'settlement'
    AND f.episode_id <> f.mdtrt_id) e`

/** A per-process guard per (file, month, pool): runs queue behind each other (the file's own guard is saveRun). */
const runQueues = new Map<string, Promise<unknown>>()
let memoryDbs = 0

export class SqliteReports implements ReportsPort, MonitoringPort {
  /** 智能监控 (SPEC §14): the month's flagged settlements, for the feedback reports (sqlite/monitoring.ts). */
  monitoredSettlements(month: string): Promise<MonitoredSettlement[]> {
    this.monitoring ??= sqliteMonitoring(this.db)
    return this.monitoring.monitoredSettlements(month)
  }

  private monitoring: MonitoringPort | undefined
  private readonly statements = new Map<string, Statement>()
  /** Handles on one file share a guard; each in-memory database is its own. */
  private readonly guardKey: string

  constructor(private readonly db: Database) {
    this.guardKey = db.memory ? `:memory:${++memoryDbs}` : db.name
    if (!db.readonly) {
      db.exec(REPORTS_SCHEMA_SQL)
      if (this.hasTable('settlements')) db.exec(MERGED_STAYS_INDEX_SQL)
    }
  }

  /** A statement prepared once per handle (prepared lazily: a read-only ledger may lack the reports' tables). */
  private st(sql: string): Statement {
    let s = this.statements.get(sql)
    if (s === undefined) {
      s = this.db.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  private hasTable(name: string): boolean {
    return this.st("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
  }

  // ---- discharges ------------------------------------------------------------------------------------------------

  async hasSettlements(): Promise<boolean> {
    return this.hasTable('settlements')
  }

  /** 异地就医 (cross-region-port.ts): the month's visitor rows, for clearing and month-end's include_cross_region. */
  async crossRegionRows(month: string, uptoSeq: number): Promise<CrossRegionRow[]> {
    return new SqliteCrossRegionReports(this.db).crossRegionRows(month, uptoSeq)
  }

  async ledgerSeq(): Promise<number> {
    return this.st('SELECT COALESCE(MAX(seq), 0) FROM settlements').pluck().get() as number
  }

  async monthSums(month: string, pool: Pool, uptoSeq: number): Promise<HospitalSums[]> {
    return this.st(`
      SELECT s.fixmedins_code AS code, COALESCE(SUM(s.dip_points_1e4), 0) AS points1e4,
             SUM(s.medfee_sumamt_fen) AS medfeeFen, SUM(s.hifp_pay_fen) AS hifpFen,
             SUM(CASE s.kind WHEN 'settlement' THEN 1 ELSE -1 END) AS discharges
        FROM settlements s WHERE ${MONTH_ROWS}
       GROUP BY s.fixmedins_code`).all(month, pool, uptoSeq) as HospitalSums[]
  }

  async episodeRows(month: string, pool: Pool, uptoSeq: number): Promise<EpisodeRow[]> {
    const rows = this.st(`
      SELECT s.setl_id AS setlId, s.seq, s.kind, s.reverses, s.fixmedins_code AS code, s.psn_no AS psnNo,
             s.mdtrt_id AS mdtrtId, s.episode_id AS episodeId, s.begn_day AS begnDay, s.end_day AS endDay,
             COALESCE(s.dip_points_1e4, 0) AS points1e4, s.medfee_sumamt_fen AS medfeeFen, s.hifp_pay_fen AS hifpFen,
             s.result_json AS resultJson
        FROM ${MERGED_EPISODES} JOIN settlements s ON s.psn_no = e.psn_no AND s.episode_id = e.episode_id
       WHERE ${MONTH_ROWS}
       ORDER BY s.seq`).all(month, pool, uptoSeq, month, pool, uptoSeq) as (Omit<EpisodeRow, 'dip'> & { resultJson: string | null })[]
    return rows.map(({ resultJson, ...r }) => ({ ...r, dip: r.kind === 'settlement' ? dipOf(resultJson) : null }))
  }

  async reviewCandidates(month: string, pool: Pool, uptoSeq: number): Promise<ReviewCandidate[]> {
    const rows = this.st(`
      SELECT s.setl_id AS setlId, s.mdtrt_id AS mdtrtId, s.fixmedins_code AS code, s.dip_group_code AS groupCode,
             s.medfee_sumamt_fen AS medfeeFen, COALESCE(s.dip_points_1e4, 0) AS points1e4, s.result_json AS resultJson
        FROM settlements s
       WHERE ${MONTH_ROWS} AND s.dip_deviation = 'review' AND ${LIVE_UPTO}
       ORDER BY s.seq`).all(month, pool, uptoSeq, uptoSeq) as (Omit<ReviewCandidate, 'dip'> & { resultJson: string | null })[]
    return rows.map(({ resultJson, ...r }) => ({ ...r, dip: dipOf(resultJson) }))
  }

  async carriedRows(month: string, pool: Pool, afterSeq: number, uptoSeq: number): Promise<CarriedRow[]> {
    return this.st(`
      SELECT setl_id AS setlId, kind, reverses, fixmedins_code AS code, month,
             COALESCE(dip_points_1e4, 0) AS points1e4, medfee_sumamt_fen AS medfeeFen, hifp_pay_fen AS hifpFen
        FROM settlements
       WHERE month = ? AND insutype = ? AND inpatient = 1 AND seq > ? AND seq <= ?
       ORDER BY seq`).all(month, pool, afterSeq, uptoSeq) as CarriedRow[]
  }

  async liveCases(month: string, pool: Pool, uptoSeq: number, codes: readonly string[]): Promise<CaseRow[]> {
    if (codes.length === 0) return []
    // not cached: the IN list's length varies
    return this.db.prepare(`
      SELECT s.setl_id, s.mdtrt_id, s.fixmedins_code, s.enddate, s.dip_group_code, s.dip_kind, s.dip_deviation, s.dip_flags,
             COALESCE(s.dip_points_1e4, 0) AS points1e4, s.medfee_sumamt_fen AS medfee, s.hifp_pay_fen AS hifp,
             s.episode_id, s.psn_no
        FROM settlements s
       WHERE ${MONTH_ROWS} AND ${LIVE_UPTO} AND s.fixmedins_code IN (${codes.map(() => '?').join(', ')})
       ORDER BY s.seq`).all(month, pool, uptoSeq, uptoSeq, ...codes) as CaseRow[]
  }

  async settlementFacts(setlId: string): Promise<SettlementFacts | undefined> {
    const row = this.st(`SELECT s.setl_id AS setlId, s.kind, s.fixmedins_code AS code, s.dip_deviation AS deviation,
        s.month, s.insutype, EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id) AS reversed,
        EXISTS (SELECT 1 FROM settlements f WHERE f.psn_no = s.psn_no AND f.episode_id = s.episode_id
                AND f.episode_id <> f.mdtrt_id) AS inEpisode
      FROM settlements s WHERE s.setl_id = ?`).get(setlId) as (Omit<SettlementFacts, 'reversed' | 'inEpisode'> & { reversed: number; inEpisode: number }) | undefined
    return row === undefined ? undefined : { ...row, reversed: row.reversed === 1, inEpisode: row.inEpisode === 1 }
  }

  async setlListGroupings(month: string, pool: Pool, uptoSeq: number): Promise<SetlListGrouping[]> {
    // a ledger the national gateway never opened has no lists
    if (!this.hasTable('national_setl_lists')) return []
    const rows = this.st(`
      SELECT s.setl_id AS setlId, s.mdtrt_id AS mdtrtId, s.fixmedins_code AS code, s.medfee_sumamt_fen AS medfeeFen,
             COALESCE(s.dip_points_1e4, 0) AS settledPoints1e4,
             NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id AND r.seq <= ?) AS live, l.dip_json AS dipJson
        FROM national_setl_lists l JOIN settlements s ON s.setl_id = l.setl_id
       WHERE ${MONTH_ROWS} AND s.kind = 'settlement'
       ORDER BY s.seq`).all(uptoSeq, month, pool, uptoSeq) as (Omit<SetlListGrouping, 'dip' | 'live'> & { live: number; dipJson: string })[]
    return rows.map(({ dipJson, live, ...r }) => ({ ...r, live: live === 1, dip: JSON.parse(dipJson) as DipResult }))
  }

  // ---- month-end runs --------------------------------------------------------------------------------------------

  async getRun(month: string, pool: Pool): Promise<RunRow | undefined> {
    if (!this.hasTable('month_end_runs')) return undefined
    return this.st('SELECT * FROM month_end_runs WHERE month = ? AND pool = ?').get(month, pool) as RunRow | undefined
  }

  async closedRuns(pool: Pool): Promise<RunRow[]> {
    if (!this.hasTable('month_end_runs')) return []
    return this.st("SELECT * FROM month_end_runs WHERE pool = ? AND status = 'closed' ORDER BY month").all(pool) as RunRow[]
  }

  async runsOfYear(year: number, pool: Pool): Promise<RunRow[]> {
    if (!this.hasTable('month_end_runs')) return []
    // a range on month (not LIKE, which cannot use the primary key)
    return this.st('SELECT * FROM month_end_runs WHERE month >= ? AND month < ? AND pool = ? ORDER BY month')
      .all(`${year}-`, `${year + 1}-`, pool) as RunRow[]
  }

  async listRuns(): Promise<RunRow[]> {
    if (!this.hasTable('month_end_runs')) return []
    return this.st('SELECT * FROM month_end_runs ORDER BY month DESC, pool').all() as RunRow[]
  }

  async hospitalRows(month: string, pool: Pool): Promise<HospitalRow[]> {
    if (!this.hasTable('month_end_hospitals')) return []
    return this.st('SELECT * FROM month_end_hospitals WHERE month = ? AND pool = ? ORDER BY fixmedins_code').all(month, pool) as HospitalRow[]
  }

  async hospitalYear(pool: Pool, code: string, year: number): Promise<(HospitalRow & { month: string })[]> {
    if (!this.hasTable('month_end_hospitals')) return []
    return this.st('SELECT * FROM month_end_hospitals WHERE pool = ? AND fixmedins_code = ? AND month >= ? AND month < ? ORDER BY month')
      .all(pool, code, `${year}-`, `${year + 1}-`) as (HospitalRow & { month: string })[]
  }

  async caseRows(month: string, pool: Pool): Promise<JudgedCaseRow[]> {
    if (!this.hasTable('month_end_cases')) return []
    return this.st('SELECT * FROM month_end_cases WHERE month = ? AND pool = ?').all(month, pool) as JudgedCaseRow[]
  }

  async exclusiveRun<T>(month: string, pool: Pool, fn: () => Promise<T>): Promise<T> {
    const key = `${this.guardKey}\u0000${month}\u0000${pool}`
    const before = runQueues.get(key) ?? Promise.resolve()
    const mine = before.then(fn, fn)
    const tail = mine.catch(() => undefined)
    runQueues.set(key, tail)
    try {
      return await mine
    } finally {
      if (runQueues.get(key) === tail) runQueues.delete(key)
    }
  }

  async saveRun(run: RunRow, hospitals: readonly HospitalRow[], cases: readonly JudgedCaseRow[], priorRunAt: string | null): Promise<SaveRunOutcome> {
    const db = this.db
    return db.transaction((): SaveRunOutcome => {
      const stored = this.st('SELECT * FROM month_end_runs WHERE month = ? AND pool = ?').get(run.month, run.pool) as RunRow | undefined
      // closed is final; and a run saved by another process since this one began is not silently replaced
      if (stored?.status === 'closed') return { status: 'closed', run: stored }
      if ((stored?.run_at ?? null) !== priorRunAt) return { status: 'changed' }
      this.st('DELETE FROM month_end_runs WHERE month = ? AND pool = ?').run(run.month, run.pool)
      this.st('DELETE FROM month_end_hospitals WHERE month = ? AND pool = ?').run(run.month, run.pool)
      this.st('DELETE FROM month_end_cases WHERE month = ? AND pool = ?').run(run.month, run.pool)
      this.st(`INSERT INTO month_end_runs VALUES (@month, @pool, @status, @budget_fen, @ratio_ppm, @total_points_1e4,
        @dip_total_fen, @point_value, @ledger_seq, @run_at, @closed_at, @report_json)`).run(run)
      const h = this.st(`INSERT INTO month_end_hospitals VALUES (?, ?, @fixmedins_code, @points_1e4, @discharges,
        @dip_amount_fen, @item_fund_fen, @patient_paid_fen, @adj_points_1e4, @adj_dip_amount_fen, @adj_item_fund_fen,
        @adj_patient_paid_fen, @payable_fen, @payout_fen, @withheld_fen)`)
      for (const row of hospitals) h.run(run.month, run.pool, row)
      const c = this.st(`INSERT INTO month_end_cases VALUES (?, ?, @setl_id, @fixmedins_code, @status,
        @grouped_points_1e4, @paid_points_1e4)`)
      for (const row of cases) c.run(run.month, run.pool, row)
      return { status: 'saved' }
    }).immediate()
  }

  async closedPayouts(pool: Pool, years: readonly number[]): Promise<{ code: string; year: number; payoutFen: number; withheldFen: number }[]> {
    if (!this.hasTable('month_end_runs')) return []
    const out: { code: string; year: number; payoutFen: number; withheldFen: number }[] = []
    for (const year of years) {
      const rows = this.st(`SELECT h.fixmedins_code AS code, SUM(h.payout_fen) AS payoutFen, SUM(h.withheld_fen) AS withheldFen
          FROM month_end_hospitals h JOIN month_end_runs r ON r.month = h.month AND r.pool = h.pool
         WHERE h.pool = ? AND r.status = 'closed' AND h.month >= ? AND h.month < ? GROUP BY h.fixmedins_code`)
        .all(pool, `${year}-`, `${year + 1}-`) as { code: string; payoutFen: number; withheldFen: number }[]
      for (const r of rows) out.push({ ...r, year })
    }
    return out
  }

  // ---- 特例单议 ----------------------------------------------------------------------------------------------------

  async decideSpecialCase(setlId: string, decision: Decision, note: string | null, at: Date): Promise<void> {
    this.st(`INSERT INTO special_case_reviews (setl_id, decision, decided_at, note) VALUES (?, ?, ?, ?)
      ON CONFLICT (setl_id) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at, note = excluded.note`)
      .run(setlId, decision, at.toISOString(), note)
  }

  async specialCaseDecisions(): Promise<Map<string, Decision>> {
    if (!this.hasTable('special_case_reviews')) return new Map()
    const rows = this.st('SELECT setl_id, decision FROM special_case_reviews').all() as { setl_id: string; decision: Decision }[]
    return new Map(rows.map((r) => [r.setl_id, r.decision]))
  }

  async applySpecialCase(setlId: string, code: string, note: string | null, at: Date): Promise<{ applied_at: string }> {
    this.st(`INSERT INTO special_case_applications (setl_id, fixmedins_code, applied_at, note) VALUES (?, ?, ?, ?)
      ON CONFLICT (setl_id) DO UPDATE SET note = excluded.note`).run(setlId, code, at.toISOString(), note)
    return { applied_at: this.st('SELECT applied_at FROM special_case_applications WHERE setl_id = ?').pluck().get(setlId) as string }
  }

  async specialCaseApplications(): Promise<Map<string, string>> {
    if (!this.hasTable('special_case_applications')) return new Map()
    const rows = this.st('SELECT setl_id, applied_at FROM special_case_applications').all() as { setl_id: string; applied_at: string }[]
    return new Map(rows.map((r) => [r.setl_id, r.applied_at]))
  }
}

/** The reports port of a SQLite ledger: pass the ledger's handle (`ledger.db`). One instance per handle. */
const ports = new WeakMap<Database, SqliteReports>()
export function sqliteReports(db: Database): SqliteReports {
  let p = ports.get(db)
  if (p === undefined) {
    p = new SqliteReports(db)
    ports.set(db, p)
  }
  return p
}
