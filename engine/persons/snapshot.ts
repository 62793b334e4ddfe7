// The persons a PostgreSQL ledger holds reach a decision with the person's history (SPEC §11): READ_HISTORY_SQL
// returns the person's imported versions in the same statement as their accumulators and stays (no second round
// trip, no cache to go stale between processes), the snapshot carries them (history.ts PersonHistoryData.
// personVersions), and while the claim is adjudicated they are layered over the tables file's persons — read as of
// the claim's enddate, as SQLite's synchronous lookup reads its ledger file. A snapshot without them (SQLite, the
// empty history) leaves the lookup as it is.
import { HistorySnapshot, type History } from '../history.js'
import type { Tables } from '../tables/types.js'
import { StoredPersons } from './lookup.js'

/** `decide()` run with the snapshot's person versions in force in `tables.persons`. */
export function withSnapshotPersons<T>(tables: Tables, history: History, decide: () => T): T {
  if (!(history instanceof HistorySnapshot)) return decide()
  const imported = history.data.personVersions
  if (imported === undefined || !(tables.persons instanceof StoredPersons)) return decide()
  return tables.persons.whileDeciding(history.psnNo, imported, decide)
}
