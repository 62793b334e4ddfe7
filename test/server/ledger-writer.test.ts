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
import type { AdjudicationResult, Settlement } from '../../engine/result.js'
import { loadTables } from '../../engine/tables/load.js'
import type { Tables } from '../../engine/tables/types.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { WriterCommitter } from '../../server/writer-commit.js'
import { Adjudicators } from '../../server/adjudicators.js'
import autocannon from 'autocannon'
import { listen } from '../../server/server.js'
import { bearer } from './fixtures.js'

let dir: string
let tablesFile: string
let tables: Tables
let claims: ClaimInput[]
let n = 0

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dipsettle-writer-'))
  tablesFile = join(dir, 'tables.sqlite')
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

async function makeWorld(opts: { groupCommit?: 'thread' | 'immediate'; adjudicatorThreads?: number } = {}): Promise<World> {
  const ledger = openLedger(join(dir, `ledger-${++n}.sqlite`))
  const store = new CredentialStore(ledger.db)
  const tokens: Record<string, string> = {}
  for (const h of new Set(claims.map((c) => c.fixmedins_code))) tokens[h] = store.add({ hospital: h }).token
  const { adjudicatorThreads, ...rest } = opts
  const app = await buildApp({
    tables, policy: tables.policy, ledger, closeLedger: true, ...rest,
    ...(adjudicatorThreads !== undefined ? { adjudicators: { threads: adjudicatorThreads, tablesFile } } : {}),
  })
  const post = (c: unknown) => app.inject({
    method: 'POST', url: '/v1/settlements', payload: c as object,
    headers: bearer(tokens[(c as ClaimInput).fixmedins_code] ?? ''),
  })
  return { app, ledger, tokens, post }
}

/** The first inpatient claim of the test set. */
function inpatientClaim(): ClaimInput {
  return claims.find((x) => x.med_type === '21')!
}

function withoutSetlId(r: AdjudicationResult): unknown {
  const { setl_id: _id, ...rest } = r
  return rest
}

describe.each([
  { mode: 'adjudicated on the event loop', adjudicatorThreads: undefined },
  { mode: 'adjudicated by 2 adjudicator threads', adjudicatorThreads: 2 },
])('real-time settlement through the ledger writer thread, $mode', ({ adjudicatorThreads }) => {
  const world = (): Promise<World> => makeWorld(adjudicatorThreads !== undefined ? { adjudicatorThreads } : {})
  /** fn in a fresh world, closed after it. */
  const inWorld = async (fn: (w: World) => Promise<void>): Promise<void> => {
    const w = await world()
    try {
      await fn(w)
    } finally {
      await w.app.close()
    }
  }

  it('answers as settling one claim at a time does, claims sent together, and leaves the accumulators consistent', async () => {
    await inWorld(async (w) => {
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
      // each row holds its body's hash (on the event loop's route the writer thread computed it from the text)
      const hashes = new Map(w.ledger.db.prepare('SELECT msgid, body_hash FROM settlements').raw().all() as [string, string][])
      expect(hashes.size).toBe(ids.length)
      for (const c of claims) if (hashes.has(c.msgid)) expect(hashes.get(c.msgid)).toBe(bodyHash(c))
    })
  })

  it('a msgid sent twice at once settles once; the same msgid with another body is a 409', async () => {
    await inWorld(async (w) => {
      const c = inpatientClaim()
      const [a, b] = await Promise.all([w.post(c), w.post({ ...c })])
      expect(a.statusCode).toBe(200)
      expect(b.json()).toEqual(a.json())
      const rows = () => w.ledger.db.prepare('SELECT COUNT(*) FROM settlements WHERE msgid = ?').pluck().get(c.msgid)
      expect(rows()).toBe(1)
      const other = await w.post({ ...c, enddate: c.begndate })
      expect(other.statusCode).toBe(409)
      expect(other.json().code).toBe('E_MSGID_CONFLICT')
      expect(rows()).toBe(1)
    })
  })

  it('a body that starts with a byte-order mark settles, its row holds the body\'s hash, and it replays', async () => {
    await inWorld(async (w) => {
      const c = inpatientClaim()
      const send = () => w.app.inject({
        method: 'POST', url: '/v1/settlements', payload: '\uFEFF' + JSON.stringify(c),
        headers: { ...bearer(w.tokens[c.fixmedins_code] ?? ''), 'content-type': 'application/json' },
      })
      const first = await send()
      expect(first.statusCode).toBe(200)
      expect(first.json()).toMatchObject({ status: 'settled' })
      expect(w.ledger.db.prepare('SELECT body_hash FROM settlements WHERE msgid = ?').pluck().get(c.msgid)).toBe(bodyHash(c))
      const again = await send()
      expect(again.json()).toEqual(first.json())
    })
  })

  it('a real listening server under ~2 s of autocannon load: no non-2xx answer, every settled answer recorded once', async () => {
    const w = await world()
    const l = await listen(w.app, { port: 0, host: '127.0.0.1' })
    try {
      const inpatient = claims.filter((c) => c.med_type === '21')
      let seq = 0
      let settled = 0
      const result = await autocannon({
        url: `${l.url}/v1/settlements`, connections: 8, duration: 2,
        requests: [{
          method: 'POST',
          // a fresh msgid and visit per request: each is a new settlement of one of a dozen persons
          setupRequest: (req) => {
            seq++
            const c = inpatient[seq % inpatient.length]!
            const body = JSON.stringify({ ...c, msgid: `${c.fixmedins_code}${String(seq).padStart(18, '0')}`, mdtrt_id: `LOAD${seq}` })
            return { ...req, body, headers: { ...bearer(w.tokens[c.fixmedins_code]!), 'content-type': 'application/json' } }
          },
          onResponse: (_status, body) => { if ((JSON.parse(body) as { status?: string }).status === 'settled') settled++ },
        }],
      })
      expect(result.errors).toBe(0)
      expect(result.non2xx).toBe(0)
      expect(settled).toBeGreaterThan(0)
      await l.shutdown()
      const check = openLedger(w.ledger.file)
      try {
        // requests still in flight when the run ended are settled but not counted by autocannon
        const rows = check.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get() as number
        expect(rows).toBeGreaterThanOrEqual(settled)
        expect(rows).toBeLessThanOrEqual(settled + 8)
        expect(check.db.prepare('SELECT COUNT(DISTINCT msgid) FROM settlements').pluck().get()).toBe(rows)
        expect(check.verify()).toEqual([])
      } finally {
        check.close()
      }
    } finally {
      await l.shutdown()
    }
  }, 30_000)

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

describe('adjudicator threads answer every refusal as the inline route does', () => {
  it('400 naming the field, 403, 409, a 200 rejection, 415, 401: same status and body, nothing written', async () => {
    const inline = await makeWorld()
    const threads = await makeWorld({ adjudicatorThreads: 1 })
    try {
      const c = inpatientClaim()
      const other = claims.find((x) => x.fixmedins_code !== c.fixmedins_code)!
      const token = (w: World) => bearer(w.tokens[c.fixmedins_code]!)
      const json = JSON.stringify(c)
      const at = json.indexOf('"mdtrt_id":"') + '"mdtrt_id":"'.length
      const cases: { name: string; payload: string | Buffer; headers?: Record<string, string> }[] = [
        { name: 'not JSON', payload: '{"msgid": ' },
        { name: 'empty', payload: '' },
        { name: 'an array', payload: '[1]' },
        { name: 'a missing field', payload: JSON.stringify({ ...c, psn_no: undefined }) },
        { name: 'a string amount', payload: JSON.stringify({ ...c, fees: [{ ...c.fees[0]!, amount: '12.5' }, ...c.fees.slice(1)] }) },
        { name: 'three decimals', payload: JSON.stringify({ ...c, fees: [{ ...c.fees[0]!, amount: 1.005 }] }) },
        { name: 'a __proto__ key', payload: JSON.stringify(c).replace('{', '{"__proto__":{"x":1},') },
        { name: 'another hospital\'s claim', payload: JSON.stringify(other) },
        { name: 'another hospital\'s msgid', payload: JSON.stringify({ ...c, msgid: other.msgid }) },
        { name: 'an unknown person', payload: JSON.stringify({ ...c, psn_no: 'P999999999' }) },
        { name: 'text/plain', payload: JSON.stringify(c), headers: { 'content-type': 'text/plain' } },
        { name: 'a repeated psn_no key', payload: JSON.stringify(c).replace('{', `{"psn_no":"${other.psn_no}",`) },
        // SPEC §1 strict input, as the inline route refuses it
        { name: 'bytes that are not UTF-8', payload: Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from([0xff]), Buffer.from(json.slice(at))]) },
        { name: 'a repeated fees key', payload: json.replace('"fees":', '"fees":[],"fees":') },
        { name: 'an unknown key', payload: json.replace('{', '{"remark":"x",') },
        { name: 'nesting deeper than 32', payload: json.replace('{', `{"x":${'['.repeat(100)}${']'.repeat(100)},`) },
      ]
      for (const k of cases) {
        const send = (w: World) => w.app.inject({
          method: 'POST', url: '/v1/settlements', payload: k.payload,
          headers: { 'content-type': 'application/json', ...token(w), ...k.headers },
        })
        const [a, b] = [await send(inline), await send(threads)]
        expect({ case: k.name, status: b.statusCode, body: b.json() as unknown }).toEqual({ case: k.name, status: a.statusCode, body: a.json() as unknown })
        if (k.name === 'a repeated psn_no key') expect(a.json()).toMatchObject({ code: 'E_FIELD_FORMAT', field: 'psn_no' })
      }
      const noToken = await threads.app.inject({ method: 'POST', url: '/v1/settlements', payload: c })
      expect(noToken.statusCode).toBe(401)
      expect(threads.ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(0)
      // and the same claim settles the same way, its msgid then replays and conflicts the same way
      for (const payload of [c, c, { ...c, enddate: c.begndate }]) {
        const [a, b] = [await inline.post(payload), await threads.post(payload)]
        expect(b.statusCode).toBe(a.statusCode)
        expect(b.json()).toEqual(a.json())
      }
    } finally {
      await inline.app.close()
      await threads.app.close()
    }
  })
})

describe('an adjudicator thread that dies', () => {
  it('answers what it held 500, writes none of it, and a new thread takes the next claims', async () => {
    const file = join(dir, `ledger-${++n}.sqlite`)
    const ledger = openLedger(file)
    const writer = await LedgerWriter.start({ ledgerFile: file })
    const adj = await Adjudicators.start({ threads: 1, tablesFile, policyFile: null, ledgerFile: file, writer })
    try {
      const some = claims.slice(0, 40)
      const replies = some.map((c) => adj.settle(Buffer.from(JSON.stringify(c)), c.fixmedins_code))
      // the test's stand-in for a crash of the thread, with claims on it
      await (adj as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0]!.worker.terminate()
      const out = await Promise.all(replies)
      expect(out.every((r) => r.kind === 'answer' || r.status === 500)).toBe(true)
      expect(out.some((r) => r.kind === 'error' && r.status === 500)).toBe(true)
      const settled = out.filter((r) => r.kind === 'answer' && r.status === 'settled').length
      expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(settled)
      // the hospital retries what failed: a new thread answers, nothing is doubled
      const again = await Promise.all(some.map((c) => adj.settle(Buffer.from(JSON.stringify(c)), c.fixmedins_code)))
      expect(again.every((r) => r.kind === 'answer')).toBe(true)
      const total = again.filter((r) => r.kind === 'answer' && r.status === 'settled').length
      expect(ledger.db.prepare('SELECT COUNT(DISTINCT msgid) FROM settlements').pluck().get()).toBe(total)
      expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(total)
      expect(ledger.verify()).toEqual([])
    } finally {
      await adj.close()
      await writer.close()
      ledger.close()
    }
  })
})

describe('the ledger writer and its committer', () => {
  /** A fresh ledger, its writer thread, and the first claim adjudicated against it (a settlement). */
  async function withFreshWriter(fn: (w: { ledger: SqliteLedger; writer: LedgerWriter; c: ClaimInput; settlement: Settlement }) => Promise<void>): Promise<void> {
    const file = join(dir, `ledger-${++n}.sqlite`)
    const ledger = openLedger(file)
    const writer = await LedgerWriter.start({ ledgerFile: file })
    try {
      const c = claims[0]!
      const o = adjudicate(c, { tables, policy: tables.policy, history: ledger })
      if (o.status !== 'ok') throw new Error('expected a settlement')
      await fn({ ledger, writer, c, settlement: o.settlement })
    } finally {
      await writer.close()
      ledger.close()
    }
  }

  it('refuses a settlement whose person moved since it was adjudicated (stale) and writes nothing', async () => {
    await withFreshWriter(async ({ ledger, writer, c, settlement }) => {
      const stale = await writer.submit(prepareRecord(settlement, bodyHash(c)).record, 12345)
      expect(stale).toMatchObject({ status: 'stale' })
      expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(0)
      const ok = await writer.submit(prepareRecord(settlement, bodyHash(c)).record, ledger.personVersion(c.psn_no))
      expect(ok).toMatchObject({ status: 'appended', setlId: 'S000000000001' })
      expect(ledger.verify()).toEqual([])
    })
  })

  it('hashes a body text it is given: the stored hash is the body\'s; the msgid replays for any key order, conflicts for another body', async () => {
    await withFreshWriter(async ({ ledger, writer, c, settlement }) => {
      const version = ledger.personVersion(c.psn_no)
      // the owner leaves the hash '' and hands over the text (as server/writer-commit.ts does)
      const unhashed = prepareRecord(settlement, '').record
      expect(ledger.append.bind(ledger, unhashed)).toThrow(/body hash/) // never appended without one
      const first = await writer.submit(unhashed, version, JSON.stringify(c))
      expect(first).toMatchObject({ status: 'appended' })
      expect(ledger.db.prepare('SELECT body_hash FROM settlements WHERE msgid = ?').pluck().get(c.msgid)).toBe(bodyHash(c))
      // the same claim with its keys reversed and spaced out: the first answer
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(c).reverse()), null, 2)
      expect(await writer.submit(unhashed, version, reordered)).toMatchObject({ status: 'replayed' })
      const other = await writer.submit(unhashed, version, JSON.stringify({ ...c, enddate: c.begndate }))
      expect(other).toMatchObject({ status: 'conflict', reasons: [{ code: 'E_MSGID_CONFLICT' }] })
      expect(ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(1)
    })
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
        return o.status === 'ok' ? prepareRecord(o.settlement, bodyHash(c)).record : undefined
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
