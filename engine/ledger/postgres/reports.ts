// The reports port (engine/ledger/reports-port.ts) on the PostgreSQL ledger (SPEC §6, §11): month-end's reads of the
// append-only settlements (schema.ts), its runs, and the 特例单议 decisions and applications — the same queries as
// the SQLite implementation (sqlite/reports.ts), answering the same rows, so that a month-end on either backend is
// the same report.
//
// The run guard: exclusiveRun holds a transaction-scoped advisory lock on (month, pool) for the whole run, on a
// connection of its own (not the pool's: a run's reads and its saveRun use the pool, and runs waiting on the lock must
// never starve them of connections), so two runs of one month and pool never interleave, in one process or many; the
// second waits and then starts from the first's result (a closed month refuses it). saveRun also checks, under a row
// lock, that the stored run is still the one the run began from (SQLite's check), so a run without the guard cannot
// silently replace another.
//
// Text columns sort with COLLATE "C" (byte order, as SQLite's BINARY), whatever the database's collation.
import pg from 'pg'
import { dipOf } from '../codec.js'
import type {
  CarriedRow, CaseRow, Decision, EpisodeRow, HospitalRow, HospitalSums, JudgedCaseRow, Pool, ReportsPort,
  ReviewCandidate, RunRow, SaveRunOutcome, SetlListGrouping, SettlementFacts,
} from '../reports-port.js'
import type { PgLedger } from './ledger.js'
import { pgSetlListGroupings } from './setl-lists.js'
import type { CrossRegionRow } from '../cross-region-port.js'
import type { MonitoredSettlement } from '../monitoring-port.js'
import { pgMonitoring } from './monitoring.js'
import { inTransaction } from './transaction.js'

/** The month's inpatient rows of one pool up to a seq: $1 month, $2 pool, $3 uptoSeq. */
const MONTH_ROWS = 's.month = $1 AND s.insutype = $2 AND s.inpatient = 1 AND s.seq <= $3'
/** A live settlement as of seq $3: no reversal of it up to that seq. */
const LIVE_UPTO = `s.kind = 'settlement' AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id AND r.seq <= $3)`
/** Episodes of the month with a stay merged into them (found on the partial index settlements_merged_stays). */
const MERGED_EPISODES = `(SELECT DISTINCT f.psn_no, f.episode_id FROM settlements f
  WHERE f.month = $1 AND f.insutype = $2 AND f.inpatient = 1 AND f.seq <= $3 AND f.kind = 'settlement'
    AND f.episode_id <> f.mdtrt_id) e`

/** First key of the month-end advisory lock ('mend', as PgLedger.monthEndRun); the second is hashtext(month/pool). */
const MONTH_END_LOCK = 0x6d656e64

/** The run row's columns, in the table's order. */
const RUN_COLUMNS = 'month, pool, status, budget_fen, ratio_ppm, total_points_1e4, dip_total_fen, point_value, ledger_seq, run_at, closed_at, report_json'
const HOSPITAL_RECORD = `fixmedins_code text, points_1e4 bigint, discharges bigint, dip_amount_fen bigint, item_fund_fen bigint,
  patient_paid_fen bigint, adj_points_1e4 bigint, adj_dip_amount_fen bigint, adj_item_fund_fen bigint, adj_patient_paid_fen bigint,
  payable_fen bigint, payout_fen bigint, withheld_fen bigint`
const HOSPITAL_COLUMNS = `fixmedins_code, points_1e4, discharges, dip_amount_fen, item_fund_fen, patient_paid_fen, adj_points_1e4,
  adj_dip_amount_fen, adj_item_fund_fen, adj_patient_paid_fen, payable_fen, payout_fen, withheld_fen`
const CASE_RECORD = 'setl_id text, fixmedins_code text, status text, grouped_points_1e4 bigint, paid_points_1e4 bigint'
const CASE_COLUMNS = 'setl_id, fixmedins_code, status, grouped_points_1e4, paid_points_1e4'

/** A year's months as a range on the text key (not LIKE, so the primary key serves it). */
const yearRange = (year: number): [string, string] => [`${year}-`, `${year + 1}-`]

export class PgReports implements ReportsPort {
  private readonly pool: pg.Pool
  /** The last run queued per (month, pool) in this process. */
  private readonly runQueues = new Map<string, Promise<unknown>>()

  constructor(private readonly ledger: PgLedger) {
    this.pool = ledger.connections
  }

  private async rows<R>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return (await this.pool.query<R & pg.QueryResultRow>({ name, text, values })).rows
  }

  // ---- discharges ------------------------------------------------------------------------------------------------

  /** Migration 1 makes the settlements with the ledger: a PostgreSQL ledger always has them. */
  async hasSettlements(): Promise<boolean> {
    return true
  }

  /** The watermark (ledger.ts): no smaller seq is still in flight, so a run bounded by it misses no row. */
  ledgerSeq(): Promise<number> {
    return this.ledger.ledgerSeq()
  }

  monthSums(month: string, pool: Pool, uptoSeq: number): Promise<HospitalSums[]> {
    return this.rows('rep-month-sums', `
      SELECT s.fixmedins_code AS code, COALESCE(SUM(s.dip_points_1e4), 0) AS points1e4,
             SUM(s.medfee_sumamt_fen) AS "medfeeFen", SUM(s.hifp_pay_fen) AS "hifpFen",
             SUM(CASE s.kind WHEN 'settlement' THEN 1 ELSE -1 END) AS discharges
        FROM settlements s WHERE ${MONTH_ROWS}
       GROUP BY s.fixmedins_code ORDER BY s.fixmedins_code COLLATE "C"`, [month, pool, uptoSeq])
  }

  async episodeRows(month: string, pool: Pool, uptoSeq: number): Promise<EpisodeRow[]> {
    const rows = await this.rows<Omit<EpisodeRow, 'dip'> & { resultJson: string | null }>('rep-episode-rows', `
      SELECT s.setl_id AS "setlId", s.seq, s.kind, s.reverses, s.fixmedins_code AS code, s.psn_no AS "psnNo",
             s.mdtrt_id AS "mdtrtId", s.episode_id AS "episodeId", s.begn_day AS "begnDay", s.end_day AS "endDay",
             COALESCE(s.dip_points_1e4, 0) AS points1e4, s.medfee_sumamt_fen AS "medfeeFen", s.hifp_pay_fen AS "hifpFen",
             s.result_json AS "resultJson"
        FROM ${MERGED_EPISODES} JOIN settlements s ON s.psn_no = e.psn_no AND s.episode_id = e.episode_id
       WHERE ${MONTH_ROWS}
       ORDER BY s.seq`, [month, pool, uptoSeq])
    return rows.map(({ resultJson, ...r }) => ({ ...r, dip: r.kind === 'settlement' ? dipOf(resultJson) : null }))
  }

  async reviewCandidates(month: string, pool: Pool, uptoSeq: number): Promise<ReviewCandidate[]> {
    const rows = await this.rows<Omit<ReviewCandidate, 'dip'> & { resultJson: string | null }>('rep-review', `
      SELECT s.setl_id AS "setlId", s.mdtrt_id AS "mdtrtId", s.fixmedins_code AS code, s.dip_group_code AS "groupCode",
             s.medfee_sumamt_fen AS "medfeeFen", COALESCE(s.dip_points_1e4, 0) AS points1e4, s.result_json AS "resultJson"
        FROM settlements s
       WHERE ${MONTH_ROWS} AND s.dip_deviation = 'review' AND ${LIVE_UPTO}
       ORDER BY s.seq`, [month, pool, uptoSeq])
    return rows.map(({ resultJson, ...r }) => ({ ...r, dip: dipOf(resultJson) }))
  }

  carriedRows(month: string, pool: Pool, afterSeq: number, uptoSeq: number): Promise<CarriedRow[]> {
    return this.rows('rep-carried', `
      SELECT setl_id AS "setlId", kind, reverses, fixmedins_code AS code, month,
             COALESCE(dip_points_1e4, 0) AS points1e4, medfee_sumamt_fen AS "medfeeFen", hifp_pay_fen AS "hifpFen"
        FROM settlements
       WHERE month = $1 AND insutype = $2 AND inpatient = 1 AND seq > $3 AND seq <= $4
       ORDER BY seq`, [month, pool, afterSeq, uptoSeq])
  }

  async liveCases(month: string, pool: Pool, uptoSeq: number, codes: readonly string[]): Promise<CaseRow[]> {
    if (codes.length === 0) return []
    return this.rows('rep-live-cases', `
      SELECT s.setl_id, s.mdtrt_id, s.fixmedins_code, s.enddate, s.dip_group_code, s.dip_kind, s.dip_deviation, s.dip_flags,
             COALESCE(s.dip_points_1e4, 0) AS points1e4, s.medfee_sumamt_fen AS medfee, s.hifp_pay_fen AS hifp,
             s.episode_id, s.psn_no
        FROM settlements s
       WHERE ${MONTH_ROWS} AND ${LIVE_UPTO} AND s.fixmedins_code = ANY($4::text[])
       ORDER BY s.seq`, [month, pool, uptoSeq, codes])
  }

  async settlementFacts(setlId: string): Promise<SettlementFacts | undefined> {
    const [row] = await this.rows<SettlementFacts>('rep-facts', `
      SELECT s.setl_id AS "setlId", s.kind, s.fixmedins_code AS code, s.dip_deviation AS deviation, s.month, s.insutype,
             EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id) AS reversed,
             EXISTS (SELECT 1 FROM settlements f WHERE f.psn_no = s.psn_no AND f.episode_id = s.episode_id
                     AND f.episode_id <> f.mdtrt_id) AS "inEpisode"
        FROM settlements s WHERE s.setl_id = $1`, [setlId])
    return row
  }

  /** The 4101A lists of the month's settlements (postgres/setl-lists.ts). */
  /** 异地就医 rows (cross-region-port.ts): month-end's `dip.include_cross_region` = false view reads them. */
  crossRegionRows(month: string, uptoSeq: number): Promise<CrossRegionRow[]> {
    return this.ledger.crossRegion.crossRegionRows(month, uptoSeq)
  }

  /** 智能监控 flags of the month (monitoring-port.ts): each feedback report shows its hospital's. */
  monitoredSettlements(month: string): Promise<MonitoredSettlement[]> {
    return pgMonitoring(this.pool).monitoredSettlements(month)
  }

  setlListGroupings(month: string, pool: Pool, uptoSeq: number): Promise<SetlListGrouping[]> {
    return pgSetlListGroupings(this.pool, month, pool, uptoSeq)
  }

  // ---- month-end runs --------------------------------------------------------------------------------------------

  async getRun(month: string, pool: Pool): Promise<RunRow | undefined> {
    const [row] = await this.rows<RunRow>('rep-run', `SELECT ${RUN_COLUMNS} FROM month_end_runs WHERE month = $1 AND pool = $2`, [month, pool])
    return row
  }

  closedRuns(pool: Pool): Promise<RunRow[]> {
    return this.rows('rep-closed-runs', `SELECT ${RUN_COLUMNS} FROM month_end_runs WHERE pool = $1 AND status = 'closed'
      ORDER BY month COLLATE "C"`, [pool])
  }

  runsOfYear(year: number, pool: Pool): Promise<RunRow[]> {
    return this.rows('rep-runs-of-year', `SELECT ${RUN_COLUMNS} FROM month_end_runs
      WHERE month COLLATE "C" >= $1 AND month COLLATE "C" < $2 AND pool = $3 ORDER BY month COLLATE "C"`, [...yearRange(year), pool])
  }

  listRuns(): Promise<RunRow[]> {
    return this.rows('rep-list-runs', `SELECT ${RUN_COLUMNS} FROM month_end_runs ORDER BY month COLLATE "C" DESC, pool COLLATE "C"`, [])
  }

  hospitalRows(month: string, pool: Pool): Promise<HospitalRow[]> {
    return this.rows('rep-hospital-rows', `SELECT month, pool, ${HOSPITAL_COLUMNS} FROM month_end_hospitals
      WHERE month = $1 AND pool = $2 ORDER BY fixmedins_code COLLATE "C"`, [month, pool])
  }

  hospitalYear(pool: Pool, code: string, year: number): Promise<(HospitalRow & { month: string })[]> {
    return this.rows('rep-hospital-year', `SELECT month, pool, ${HOSPITAL_COLUMNS} FROM month_end_hospitals
      WHERE pool = $1 AND fixmedins_code = $2 AND month COLLATE "C" >= $3 AND month COLLATE "C" < $4
      ORDER BY month COLLATE "C"`, [pool, code, ...yearRange(year)])
  }

  caseRows(month: string, pool: Pool): Promise<JudgedCaseRow[]> {
    return this.rows('rep-case-rows', `SELECT month, pool, ${CASE_COLUMNS} FROM month_end_cases
      WHERE month = $1 AND pool = $2 ORDER BY setl_id COLLATE "C"`, [month, pool])
  }

  /**
   * Runs of one (month, pool) queue in this process in call order (as on SQLite), each then taking the database's
   * advisory lock against other processes: one guard connection per (month, pool) per process at a time.
   */
  async exclusiveRun<T>(month: string, pool: Pool, fn: () => Promise<T>): Promise<T> {
    const key = `${month}/${pool}`
    const before = this.runQueues.get(key) ?? Promise.resolve()
    const mine = before.then(() => this.lockedRun(key, fn), () => this.lockedRun(key, fn))
    const tail = mine.catch(() => undefined)
    this.runQueues.set(key, tail)
    try {
      return await mine
    } finally {
      if (this.runQueues.get(key) === tail) this.runQueues.delete(key)
    }
  }

  /** fn while this connection's transaction holds the advisory lock of (month, pool). */
  private async lockedRun<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const guard = new pg.Client({ connectionString: this.ledger.url })
    // a guard connection the server drops ends the run's transaction: the lock is released, fn's saveRun still checks
    guard.on('error', () => {})
    await guard.connect()
    try {
      await guard.query('BEGIN')
      await guard.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MONTH_END_LOCK, key])
      const out = await fn()
      await guard.query('COMMIT')
      return out
    } finally {
      await guard.end().catch(() => {})
    }
  }

  saveRun(run: RunRow, hospitals: readonly HospitalRow[], cases: readonly JudgedCaseRow[], priorRunAt: string | null): Promise<SaveRunOutcome> {
    return inTransaction(this.pool, async (c): Promise<SaveRunOutcome> => {
      const stored = (await c.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM month_end_runs WHERE month = $1 AND pool = $2 FOR UPDATE`,
        [run.month, run.pool])).rows[0]
      // closed is final; and a run saved by another process since this one began is not silently replaced
      if (stored?.status === 'closed') return { status: 'closed', run: stored }
      if ((stored?.run_at ?? null) !== priorRunAt) return { status: 'changed' }
      const key = [run.month, run.pool]
      await c.query('DELETE FROM month_end_runs WHERE month = $1 AND pool = $2', key)
      await c.query('DELETE FROM month_end_hospitals WHERE month = $1 AND pool = $2', key)
      await c.query('DELETE FROM month_end_cases WHERE month = $1 AND pool = $2', key)
      try {
        await c.query(`INSERT INTO month_end_runs (${RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
          run.month, run.pool, run.status, run.budget_fen, run.ratio_ppm, run.total_points_1e4, run.dip_total_fen,
          run.point_value, run.ledger_seq, run.run_at, run.closed_at, run.report_json,
        ])
      } catch (e) {
        // another run of the month, begun from none, inserted its row first (no row to lock): this one changed
        if (e instanceof pg.DatabaseError && e.code === '23505' && e.constraint === 'month_end_runs_pkey') return { status: 'changed' }
        throw e
      }
      // the rows as one JSON array each: one statement whatever their number
      await c.query(`INSERT INTO month_end_hospitals (month, pool, ${HOSPITAL_COLUMNS})
        SELECT $1, $2, ${HOSPITAL_COLUMNS} FROM jsonb_to_recordset($3::jsonb) AS x(${HOSPITAL_RECORD})`, [...key, JSON.stringify(hospitals)])
      await c.query(`INSERT INTO month_end_cases (month, pool, ${CASE_COLUMNS})
        SELECT $1, $2, ${CASE_COLUMNS} FROM jsonb_to_recordset($3::jsonb) AS x(${CASE_RECORD})`, [...key, JSON.stringify(cases)])
      return { status: 'saved' }
    })
  }

  async closedPayouts(pool: Pool, years: readonly number[]): Promise<{ code: string; year: number; payoutFen: number; withheldFen: number }[]> {
    const out: { code: string; year: number; payoutFen: number; withheldFen: number }[] = []
    for (const year of years) {
      const rows = await this.rows<{ code: string; payoutFen: number; withheldFen: number }>('rep-closed-payouts', `
        SELECT h.fixmedins_code AS code, SUM(h.payout_fen) AS "payoutFen", SUM(h.withheld_fen) AS "withheldFen"
          FROM month_end_hospitals h JOIN month_end_runs r ON r.month = h.month AND r.pool = h.pool
         WHERE h.pool = $1 AND r.status = 'closed' AND h.month COLLATE "C" >= $2 AND h.month COLLATE "C" < $3
         GROUP BY h.fixmedins_code ORDER BY h.fixmedins_code COLLATE "C"`, [pool, ...yearRange(year)])
      for (const r of rows) out.push({ ...r, year })
    }
    return out
  }

  // ---- 特例单议 ----------------------------------------------------------------------------------------------------

  async decideSpecialCase(setlId: string, decision: Decision, note: string | null, at: Date): Promise<void> {
    await this.pool.query({
      name: 'rep-decide', values: [setlId, decision, at.toISOString(), note],
      text: `INSERT INTO special_case_reviews (setl_id, decision, decided_at, note) VALUES ($1, $2, $3, $4)
        ON CONFLICT (setl_id) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at, note = excluded.note`,
    })
  }

  async specialCaseDecisions(): Promise<Map<string, Decision>> {
    const rows = await this.rows<{ setl_id: string; decision: Decision }>('rep-decisions', 'SELECT setl_id, decision FROM special_case_reviews', [])
    return new Map(rows.map((r) => [r.setl_id, r.decision]))
  }

  async applySpecialCase(setlId: string, code: string, note: string | null, at: Date): Promise<{ applied_at: string }> {
    // a second application keeps the first time and replaces the note; RETURNING gives the kept time either way
    const [row] = await this.rows<{ applied_at: string }>('rep-apply', `
      INSERT INTO special_case_applications (setl_id, fixmedins_code, applied_at, note) VALUES ($1, $2, $3, $4)
      ON CONFLICT (setl_id) DO UPDATE SET note = excluded.note
      RETURNING applied_at`, [setlId, code, at.toISOString(), note])
    return { applied_at: row!.applied_at }
  }

  async specialCaseApplications(): Promise<Map<string, string>> {
    const rows = await this.rows<{ setl_id: string; applied_at: string }>('rep-applications', 'SELECT setl_id, applied_at FROM special_case_applications', [])
    return new Map(rows.map((r) => [r.setl_id, r.applied_at]))
  }
}
