// Every statement the SQLite ledger runs on the settlement side, prepared once per connection.
import type { Database as Db, Statement } from 'better-sqlite3'
import { SETTLEMENT_COLUMNS } from '../codec.js'
import { ACCUM_FIELDS } from '../schema.js'

const STAY_SELECT = `SELECT s.mdtrt_id, s.setl_id, s.psn_no, s.fixmedins_code, s.alliance_id, s.level, s.begn_day,
  s.end_day, s.episode_id, s.episode_n, s.episode_dedc_fen, s.dx_category, s.year FROM settlements s`
/** Live settlements: settlements (not reversals) that no reversal names. */
export const LIVE = `s.kind = 'settlement' AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id)`
/** Live stays: live inpatient settlements. */
const LIVE_STAY = `${LIVE} AND s.episode_id IS NOT NULL`

export interface Statements {
  readonly insertSettlement: Statement
  readonly insertLineSet: Statement
  readonly addAccum: Statement
  readonly maxSeq: Statement
  readonly byMsgid: Statement
  readonly bySetlId: Statement
  readonly reversalOf: Statement
  readonly linesOf: Statement
  readonly personVersion: Statement
  readonly personYear: Statement
  readonly personYears: Statement
  readonly stay: Statement
  readonly recentStays: Statement
  readonly liveStays: Statement
  readonly liveStaysInScope: Statement
  /** Live outpatient settlements of a person that ended on or after a day (history.ts OutpatientVisit). */
  readonly liveVisitsSince: Statement
  readonly liveMdtrt: Statement
  readonly episodeDedc: Statement
  /** psn_no → Σ account credits, fen (0 on a ledger opened read-only from before the table existed). */
  readonly accountCredits: Statement
  /** psn_no → Σ acct_paid_fen over every year, fen. */
  readonly accountPaid: Statement
}

export function prepareStatements(db: Db): Statements {
  return {
    // positional binds: an object of ~60 named parameters costs more to bind than the row is to write
    insertSettlement: db.prepare(`INSERT INTO settlements (${SETTLEMENT_COLUMNS.join(', ')})
      VALUES (${SETTLEMENT_COLUMNS.map(() => '?').join(', ')})`),
    insertLineSet: db.prepare('INSERT INTO settlement_line_sets (setl_id, lines) VALUES (?, ?)'),
    addAccum: db.prepare(`INSERT INTO accumulators (psn_no, year, ${ACCUM_FIELDS.join(', ')})
      VALUES (@psn_no, @year, ${ACCUM_FIELDS.map((c) => '@' + c).join(', ')})
      ON CONFLICT (psn_no, year) DO UPDATE SET ${ACCUM_FIELDS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`),
    maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM settlements').pluck(),
    byMsgid: db.prepare('SELECT setl_id, body_hash, result_json FROM settlements WHERE msgid = ?'),
    bySetlId: db.prepare('SELECT * FROM settlements WHERE setl_id = ?'),
    reversalOf: db.prepare('SELECT setl_id FROM settlements WHERE reverses = ?').pluck(),
    personVersion: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM settlements WHERE psn_no = ?').pluck(),
    linesOf: db.prepare('SELECT lines FROM settlement_line_sets WHERE setl_id = ?').pluck(),
    personYear: db.prepare(`SELECT ${ACCUM_FIELDS.join(', ')} FROM accumulators WHERE psn_no = ? AND year = ?`),
    personYears: db.prepare(`SELECT year, ${ACCUM_FIELDS.join(', ')} FROM accumulators WHERE psn_no = ?`),
    stay: db.prepare(`${STAY_SELECT} WHERE s.psn_no = ? AND s.mdtrt_id = ? AND ${LIVE_STAY} ORDER BY s.seq DESC LIMIT 1`),
    recentStays: db.prepare(`${STAY_SELECT} WHERE s.psn_no = ? AND s.end_day >= ? AND ${LIVE_STAY}
      ORDER BY s.end_day DESC, s.seq DESC`),
    liveStays: db.prepare(`SELECT s.mdtrt_id, s.setl_id, s.psn_no, s.fixmedins_code, s.alliance_id, s.level, s.begn_day,
      s.end_day, s.episode_id, s.episode_n, s.episode_dedc_fen, s.dx_category, s.year, s.act_pay_dedc_fen, s.seq
      FROM settlements s WHERE s.psn_no = ? AND ${LIVE_STAY}`),
    // the scope's stays (history.ts HistoryScope): ended since a day, the named visits, and their episodes
    liveStaysInScope: db.prepare(`SELECT s.mdtrt_id, s.setl_id, s.psn_no, s.fixmedins_code, s.alliance_id, s.level, s.begn_day,
      s.end_day, s.episode_id, s.episode_n, s.episode_dedc_fen, s.dx_category, s.year, s.act_pay_dedc_fen, s.seq
      FROM settlements s WHERE s.psn_no = @psn AND ${LIVE_STAY} AND (s.end_day >= @since
        OR s.mdtrt_id IN (SELECT value FROM json_each(@ids))
        OR s.episode_id IN (SELECT e.episode_id FROM settlements e WHERE e.psn_no = @psn AND e.episode_id IS NOT NULL
          AND e.mdtrt_id IN (SELECT value FROM json_each(@ids))))`),
    // bounded by the scope's sinceDay on the (psn_no, end_day) index; a reversal is found by its UNIQUE reverses
    liveVisitsSince: db.prepare(`SELECT s.mdtrt_id, s.setl_id, s.fixmedins_code, s.begn_day, s.end_day
      FROM settlements s WHERE s.psn_no = ? AND s.end_day >= ? AND s.inpatient = 0 AND ${LIVE}`),
    episodeDedc: db.prepare(`SELECT COALESCE(SUM(s.act_pay_dedc_fen), 0) FROM settlements s
      WHERE s.psn_no = ? AND s.episode_id = ? AND ${LIVE_STAY}`).pluck(),
    liveMdtrt: db.prepare(`SELECT s.setl_id FROM settlements s WHERE s.psn_no = ? AND s.mdtrt_id = ? AND ${LIVE}`).pluck(),
    accountCredits: db.prepare(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'account_credits'").get() === undefined
      ? 'SELECT 0 * length(?)'
      : 'SELECT COALESCE(SUM(amount_fen), 0) FROM account_credits WHERE psn_no = ?').pluck(),
    accountPaid: db.prepare('SELECT COALESCE(SUM(acct_paid_fen), 0) FROM accumulators WHERE psn_no = ?').pluck(),
  }
}
