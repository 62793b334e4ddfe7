// The persons port (engine/ledger/persons-port.ts) on PostgreSQL: tables of migration 2 (schema.ts). A batch is one
// multi-row upsert (unnest of three text arrays) in one transaction; a row whose stored record is the same is left
// alone (the upsert's WHERE), so a re-import changes nothing. Reads are by psn_no, the primary key's first column.
import type pg from 'pg'
import { inTransaction } from './transaction.js'
import { decodePerson, encodePerson } from '../../persons/codec.js'
import type { PersonVersion } from '../../persons/versions.js'
import type { Person } from '../../tables/types.js'
import type { PersonImportRow, PersonsBatchOutcome, PersonsPort } from '../persons-port.js'

const UPSERT_SQL = `INSERT INTO person_versions (psn_no, effective_from, record)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
  ON CONFLICT (psn_no, effective_from) DO UPDATE SET record = EXCLUDED.record
  WHERE person_versions.record IS DISTINCT FROM EXCLUDED.record`
const LOG_SQL = 'INSERT INTO person_imports (imported_at, source, rows, changed) VALUES ($1, $2, $3, $4)'
/** $1 asOf, $2 the last psn_no of the previous page ('' first), $3 page rows: each person's version in force. */
const IN_FORCE_SQL = `SELECT DISTINCT ON (psn_no COLLATE "C") psn_no, record FROM person_versions
  WHERE effective_from <= $1 AND psn_no COLLATE "C" > $2 ORDER BY psn_no COLLATE "C", effective_from DESC LIMIT $3`
const IN_FORCE_PAGE = 10_000
const VERSIONS_SQL = 'SELECT effective_from, record FROM person_versions WHERE psn_no = $1 ORDER BY effective_from'

export class PgPersons implements PersonsPort {
  constructor(private readonly pool: pg.Pool, private readonly now: () => Date = () => new Date()) {}

  async importPersons(rows: readonly PersonImportRow[], source: string): Promise<PersonsBatchOutcome> {
    return inTransaction(this.pool, async (c) => {
      const r = await c.query({ name: 'persons-upsert', text: UPSERT_SQL, values: [
        rows.map((x) => x.person.psnNo), rows.map((x) => x.effectiveFrom), rows.map((x) => encodePerson(x.person))] })
      const changed = r.rowCount ?? 0
      if (changed > 0) await c.query(LOG_SQL, [this.now().toISOString(), source, rows.length, changed])
      return { changed, unchanged: rows.length - changed }
    })
  }

  async personVersions(psnNo: string): Promise<readonly PersonVersion[]> {
    const r = await this.pool.query<{ effective_from: string; record: string }>({ name: 'person-versions', text: VERSIONS_SQL, values: [psnNo] })
    return r.rows.map((x) => ({ effectiveFrom: x.effective_from, person: decodePerson(x.record) }))
  }

  async personsCount(): Promise<number> {
    const r = await this.pool.query<{ n: number }>('SELECT COUNT(DISTINCT psn_no)::int AS n FROM person_versions')
    return r.rows[0]?.n ?? 0
  }

  async *personsInForce(asOf: string): AsyncGenerator<Person> {
    // keyset pages in psn_no order (bytewise, as SQLite's): no cursor held open across a whole region
    let after = ''
    for (;;) {
      const r = await this.pool.query<{ psn_no: string; record: string }>({ name: 'persons-in-force', text: IN_FORCE_SQL, values: [asOf, after, IN_FORCE_PAGE] })
      for (const x of r.rows) yield decodePerson(x.record)
      if (r.rows.length < IN_FORCE_PAGE) return
      after = r.rows[r.rows.length - 1]!.psn_no
    }
  }
}
