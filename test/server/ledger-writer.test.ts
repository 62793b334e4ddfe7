// Real-time settlement through the ledger writer thread (groupCommit 'thread', the default of the real service):
// the event loop adjudicates, a worker thread appends and commits. Same answers as settling inline; one claim per
// person at a time; msgid idempotency across concurrent requests; a person written by another process in between is
// adjudicated again; a dead writer thread loses nothing and doubles nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTables } from '../../grouper-data/build.js'
import { adjudicate } from '../../engine/adjudicate/index.js'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { bodyHash, processClaim } from '../../engine/ledger/settle.js'
import { openLedger, prepareRecord, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { LedgerWriter } from '../../engine/ledger/writer.js'
import { DEMO_SOURCES_DIR } from '../../engine/paths.js'
import type { AdjudicationResult } from '../../engine/result.js'
import { loadTables } from '../../engine/tables/load.js'
import type { Tables } from '../../engine/tables/types.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { WriterCommitter } from '../../server/writer-commit.js'
import { bearer } from './fixtures.js'

let dir: string
let tables: Tables
let claims: ClaimInput[]
let n = 0

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dipsettle-writer-'))
  const tablesFile = join(dir, 'tables.sqlite')
  buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: tablesFile })
  tables = loadTables(tablesFile)
  // few persons, many claims each (each claim given one of 12 persons of its insurance type): the per-person order,
  // readmissions and the accumulators matter
  const generated = [...generateDemoClaims(tables, { count: 400, seed: 5, month: '2026-10', referralShare: 0.3 })]
  const personsOf = new Map<string, string[]>()
  for (const c of generated) {
    const ps = personsOf.get(c.insutype) ?? []
    if (ps.length < 12 && !ps.includes(c.psn_no)) ps.push(c.psn_no)
    personsOf.set(c.insutype, ps)
  }
  claims = generated.map((c, i) => {
    const ps = personsOf.get(c.insutype)!
    return { ...c, psn_no: ps[i % ps.length]! }
  })
}, 60_000)

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

interface World {
  readonly app: App
  readonly ledger: SqliteLedger
  readonly tokens: Record<string, string>
  readonly post: (c: unknown) => Promise<{ statusCode: number; json: () => AdjudicationResult & { code?: string } }>
}

async function world(opts: { groupCommit?: 'thread' | 'immediate' } = {}): Promise<World> {
  const ledger = openLedger(join(dir, `ledger-${++n}.sqlite`))
  const store = new CredentialStore(ledger.db)
  const tokens: Record<string, string> = {}
  for (const h of new Set(claims.map((c) => c.fixmedins_code))) tokens[h] = store.add({ hospital: h }).token
  const app = await buildApp({ tables, policy: tables.policy, ledger, closeLedger: true, ...opts })
  const post = (c: unknown) => app.inject({
    method: 'POST', url: '/v1/settlements', payload: c as object,
    headers: bearer(tokens[(c as ClaimInput).fixmedins_code] ?? ''),
  })
  return { app, ledger, tokens, post }
}

function withoutSetlId(r: AdjudicationResult): unknown {
  const { setl_id: _id, ...rest } = r
  return rest
}

describe('real-time settlement through the ledger writer thread', () => {
  it('answers as inline settlement does, claims sent together, and leaves the accumulators consistent', async () => {
    const w = await world()
    try {
      // all at once: the writer groups whatever is queued; a person's claims still go one after the other
      const answers = await Promise.all(claims.map((c) => w.post(c)))
      expect(answers.every((a) => a.statusCode === 200)).toBe(true)
      // the same claims one by one, inline, on another ledger
      const ref = openLedger(join(dir, `ledger-ref-${n}.sqlite`))
      try {
        const expected = claims.map((c) => processClaim(c, { tables, policy: tables.policy, ledger: ref }))
        expect(answers.map((a) => withoutSetlId(a.json()))).toEqual(expected.map(withoutSetlId))
        expect(answers.filter((a) => a.json().status === 'settled').length).toBeGreaterThan(claims.length / 2)
      } finally {
        ref.close()
      }
      expect(w.ledger.verify()).toEqual([])
      const ids = answers.map((a) => a.json().setl_id).filter((x) => x !== undefined)
      expect(new Set(ids).size).toBe(ids.length)
    } finally {
      await w.app.close()
    }
  })

  it('a msgid sent twice at once settles once; the same msgid with another body is a 409', async () => {
    const w = await world()
    try {
      const c = claims.find((x) => x.med_type === '21')!
      const [a, b] = await Promise.all([w.post(c), w.post({ ...c })])
      expect(a.statusCode).toBe(200)
      expect(b.json()).toEqual(a.json())
      const rows = () => w.ledger.db.prepare('SELECT COUNT(*) FROM settlements WHERE msgid = ?').pluck().get(c.msgid)
      expect(rows()).toBe(1)
      const other = await w.post({ ...c, enddate: c.begndate })
      expect(other.statusCode).toBe(409)
      expect(other.json().code).toBe('E_MSGID_CONFLICT')
      expect(rows()).toBe(1)
    } finally {
      await w.app.close()
    }
  })

  it('drains on close: every request in flight is answered and recorded before the ledger closes', async () => {
    const w = await world()
    const pending = claims.slice(0, 60).map((c) => w.post(c))
    const closed = w.app.close()
    const answers = await Promise.all(pending)
    await closed
    const settled = answers.filter((a) => a.statusCode === 200 && a.json().status === 'settled').length
    const check = openLedger(w.ledger.file)
    try {
      expect(check.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(settled)
      expect(check.verify()).toEqual([])
    } finally {
      check.close()
    }
  })
})

describe('the ledger writer and its committer', () => {
  it('refuses a settlement whose person moved since it was adjudicated (stale) and writes nothing', async () => {
    const file = join(dir, `ledger-${++n}.sqlite`)
    const ledger = openLedger(file)
    const writer = await LedgerWriter.start({ ledgerFile: file })
    try {
      const c = claims[0]!
      const o = adjudicate(c, { tables, policy: tables.policy, history: ledger })
      if (o.status !== 'ok') throw new Error('expected a settlement')
      const stale = await writer.submit(prepareRecord(o.settlement, bodyHash(c)), 12345)
      expect(stale).toMatchObject({ status: 'stale' })
      expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(0)
      const ok = await writer.submit(prepareRecord(o.settlement, bodyHash(c)), ledger.personVersion(c.psn_no))
      expect(ok).toMatchObject({ status: 'appended', setlId: 'S000000000001' })
      expect(ledger.verify()).toEqual([])
    } finally {
      await writer.close()
      ledger.close()
    }
  })

  it('adjudicates again when another process settles the same person between the read and the write', async () => {
    const file = join(dir, `ledger-${++n}.sqlite`)
    const ledger = openLedger(file)
    const other = openLedger(file) // stands for another process on the same file
    const writer = await LedgerWriter.start({ ledgerFile: file })
    const person = claims[0]!.psn_no
    const [first, second] = claims.filter((c) => c.psn_no === person && c.med_type === '21')
    if (first === undefined || second === undefined) throw new Error('expected two inpatient claims of one person')
    let calls = 0
    const committer = new WriterCommitter({
      tables, policy: tables.policy, ledger, writer,
      adjudicate: (input, ctx) => {
        calls++
        const out = adjudicate(input, ctx)
        // the first time only: the other process settles `first` after this adjudication read the history
        if (calls === 1) processClaim(first, { tables, policy: tables.policy, ledger: other })
        return out
      },
    })
    try {
      const r = await committer.submit(second)
      expect(calls).toBe(2)
      // the answer is the one computed against a history that holds `first`
      const ref = openLedger(join(dir, `ledger-ref-${n}.sqlite`))
      processClaim(first, { tables, policy: tables.policy, ledger: ref })
      const expected = processClaim(second, { tables, policy: tables.policy, ledger: ref })
      ref.close()
      expect(withoutSetlId(r)).toEqual(withoutSetlId(expected))
      expect(ledger.verify()).toEqual([])
    } finally {
      await writer.close()
      other.close()
      ledger.close()
    }
  })

  it('a writer thread that dies answers its requests failed, commits none of them, and the next request starts a new one', async () => {
    const file = join(dir, `ledger-${++n}.sqlite`)
    const ledger = openLedger(file)
    const writer = await LedgerWriter.start({ ledgerFile: file })
    try {
      const settled = claims.slice(0, 30).map((c) => {
        const o = adjudicate(c, { tables, policy: tables.policy, history: ledger })
        return o.status === 'ok' ? prepareRecord(o.settlement, bodyHash(c)) : undefined
      }).filter((p) => p !== undefined)
      // distinct persons only: each is appended against the version it was read at (0)
      const byPerson = [...new Map(settled.map((p) => [p.psnNo, p])).values()]
      const answers = byPerson.map((p) => writer.submit(p, 0))
      // the test's stand-in for a crash: the thread is stopped with requests queued
      await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate()
      const outcomes = await Promise.all(answers)
      const appended = outcomes.filter((o) => o.status === 'appended').length
      expect(outcomes.every((o) => o.status === 'appended' || o.status === 'failed')).toBe(true)
      expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(appended)
      expect(ledger.verify()).toEqual([])
      // failed ones can be sent again (a retry by the hospital): a new thread takes them
      const retried = await Promise.all(byPerson.filter((_, i) => outcomes[i]!.status === 'failed').map((p) => writer.submit(p, 0)))
      expect(retried.every((o) => o.status === 'appended')).toBe(true)
      expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(byPerson.length)
      expect(ledger.verify()).toEqual([])
    } finally {
      await writer.close()
      ledger.close()
    }
  })
})
