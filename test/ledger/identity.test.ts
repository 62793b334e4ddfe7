// SPEC §11: a file that is not a dipsettle ledger (another application's database, a copy of the tables file) is
// refused before anything is written — its bytes stay the same — by the library and by `adjudicate --ledger`.
import { copyFileSync, readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LEDGER_APPLICATION_ID, NotALedgerError, openLedger } from '../../engine/ledger/sqlite.js'
import { demoTablesFile } from '../fixtures/tables.js'
import { cli } from '../cli/helpers.js'
import { tempDir } from './fixtures.js'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => { tmp = tempDir() })
afterEach(() => tmp.cleanup())

function otherAppFile(): string {
  const file = tmp.file('other.sqlite')
  const db = new Database(file)
  db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')")
  db.close()
  return file
}

describe('the ledger file identity', () => {
  it('a new ledger is stamped with the application id and schema version; it opens again', () => {
    const file = tmp.file('l.sqlite')
    openLedger(file).close()
    const db = new Database(file, { readonly: true })
    expect(db.pragma('application_id', { simple: true })).toBe(LEDGER_APPLICATION_ID)
    db.close()
    expect(() => openLedger(file).close()).not.toThrow()
  })

  it('another application\'s database is refused, read-write and read-only, and its bytes stay unchanged', () => {
    const file = otherAppFile()
    const before = readFileSync(file)
    expect(() => openLedger(file)).toThrow(NotALedgerError)
    expect(() => openLedger(file, { readonly: true })).toThrow(/is not a dipsettle ledger/)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('a copy of the tables file is refused and left unchanged', () => {
    const file = tmp.file('tables-copy.sqlite')
    copyFileSync(demoTablesFile(), file)
    const before = readFileSync(file)
    expect(() => openLedger(file)).toThrow(NotALedgerError)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('`adjudicate --ledger` on another application\'s file fails without writing it', async () => {
    const file = otherAppFile()
    const before = readFileSync(file)
    const r = cli(['adjudicate', '--tables', demoTablesFile(), '--ledger', file], '{}\n')
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(/is not a dipsettle ledger/)
    expect(readFileSync(file).equals(before)).toBe(true)
  })
})
