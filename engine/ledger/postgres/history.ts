// One person's history as read from PostgreSQL in one statement (one snapshot): the person's version, their
// person-year accumulators and their live stays. Adjudication's History is synchronous (ledger/types.ts): it is
// answered from this in-memory copy, which is exactly what the person's claims can ask about — a question about
// another person is a bug (the caller read the wrong person), not an empty history.
import { strict as assert } from 'node:assert'
import { ACCUM_FIELDS } from '../schema.js'
import type { History, PersonYear, StayRecord } from '../types.js'
import { ZERO_YEAR } from '../types.js'

/** Live settlements: settlements (not reversals) that no reversal names. */
export const LIVE = `s.kind = 'settlement' AND NOT EXISTS (SELECT 1 FROM settlements r WHERE r.reverses = s.setl_id)`

/**
 * $1 psn_no → one row: version (0 when the person has no row yet), years (json array of accumulator rows), stays
 * (json array of live stays, each with its act_pay_dedc_fen for episodeDeductibleFen, newest first by seq).
 */
export const PERSON_HISTORY_SQL = `SELECT
  COALESCE((SELECT version FROM ledger_persons WHERE psn_no = $1), 0) AS version,
  (SELECT COALESCE(json_agg(a), '[]') FROM (SELECT year, ${ACCUM_FIELDS.join(', ')} FROM accumulators WHERE psn_no = $1) a) AS years,
  (SELECT COALESCE(json_agg(st ORDER BY st.seq DESC), '[]') FROM (
     SELECT s.seq, s.mdtrt_id, s.setl_id, s.psn_no, s.fixmedins_code, s.alliance_id, s.level, s.begn_day, s.end_day,
            s.episode_id, s.episode_n, s.episode_dedc_fen, s.dx_category, s.year, s.act_pay_dedc_fen
       FROM settlements s WHERE s.psn_no = $1 AND s.episode_id IS NOT NULL AND ${LIVE}) st) AS stays`

type StayRow = StayRecord & { readonly seq: number; readonly act_pay_dedc_fen: number }

export interface PersonHistoryRow {
  readonly version: number
  readonly years: readonly (PersonYear & { readonly year: number })[]
  readonly stays: readonly StayRow[]
}

export class PersonHistory implements History {
  private readonly years = new Map<number, PersonYear>()
  private readonly stays: readonly StayRow[]

  constructor(readonly psnNo: string, row: PersonHistoryRow) {
    for (const y of row.years) {
      const py = {} as Record<keyof PersonYear, number>
      for (const f of ACCUM_FIELDS) py[f] = y[f]
      this.years.set(y.year, py)
    }
    // newest first by seq, as the SQLite ledger's ORDER BY seq DESC
    this.stays = row.stays
  }

  private own(psnNo: string): void {
    assert(psnNo === this.psnNo, `history of ${this.psnNo} asked about ${psnNo}`)
  }

  personYear(psnNo: string, year: number): PersonYear {
    this.own(psnNo)
    return this.years.get(year) ?? ZERO_YEAR
  }

  stay(psnNo: string, mdtrtId: string): StayRecord | undefined {
    this.own(psnNo)
    const s = this.stays.find((x) => x.mdtrt_id === mdtrtId)
    return s === undefined ? undefined : stayRecord(s)
  }

  recentStays(psnNo: string, sinceDay: number): readonly StayRecord[] {
    this.own(psnNo)
    // end_day DESC, seq DESC (stays is seq DESC already; sort is stable)
    return this.stays.filter((s) => s.end_day >= sinceDay).sort((a, b) => b.end_day - a.end_day).map(stayRecord)
  }

  episodeDeductibleFen(psnNo: string, episodeId: string): number {
    this.own(psnNo)
    let sum = 0
    for (const s of this.stays) if (s.episode_id === episodeId) sum += s.act_pay_dedc_fen
    return sum
  }
}

function stayRecord(s: StayRow): StayRecord {
  const { seq: _seq, act_pay_dedc_fen: _d, ...stay } = s
  return stay
}
