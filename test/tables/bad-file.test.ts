// #14 robustness: a tables file whose packed blobs do not match the sha256 stored at build time, that is not SQLite,
// lacks a table or has another format version is refused naming the file and the problem (TablesFileError); the CLI
// says so in one line and exits 1, without a stack trace.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { TablesFileError, loadTables } from '../../engine/tables/load.js'
import { TABLES_FORMAT_VERSION } from '../../engine/tables/packed.js'
import { demoTablesFile } from '../fixtures/tables.js'
import { cli } from '../cli/helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'dipsettle-bad-tables-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A copy of the demo tables with `change` applied through SQL. */
function damaged(name: string, change: (db: Database.Database) => void): string {
  const file = join(dir, name)
  copyFileSync(demoTablesFile(), file)
  const db = new Database(file)
  try { change(db) } finally { db.close() }
  return file
}

/** The one-line problem loadTables names for `file`. */
function refusal(file: string): string {
  try {
    loadTables(file)
  } catch (e) {
    expect(e).toBeInstanceOf(TablesFileError)
    return (e as Error).message
  }
  throw new Error(`${file} loaded`)
}

describe('loadTables refuses a bad tables file, naming it', () => {
  it('stores a sha256 of every packed blob and refuses a flipped byte inside the hospitals blob', () => {
    const file = damaged('flipped.sqlite', (db) => {
      const json = db.prepare("SELECT json FROM packed WHERE name = 'hospitals'").pluck().get() as string
      // one digit (of a code or a coefficient) changed: still valid JSON, integrity_check passes
      const at = json.search(/[1-8]/)
      const flipped = json.slice(0, at) + String(Number(json[at]) + 1) + json.slice(at + 1)
      db.prepare("UPDATE packed SET json = ? WHERE name = 'hospitals'").run(flipped)
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    })
    expect(refusal(file)).toBe(`tables file ${file}: the packed copy of hospitals fails its sha256 checksum (the file is damaged): rebuild it`)
  })

  it('a file that is not SQLite', () => {
    const file = join(dir, 'text.sqlite')
    writeFileSync(file, 'this is not a database, only some text long enough to have a header of sorts\n'.repeat(20))
    expect(refusal(file)).toMatch(new RegExp(`^tables file ${file}: not a dipsettle tables file \\(file is not a database\\)$`))
  })

  it('a missing table, another format version, a missing file', () => {
    expect(refusal(damaged('no-packed.sqlite', (db) => db.exec('DROP TABLE packed'))))
      .toMatch(/: not a dipsettle tables file \(no such table: packed\)$/)
    expect(refusal(damaged('v2.sqlite', (db) => db.prepare("UPDATE meta SET value = '2' WHERE key = 'builder_version'").run())))
      .toMatch(new RegExp(`: format version 2, this dipsettle reads ${TABLES_FORMAT_VERSION}: rebuild it with \`dipsettle data build\`$`))
    expect(refusal(join(dir, 'nowhere.sqlite'))).toMatch(/nowhere\.sqlite: /)
  })

  it('the CLI prints one line naming the file and the problem, exit 1, no stack trace', () => {
    const file = damaged('cli-flipped.sqlite', (db) => {
      db.prepare("UPDATE packed SET json = replace(json, '\"n\":', '\"n\" :') WHERE name = 'hospitals'").run()
    })
    const p = cli(['adjudicate', '--tables', file], '')
    expect(p.status).toBe(1)
    expect(p.stderr).toBe(`dipsettle: tables file ${file}: the packed copy of hospitals fails its sha256 checksum (the file is damaged): rebuild it\n`)
  })
})
