// `dipsettle adjudicate | reverse | ledger verify` end to end on the demo region: the built CLI (dist/), a real
// ledger file, demo claims from engine/demo/claims.ts.
import Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { loadTables } from '../../engine/tables/load.js'
import type { ClaimInput } from '../../engine/claim.js'
import { tempDir } from '../ledger/fixtures.js'
import { buildDemoTables, cli, cliAsync, jsonLines } from './helpers.js'

let tmp: ReturnType<typeof tempDir>
let tables: string
let claims: ClaimInput[]
let input: string

beforeAll(() => {
  tmp = tempDir()
  tables = buildDemoTables(tmp.dir)
  claims = [...generateDemoClaims(loadTables(tables), { count: 2000, seed: 11, month: '2026-10', outpatientShare: 0.2, referralShare: 0.1 })]
  input = claims.map((c) => JSON.stringify(c)).join('\n') + '\n'
})
afterAll(() => tmp.cleanup())

const rowCount = (file: string): number => {
  const db = new Database(file, { readonly: true })
  try { return db.prepare('SELECT COUNT(*) FROM settlements').pluck().get() as number } finally { db.close() }
}

describe('dipsettle adjudicate', () => {
  it('without --ledger computes every claim (status computed), one line per input line in order', () => {
    const some = claims.slice(0, 20)
    const p = cli(['adjudicate', '--tables', tables], some.map((c) => JSON.stringify(c)).join('\n') + '\n')
    expect(p.status).toBe(0)
    const out = jsonLines(p.stdout)
    expect(out.map((o) => o['msgid'])).toEqual(some.map((c) => c.msgid))
    expect(out.every((o) => o['status'] === 'computed' && o['setl_id'] === undefined)).toBe(true)
  })

  it('answers a line that is not JSON with E_BAD_JSON on field "" in its place, and still exits 0', () => {
    const [a, b] = claims
    const p = cli(['adjudicate', '--tables', tables], `${JSON.stringify(a)}\n{not json\n${JSON.stringify(b)}\n`)
    expect(p.status).toBe(0)
    const out = jsonLines(p.stdout)
    expect(out.map((o) => o['status'])).toEqual(['computed', 'rejected', 'computed'])
    expect(out[1]?.['reasons']).toEqual([expect.objectContaining({ code: 'E_BAD_JSON', field: '' })])
  })

  it('settles 2,000 demo claims into a ledger that verify accepts; the same input again replays every answer', () => {
    const ledger = tmp.file('demo.sqlite')
    const p = cli(['adjudicate', '--tables', tables, '--ledger', ledger], input)
    expect(p.status).toBe(0)
    const out = jsonLines(p.stdout)
    expect(out).toHaveLength(claims.length)
    expect(out.map((o) => o['msgid'])).toEqual(claims.map((c) => c.msgid))
    const settled = out.filter((o) => o['status'] === 'settled')
    expect(settled.length).toBeGreaterThan(claims.length * 0.9)
    expect(new Set(settled.map((o) => o['setl_id'])).size).toBe(settled.length)

    const v = cli(['ledger', 'verify', '--ledger', ledger, '--tables', tables])
    expect([v.status, v.stdout]).toEqual([0, expect.stringMatching(/^ok/)])

    const again = cli(['adjudicate', '--tables', tables, '--ledger', ledger], input)
    expect(again.status).toBe(0)
    expect(jsonLines(again.stdout)).toEqual(out)
    expect(rowCount(ledger)).toBe(settled.length)
  })

  it('--dry-run computes against the ledger and leaves the file byte-identical', () => {
    const ledger = tmp.file('dry.sqlite')
    const first = claims.slice(0, 50).map((c) => JSON.stringify(c)).join('\n') + '\n'
    expect(cli(['adjudicate', '--tables', tables, '--ledger', ledger], first).status).toBe(0)
    const before = readFileSync(ledger)
    const p = cli(['adjudicate', '--tables', tables, '--ledger', ledger, '--dry-run'], claims.slice(50, 100).map((c) => JSON.stringify(c)).join('\n'))
    expect(p.status).toBe(0)
    expect(jsonLines(p.stdout).every((o) => o['status'] === 'computed' || o['status'] === 'rejected')).toBe(true)
    expect(readFileSync(ledger).equals(before)).toBe(true)
  })

  it('two processes settling the same claims on one ledger settle each msgid once and give the same answers', async () => {
    const ledger = tmp.file('two.sqlite')
    const some = claims.slice(0, 400).map((c) => JSON.stringify(c)).join('\n') + '\n'
    // small chunks so that the two writers interleave their transactions
    const [a, b] = await Promise.all([
      cliAsync(['adjudicate', '--tables', tables, '--ledger', ledger, '--chunk', '10'], some),
      cliAsync(['adjudicate', '--tables', tables, '--ledger', ledger, '--chunk', '10'], some),
    ])
    expect([a.status, b.status]).toEqual([0, 0])
    const outA = jsonLines(a.stdout)
    expect(jsonLines(b.stdout)).toEqual(outA)
    expect(rowCount(ledger)).toBe(outA.filter((o) => o['status'] === 'settled').length)
    expect(cli(['ledger', 'verify', '--ledger', ledger]).status).toBe(0)
  })

  it('--dry-run without --ledger is bad usage (exit 2)', () => {
    expect(cli(['adjudicate', '--tables', tables, '--dry-run'], '').status).toBe(2)
  })
})

describe('dipsettle reverse and ledger verify', () => {
  it('reverses a settlement, refuses a second reversal and an unknown setl_id, and verify still agrees', () => {
    const ledger = tmp.file('rev.sqlite')
    const some = claims.slice(0, 30)
    const out = jsonLines(cli(['adjudicate', '--tables', tables, '--ledger', ledger], some.map((c) => JSON.stringify(c)).join('\n')).stdout)
    const target = out.find((o) => o['status'] === 'settled') as { setl_id: string; setlinfo: Record<string, number> }
    const lines = [
      { setl_id: target.setl_id, msgid: 'H15020300001202611010000000001' },
      { setl_id: target.setl_id, msgid: 'H15020300001202611010000000002' },
      { setl_id: 'S999999999999', msgid: 'H15020300001202611010000000003' },
      { msgid: 'H15020300001202611010000000004' },
    ]
    const p = cli(['reverse', '--ledger', ledger, '--tables', tables], lines.map((l) => JSON.stringify(l)).join('\n'))
    expect(p.status).toBe(0)
    const r = jsonLines(p.stdout)
    expect(r[0]).toMatchObject({ status: 'settled', reverses: target.setl_id })
    expect((r[0]?.['setlinfo'] as Record<string, number>)['medfee_sumamt']).toBe(-(target.setlinfo['medfee_sumamt'] ?? 0))
    expect(r.slice(1).map((o) => (o['reasons'] as { code: string }[])[0]?.code))
      .toEqual(['E_ALREADY_REVERSED', 'E_UNKNOWN_SETTLEMENT', 'E_FIELD_MISSING'])
    expect(cli(['ledger', 'verify', '--ledger', ledger]).status).toBe(0)
  })

  it('verify exits 1 naming the person, year and field of a tampered accumulator', () => {
    const ledger = tmp.file('tamper.sqlite')
    cli(['adjudicate', '--tables', tables, '--ledger', ledger], claims.slice(0, 10).map((c) => JSON.stringify(c)).join('\n'))
    const db = new Database(ledger)
    const row = db.prepare('SELECT psn_no, year FROM accumulators LIMIT 1').get() as { psn_no: string; year: number }
    db.prepare('UPDATE accumulators SET hifp_paid_fen = hifp_paid_fen + 100 WHERE psn_no = ? AND year = ?').run(row.psn_no, row.year)
    db.close()
    const v = cli(['ledger', 'verify', '--ledger', ledger])
    expect(v.status).toBe(1)
    expect(v.stdout).toContain(`psn_no ${row.psn_no} year ${row.year} hifp_paid_fen`)
  })

  it('reverse and verify on a ledger file that does not exist are bad usage (exit 2)', () => {
    expect(cli(['reverse', '--ledger', tmp.file('none.sqlite')], '').status).toBe(2)
    expect(cli(['ledger', 'verify', '--ledger', tmp.file('none.sqlite')]).status).toBe(2)
    expect(cli(['reverse'], '').status).toBe(2)
  })
})
