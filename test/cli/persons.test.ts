// `dipsettle persons import` end to end with the built CLI (SPEC §11): persons imported into a ledger are the persons
// `adjudicate` settles against — in one process, in the worker pool, and on PostgreSQL — from their effective date on;
// a bad row is named `file:row:column` with exit 1 and nothing stored.
import { afterAll, beforeAll, expect, it, describe } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { loadTables } from '../../engine/tables/load.js'
import type { ClaimInput } from '../../engine/claim.js'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { buildDemoTables, cli, jsonLines } from './helpers.js'

const HEADER = 'psn_no,insutype,psn_kind,poverty,assistance,city,acct_balance_yuan\n'

let tmp: ReturnType<typeof tempDir>
let tables: string
/** Demo claims of October 2026, moved to a person the demo's persons.csv does not have. */
let claims: ClaimInput[]
let csv: string
beforeAll(() => {
  tmp = tempDir()
  tables = buildDemoTables(tmp.dir)
  const t = loadTables(tables)
  const demo = [...generateDemoClaims(t, { count: 4, seed: 21, month: '2026-10', outpatientShare: 0.5 })]
  claims = demo.map((c, i) => ({ ...c, psn_no: `Q00000000${i}` }))
  csv = HEADER + demo.map((c, i) => {
    const p = t.persons.get(c.psn_no)!
    return `Q00000000${i},${p.insutype},${p.psnKind},0,0,${p.city},`
  }).join('\n') + '\n'
})
afterAll(() => tmp.cleanup())

function statuses(out: string): string[] {
  return jsonLines(out).map((a) => a['status'] === 'rejected' ? (a['reasons'] as { code: string }[])[0]!.code : a['status'] as string)
}

describe('dipsettle persons import on a SQLite ledger', () => {
  it('imported persons settle from their effective date, in one process and in the pool', () => {
    const ledger = tmp.file('a.sqlite')
    const input = claims.map((c) => JSON.stringify(c)).join('\n') + '\n'
    // not yet known: the persons are not in the demo's persons.csv
    expect(statuses(cli(['adjudicate', '--tables', tables, '--ledger', ledger, '--dry-run'], input).stdout)).toEqual(Array(4).fill('E_UNKNOWN_PERSON'))
    // effective after October: still unknown for October's claims
    const late = cli(['persons', 'import', '--ledger', ledger, '--effective', '2026-11-01'], csv)
    expect(late.status).toBe(0)
    expect(JSON.parse(late.stdout)).toMatchObject({ rows: 4, changed: 4, unchanged: 0, batches: 1, problems: 0 })
    expect(statuses(cli(['adjudicate', '--tables', tables, '--ledger', ledger, '--dry-run'], input).stdout)).toEqual(Array(4).fill('E_UNKNOWN_PERSON'))
    // effective from January, as a JSON lines file: October's claims settle, in the pool too
    const jsonl = csv.trim().split('\n').slice(1).map((l) => {
      const [psn_no, insutype, psn_kind, poverty, assistance, city] = l.split(',')
      return JSON.stringify({ psn_no, insutype, psn_kind, poverty: poverty === '1', assistance: assistance === '1', city, effective_from: '2026-01-01' })
    }).join('\n') + '\n'
    expect(JSON.parse(cli(['persons', 'import', '--ledger', ledger], jsonl).stdout)).toMatchObject({ rows: 4, changed: 4 })
    expect(statuses(cli(['adjudicate', '--tables', tables, '--ledger', ledger, '--workers', '2'], input).stdout)).toEqual(Array(4).fill('settled'))
    // the same file again: nothing changes
    expect(JSON.parse(cli(['persons', 'import', '--ledger', ledger], jsonl).stdout)).toMatchObject({ rows: 4, changed: 0, unchanged: 4 })
  })

  it('a bad row: file:row:column on stderr, exit 1, nothing stored', () => {
    const ledger = tmp.file('b.sqlite')
    const r = cli(['persons', 'import', '--ledger', ledger, '--effective', '2026-01-01'], HEADER + 'Q000000001,390,resident,0,0,赤峰,\nQ000000002,390,retired,0,0,赤峰,\n')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('<stdin>:3:psn_kind: "retired" does not fit insutype 390 (resident)')
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 0, changed: 0, unchanged: 0, batches: 0, problems: 1 })
    expect(cli(['persons', 'import', '--ledger', ledger, '--effective', '2026-02-30'], '').status).toBe(2)
  })
})

describePg('dipsettle persons import on PostgreSQL', (server) => {
  it('adjudicate --ledger URL settles the persons imported into the database', async () => {
    const db = await freshDatabase(server, 'pcli')
    try {
      const input = claims.map((c) => JSON.stringify(c)).join('\n') + '\n'
      expect(statuses(cli(['adjudicate', '--tables', tables, '--ledger', db.url], input).stdout)).toEqual(Array(4).fill('E_UNKNOWN_PERSON'))
      expect(JSON.parse(cli(['persons', 'import', '--ledger', db.url, '--effective', '2026-01-01'], csv).stdout)).toMatchObject({ rows: 4, changed: 4 })
      expect(statuses(cli(['adjudicate', '--tables', tables, '--ledger', db.url], input).stdout)).toEqual(Array(4).fill('settled'))
    } finally {
      await db.drop()
    }
  })
})
