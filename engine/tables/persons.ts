// The persons of a tables file (persons.csv of the sources, SPEC §2, §11): not loaded with the other tables — read one
// person at a time, on demand, by psn_no (the table's primary key), through a read-only connection of their own.
// They are the base version of each person, effective from the beginning; the ledger's imported versions win from
// their own effective dates (engine/persons/lookup.ts).
import Database from 'better-sqlite3'
import { decodePerson } from '../persons/codec.js'
import type { PersonsSource } from '../persons/lookup.js'
import { BASE_EFFECTIVE_FROM, type PersonVersion } from '../persons/versions.js'
import type { Person } from './types.js'

export class TablesPersons implements PersonsSource {
  private db: Database.Database | undefined
  private byPsn: Database.Statement<[string], string> | undefined

  constructor(readonly file: string) {}

  private empty = false

  versions(psnNo: string): readonly PersonVersion[] {
    if (this.empty) return []
    if (this.byPsn === undefined) {
      this.db = new Database(this.file, { readonly: true, fileMustExist: true })
      // a tables file is never written once built (grouper-data/build.ts writes a new file and renames it over the
      // old): keep the shared lock for the connection's life instead of taking and dropping it, and re-reading the
      // header, on every lookup (system calls each time, and a kernel lock every worker of a pool contends for:
      // bench/README.md, issue 17). Other readers still share the file; no mmap, so that a file overwritten in place
      // by hand fails a lookup rather than killing the process with SIGBUS.
      this.db.pragma('locking_mode = EXCLUSIVE')
      // a region whose persons are all in its ledger: no query per lookup here
      this.empty = this.db.prepare('SELECT NOT EXISTS (SELECT 1 FROM persons)').pluck().get() === 1
      this.byPsn = this.db.prepare<[string], string>('SELECT record FROM persons WHERE psn_no = ?').pluck()
      if (this.empty) return []
    }
    const text = this.byPsn.get(psnNo)
    return text === undefined ? [] : [{ effectiveFrom: BASE_EFFECTIVE_FROM, person: decodePerson(text) }]
  }

  generation(): number {
    return 0
  }

  /** Every person of the file in psn_no order (the demo's claims, `data summary`): streamed, never all held here. */
  *all(): Generator<Person> {
    const db = new Database(this.file, { readonly: true, fileMustExist: true })
    try {
      for (const text of db.prepare<[], string>('SELECT record FROM persons ORDER BY psn_no').pluck().iterate()) yield decodePerson(text)
    } finally {
      db.close()
    }
  }

  close(): void {
    this.db?.close()
    this.db = undefined
    this.byPsn = undefined
  }
}
