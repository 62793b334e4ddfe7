// What month-end reads from the ledger's append-only `settlements` table (engine/ledger/schema.ts): inpatient
// discharges of one pool whose enddate falls in the month. A reversal row carries the original's month with its
// amounts and points negated, so sums over a month net reversed discharges out; `seq` bounds what a run saw.
import type { Database, Statement } from 'better-sqlite3'
import type { Pool } from './types.js'

/** One hospital's sums over the month's rows up to a ledger seq (reversals netted). */
export interface HospitalSums {
  readonly code: string
  readonly points1e4: number
  readonly medfeeFen: number
  readonly hifpFen: number
  /** Settlements minus reversals: live discharges. */
  readonly discharges: number
}

/** A live 特例单议 candidate (deviation 'review') of the month. */
export interface ReviewCandidate {
  readonly setlId: string
  readonly mdtrtId: string
  readonly code: string
  readonly groupCode: string | null
  readonly medfeeFen: number
  readonly points1e4: number
}

/** A row recorded after its month was closed (a reversal, or a late settlement): carried into a later run. */
export interface CarriedRow {
  readonly setlId: string
  readonly kind: 'settlement' | 'reversal'
  readonly reverses: string | null
  readonly code: string
  readonly month: string
  readonly points1e4: number
  readonly medfeeFen: number
  readonly hifpFen: number
}

interface Statements { readonly sums: Statement; readonly review: Statement; readonly carried: Statement; readonly maxSeq: Statement }

const statements = new WeakMap<Database, Statements>()

function prepared(db: Database): Statements {
  const hit = statements.get(db)
  if (hit) return hit
  const s: Statements = {
    sums: db.prepare(`
      SELECT fixmedins_code AS code,
             COALESCE(SUM(dip_points_1e4), 0) AS points1e4,
             SUM(medfee_sumamt_fen) AS medfeeFen,
             SUM(hifp_pay_fen) AS hifpFen,
             SUM(CASE kind WHEN 'settlement' THEN 1 ELSE -1 END) AS discharges
        FROM settlements
       WHERE month = ? AND insutype = ? AND inpatient = 1 AND seq <= ?
       GROUP BY fixmedins_code`),
    review: db.prepare(`
      SELECT s.setl_id AS setlId, s.mdtrt_id AS mdtrtId, s.fixmedins_code AS code, s.dip_group_code AS groupCode,
             s.medfee_sumamt_fen AS medfeeFen, COALESCE(s.dip_points_1e4, 0) AS points1e4
        FROM settlements s
       WHERE s.month = ? AND s.insutype = ? AND s.inpatient = 1 AND s.seq <= ?
         AND s.kind = 'settlement' AND s.dip_deviation = 'review'
         AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id AND r.seq <= ?)
       ORDER BY s.seq`),
    carried: db.prepare(`
      SELECT setl_id AS setlId, kind, reverses, fixmedins_code AS code, month,
             COALESCE(dip_points_1e4, 0) AS points1e4, medfee_sumamt_fen AS medfeeFen, hifp_pay_fen AS hifpFen
        FROM settlements
       WHERE month = ? AND insutype = ? AND inpatient = 1 AND seq > ? AND seq <= ?
       ORDER BY seq`),
    maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM settlements'),
  }
  statements.set(db, s)
  return s
}

export function hasSettlementsTable(db: Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settlements'").get() !== undefined
}

/** The ledger's last seq: what a run started now sees. */
export function ledgerSeq(db: Database): number {
  return (prepared(db).maxSeq.get() as { seq: number }).seq
}

export function monthSums(db: Database, month: string, pool: Pool, uptoSeq: number): HospitalSums[] {
  return prepared(db).sums.all(month, pool, uptoSeq) as HospitalSums[]
}

export function reviewCandidates(db: Database, month: string, pool: Pool, uptoSeq: number): ReviewCandidate[] {
  return prepared(db).review.all(month, pool, uptoSeq, uptoSeq) as ReviewCandidate[]
}

/** Rows of `month` with afterSeq < seq ≤ uptoSeq. */
export function carriedRows(db: Database, month: string, pool: Pool, afterSeq: number, uptoSeq: number): CarriedRow[] {
  return prepared(db).carried.all(month, pool, afterSeq, uptoSeq) as CarriedRow[]
}
