// A pool worker reads persons on its own ledger connection and refreshes them at each batch (SPEC §11 persons;
// engine/pool/worker.ts, engine/ledger/sqlite/persons.ts): what it settles must be what a fresh process would.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { LedgerPersons, SqlitePersons } from '../../engine/ledger/sqlite/persons.js'
import { importPersons } from '../../engine/persons/import.js'
import { AdjudicationPool } from '../../engine/pool/index.js'
import { tempDir } from '../ledger/fixtures.js'
import { chunked, Collect, demoTables, requireBuilt, tablesFile } from '../pool/helpers.js'

const HEADER = 'psn_no,insutype,psn_kind,poverty,assistance,city,acct_balance_yuan,effective_from\n'

let tmp: ReturnType<typeof tempDir>
beforeAll(() => {
  requireBuilt()
  tmp = tempDir()
})
afterAll(() => tmp.cleanup())

/** Imports persons.csv rows into the ledger file on a connection of this test's own (as `persons import` does). */
async function importRows(file: string, rows: string): Promise<void> {
  const l = openLedger(file)
  try {
    const r = await importPersons(Readable.from([Buffer.from(HEADER + rows)]), new SqlitePersons(l.db), { file: 'test.csv', effectiveFrom: '2026-01-01', format: 'csv' })
    expect(r.problems).toEqual([])
  } finally {
    l.close()
  }
}

/** Each answer's status, with a rejection's reason codes. */
async function settle(pool: AdjudicationPool, claims: readonly ClaimInput[]): Promise<string[][]> {
  const out = new Collect()
  await pool.run(chunked(claims.map((c) => JSON.stringify(c) + '\n').join('')), out)
  return out.text().trim().split('\n').map((l) => {
    const a = JSON.parse(l) as { status: string; reasons?: { code: string }[] }
    return [a.status, ...(a.reasons ?? []).map((r) => r.code)]
  })
}

describe('a pool worker and the persons of its ledger', () => {
  it('an import made while the worker lives is used from the next batch, though the worker read that person before', async () => {
    const tables = demoTables()
    const [first, second] = [...generateDemoClaims(tables, { count: 40, seed: 33, month: '2026-10', outpatientShare: 1 })]
      .filter((c, _, all) => all.filter((d) => d.psn_no === c.psn_no).length === 1).slice(0, 2)
    // the same person for both claims: the second one a day after the first's enddate
    const person = tables.persons.get(first!.psn_no)!
    const next = new Date(Date.parse(first!.enddate) + 86_400_000).toISOString().slice(0, 10)
    const later: ClaimInput = { ...second!, psn_no: first!.psn_no, insutype: person.insutype, begndate: next, enddate: next }
    const file = join(tmp.dir, 'live.sqlite')
    await importRows(file, `${first!.psn_no},${person.insutype},${person.psnKind},0,0,${person.city},,2026-01-01\n`)
    const pool = new AdjudicationPool({ tablesFile: tablesFile(), ledgerFile: file, workers: 1, batchSize: 1 })
    try {
      expect(await settle(pool, [first!])).toEqual([['settled']])
      // from `next` on, the person is insured under the other scheme: the later claim's insutype no longer matches
      const other = person.insutype === '310' ? '390,resident' : '310,in_service'
      await importRows(file, `${first!.psn_no},${other},0,0,${person.city},,${next}\n`)
      const [answer] = await settle(pool, [later])
      expect(answer![0]).toBe('rejected')
      expect(answer).toContain('E_INSUTYPE_MISMATCH')
    } finally {
      await pool.close()
    }
  })
})

describe('LedgerPersons on a connection it is given', () => {
  it('reads through that connection, sees its own uncommitted-then-committed writes, and leaves it open on close()', async () => {
    const file = join(tmp.dir, 'shared.sqlite')
    await importRows(file, 'Q000000001,390,resident,0,0,赤峰,,2026-01-01\n')
    const l = openLedger(file)
    try {
      const persons = new LedgerPersons(file, l.db)
      expect(persons.versions('Q000000001').map((v) => [v.effectiveFrom, v.person.insutype])).toEqual([['2026-01-01', '390']])
      const before = persons.generation()
      await new SqlitePersons(l.db).importPersons([{ effectiveFrom: '2026-07-01', person: { ...persons.versions('Q000000001')[0]!.person, insutype: '310', psnKind: 'in_service' } }], 'test')
      expect(persons.versions('Q000000001').map((v) => v.person.insutype)).toEqual(['390', '310'])
      expect(persons.generation()).toBeGreaterThan(before)
      persons.close()
      expect(l.db.open).toBe(true)
    } finally {
      l.close()
    }
  })

  it('a database without the persons tables holds no persons, and is not closed', () => {
    const file = join(tmp.dir, 'bare.sqlite')
    rmSync(file, { force: true })
    const db = new Database(file)
    try {
      const persons = new LedgerPersons(file, db)
      expect(persons.versions('Q000000001')).toEqual([])
      expect(persons.generation()).toBe(0)
      persons.close()
      expect(db.open).toBe(true)
    } finally {
      db.close()
    }
  })
})
