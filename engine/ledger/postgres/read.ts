// The reads of the PostgreSQL ledger: the per-person snapshot decide() consults and the msgid's first answer, in ONE
// statement (so one consistent state, without a lock or a transaction), and the stored answers.
import { HistorySnapshot } from '../../history.js'
import type { HistoryScope, LiveStay, OutpatientVisit, PersonYear, StayRecord } from '../../history.js'
import type { AdjudicationResult } from '../../result.js'
import { storedAnswer } from '../codec.js'
import { decodePerson } from '../../persons/codec.js'
import type { ClaimHistory } from '../port.js'
import type pg from 'pg'
import { READ_HISTORY_SQL } from './statements.js'
import { regionYearsOfRows, type RegionYearRow } from './cross-region.js'

type StayRow = StayRecord & { readonly act_pay_dedc_fen: number; readonly seq: number }

interface HistoryRow {
  readonly version: number
  readonly years: readonly (PersonYear & { readonly year: number })[]
  readonly stays: readonly StayRow[]
  readonly visits: readonly OutpatientVisit[]
  readonly region_years: readonly RegionYearRow[]
  readonly prior_hash: string | null
  readonly prior_json: string | null
  readonly prior_lines: string | null
  readonly account_credits_fen: number
  /** The person's imported versions (SPEC §11), [effective_from, record] ascending. */
  readonly person_versions: readonly (readonly [string, string])[]
}

export async function readClaimHistory(q: pg.Pool | pg.ClientBase, psnNo: string, msgid: string | undefined, scope?: HistoryScope): Promise<ClaimHistory> {
  // a sinceDay past every day (a claim without a begndate) is no bound on end_day: only the ids select
  const since = scope === undefined ? null : Math.min(scope.sinceDay, 2 ** 31 - 1)
  const values = [psnNo, msgid === '' ? null : msgid ?? null, since, scope === undefined ? [] : scope.mdtrtIds]
  const r = await q.query<HistoryRow>({ name: 'read-history', text: READ_HISTORY_SQL, values })
  const row = r.rows[0]!
  const years = new Map<number, PersonYear>()
  for (const { year, ...y } of row.years) years.set(year, y)
  const stays: LiveStay[] = row.stays.map(({ act_pay_dedc_fen, seq, ...stay }) => ({ stay, dedcFen: act_pay_dedc_fen, seq }))
  const prior = row.prior_hash === null || row.prior_json === null ? undefined
    : { bodyHash: row.prior_hash, result: answerOfRow(row.prior_json, row.prior_lines) }
  // a visitor's accumulators kept per insuring region (SPEC §13)
  const regionYears = regionYearsOfRows(row.region_years)
  // the person as imported, decided as of the claim's enddate (engine/persons/snapshot.ts)
  const personVersions = row.person_versions.map(([effectiveFrom, record]) => ({ effectiveFrom, person: decodePerson(record) }))
  return {
    history: new HistorySnapshot({
      psnNo, version: row.version, years, stays, visits: row.visits, accountCreditsFen: row.account_credits_fen, personVersions,
      ...(regionYears.size > 0 ? { regionYears } : {}), ...(scope !== undefined ? { scope } : {}),
    }),
    prior,
  }
}

export function answerOfRow(resultJson: string, lines: string | null): AdjudicationResult {
  return storedAnswer(resultJson, lines ?? undefined)
}
