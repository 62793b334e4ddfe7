// The HTTP benchmark's durable floor (bench/http-floor.ts): what it claims to cost is what it does — every claim's
// bytes appended and committed before its answer, requests of one event-loop turn in one transaction, answers of the
// asked size.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildFloorApp } from '../../bench/http-floor.js'

const dir = mkdtempSync(join(tmpdir(), 'dipsettle-floor-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('bench durable floor', () => {
  it('appends each body durably (WAL, synchronous=FULL) before answering, with answers of the settlement size', async () => {
    const file = join(dir, 'floor.sqlite')
    const floor = buildFloorApp({ file, answerBytes: 17_000 })
    const bodies = Array.from({ length: 5 }, (_, i) => JSON.stringify({ msgid: `H${i}`, psn_no: 'P1', fee: '1.00' }))
    // sent together: answered after one group commit
    const answers = await Promise.all(bodies.map((payload) =>
      floor.app.inject({ method: 'POST', url: '/floor', payload, headers: { 'content-type': 'application/json' } })))
    await floor.app.close()
    floor.close()
    for (const [i, a] of answers.entries()) {
      expect(a.statusCode).toBe(200)
      expect(a.rawPayload.length).toBe(17_000)
      expect(a.json()).toMatchObject({ status: 'recorded', msgid: `H${i}` })
    }
    const db = new Database(file, { readonly: true })
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      const rows = db.prepare('SELECT msgid, body FROM claims ORDER BY seq').all() as { msgid: string; body: Buffer }[]
      expect(rows.map((r) => r.msgid)).toEqual(['H0', 'H1', 'H2', 'H3', 'H4'])
      expect(rows.map((r) => r.body.toString('utf8'))).toEqual(bodies)
    } finally {
      db.close()
    }
  })

  it('refuses a body that is not JSON (400) and appends nothing for it', async () => {
    const file = join(dir, 'bad.sqlite')
    const floor = buildFloorApp({ file, answerBytes: 100 })
    const r = await floor.app.inject({ method: 'POST', url: '/floor', payload: '{"msgid":', headers: { 'content-type': 'application/json' } })
    await floor.app.close()
    floor.close()
    expect(r.statusCode).toBe(400)
    const db = new Database(file, { readonly: true })
    try {
      expect(db.prepare('SELECT COUNT(*) FROM claims').pluck().get()).toBe(0)
    } finally {
      db.close()
    }
  })
})
