// The persons port (engine/ledger/persons-port.ts) on the SQLite ledger file: tables of schema.ts PERSONS_SCHEMA_SQL.
// Two sides: SqlitePersons writes (persons import, on the ledger's own read-write connection) and LedgerPersons reads
// synchronously for the engine's lookup (engine/persons/lookup.ts), on a read-only connection of its own — one per
// worker, the file's pages shared between them by the operating system's cache.
import Database from 'better-sqlite3'
import type { Database as Db } from 'better-sqlite3'
import { decodePerson, encodePerson } from '../../persons/codec.js'
import type { PersonsSource } from '../../persons/lookup.js'
import type { PersonVersion } from '../../persons/versions.js'
import type { Person } from '../../tables/types.js'
import type { PersonImportRow, PersonsBatchOutcome, PersonsPort } from '../persons-port.js'
import { PERSONS_SCHEMA_SQL } from '../schema.js'

const VERSIONS_SQL = 'SELECT effective_from, record FROM person_versions WHERE psn_no = ? ORDER BY effective_from'

export class SqlitePersons implements PersonsPort {
  private readonly upsert: Database.Statement<[string, string, string]>
  private readonly logImport: Database.Statement<[string, string, number, number]>
  private readonly versionsOf: Database.Statement<[string], [string, string]>
  private readonly batch: Database.Transaction<(rows: readonly PersonImportRow[], source: string) => PersonsBatchOutcome>

  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {
    // a ledger made before the persons tables existed gets them here
    db.exec(PERSONS_SCHEMA_SQL)
    this.upsert = db.prepare(`INSERT INTO person_versions (psn_no, effective_from, record) VALUES (?, ?, ?)
      ON CONFLICT (psn_no, effective_from) DO UPDATE SET record = excluded.record WHERE record <> excluded.record`)
    this.logImport = db.prepare('INSERT INTO person_imports (imported_at, source, rows, changed) VALUES (?, ?, ?, ?)')
    this.versionsOf = db.prepare<[string], [string, string]>(VERSIONS_SQL).raw(true)
    this.batch = db.transaction((rows: readonly PersonImportRow[], source: string): PersonsBatchOutcome => {
      let changed = 0
      for (const r of rows) changed += this.upsert.run(r.person.psnNo, r.effectiveFrom, encodePerson(r.person)).changes
      if (changed > 0) this.logImport.run(this.now().toISOString(), source, rows.length, changed)
      return { changed, unchanged: rows.length - changed }
    })
  }

  importPersons(rows: readonly PersonImportRow[], source: string): Promise<PersonsBatchOutcome> {
    return Promise.resolve(this.batch.immediate(rows, source))
  }

  personVersions(psnNo: string): Promise<readonly PersonVersion[]> {
    return Promise.resolve(this.versionsOf.all(psnNo).map(([effectiveFrom, record]) => ({ effectiveFrom, person: decodePerson(record) })))
  }

  personsCount(): Promise<number> {
    return Promise.resolve(this.db.prepare('SELECT COUNT(DISTINCT psn_no) FROM person_versions').pluck().get() as number)
  }

  async *personsInForce(asOf: string): AsyncGenerator<Person> {
    // the primary key's order: each person's versions ascending, the last one on or before asOf kept
    let psn: string | undefined
    let record: string | undefined
    for (const [p, from, r] of this.db.prepare<[], [string, string, string]>(
      'SELECT psn_no, effective_from, record FROM person_versions ORDER BY psn_no, effective_from').raw(true).iterate()) {
      if (p !== psn) {
        if (record !== undefined) yield decodePerson(record)
        psn = p
        record = undefined
      }
      if (from <= asOf) record = r
    }
    if (record !== undefined) yield decodePerson(record)
  }
}

/**
 * A ledger file's persons for the engine's synchronous lookup: on the connection of a process that has the ledger open
 * (`shared`, a pool worker's own), else on a read-only connection opened on first use. A ledger that does not exist
 * yet, or was made before the persons tables, holds no persons (until it is opened again).
 *
 * Why the worker's own connection: SQLite drops a connection's whole page cache when another connection has committed
 * since its last read, so a second connection on a ledger being written re-read the persons' index pages from the
 * kernel for every claim (perf: 139 of the lookup's 284 samples in the kernel, 97 on the worker's own connection;
 * bench/README.md "persons on the worker's connection").
 */
export class LedgerPersons implements PersonsSource {
  private db: Db | undefined
  private versionsOf: Database.Statement<[string], [string, string]> | undefined
  private generationOf: Database.Statement<[], number | null> | undefined
  private absent = false

  constructor(readonly file: string, private readonly shared?: Db) {}

  versions(psnNo: string): readonly PersonVersion[] {
    if (!this.open()) return []
    return this.versionsOf!.all(psnNo).map(([effectiveFrom, record]) => ({ effectiveFrom, person: decodePerson(record) }))
  }

  generation(): number {
    // a ledger absent at the last look may have been made since (refresh() asks once per batch)
    this.absent = false
    if (!this.open()) return 0
    return this.generationOf!.get() ?? 0
  }

  close(): void {
    if (this.shared === undefined) this.db?.close()
    this.db = undefined
  }

  private open(): boolean {
    if (this.db !== undefined) return true
    if (this.absent) return false
    let db: Db
    if (this.shared !== undefined) db = this.shared
    else {
      try {
        db = new Database(this.file, { readonly: true, fileMustExist: true })
      } catch {
        this.absent = true
        return false
      }
    }
    const has = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'person_versions'").pluck().get() as number
    if (has === 0) {
      if (this.shared === undefined) db.close()
      this.absent = true
      return false
    }
    this.db = db
    this.versionsOf = db.prepare<[string], [string, string]>(VERSIONS_SQL).raw(true)
    this.generationOf = db.prepare<[], number | null>('SELECT max(seq) FROM person_imports').pluck()
    return true
  }
}
