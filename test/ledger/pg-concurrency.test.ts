// Many writers, one PostgreSQL ledger (SPEC §11, issue 15): processes whose persons overlap settle concurrently —
// per-person row locks, no global lock — and the ledger ends as one process would have left it: every claim settled
// exactly once, the same answer to every writer that sent a msgid, accumulators equal to a one-process run (and to
// the SQLite ledger's), `verify` clean. Then a writer killed with SIGKILL midway, and every claim resent.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, expect, it } from 'vitest'
import pg from 'pg'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { settleClaim } from '../../engine/ledger/settle-port.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { processClaim } from '../../engine/ledger/settle.js'
import type { Policy } from '../../engine/policy/types.js'
import type { Tables } from '../../engine/tables/types.js'
import { env, fakeAdjudicate, tempDir } from './fixtures.js'
import { overlapLoad, PER_PERSON, PERSONS } from './overlap-load.js'
import { NUMERIC_TYPES } from './backends.js'
import { describePg, freshDatabase } from './pg-server.js'

const CHILD = fileURLToPath(new URL('./child/pg-settle.ts', import.meta.url))
const N = PERSONS * PER_PERSON

interface Answer { msgid: string; status: string; setlId: string; sha: string }

function writer(url: string, args: string[]): { done: Promise<Answer[]>; kill: () => void; answers: Answer[]; onAnswer: (f: (n: number) => void) => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const answers: Answer[] = []
  let stderr = ''
  let buf = ''
  let listener: ((n: number) => void) | undefined
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString()
    const lines = buf.split('\n')
    buf = lines.pop() ?? ''
    for (const l of lines) {
      const [msgid = '', status = '', setlId = '', sha = ''] = l.split(' ')
      answers.push({ msgid, status, setlId, sha })
    }
    listener?.(answers.length)
  })
  const done = new Promise<Answer[]>((resolve, reject) => child.on('exit', (code, signal) => {
    if (code === 0 || signal === 'SIGKILL') resolve(answers)
    else reject(new Error(`writer exited ${code ?? signal}: ${stderr}`))
  }))
  return { done, kill: () => child.kill('SIGKILL'), answers, onAnswer: (f) => { listener = f } }
}

/** Settle the load in one process, in order, on a ledger of its own: the reference. */
async function oneProcessAccumulators(server: string): Promise<unknown[]> {
  const db = await freshDatabase(server, 'ref')
  try {
    const ledger = await PgLedger.open(db.url, { maxConnections: 1 })
    const e = { tables: {} as Tables, policy: {} as Policy, adjudicate: fakeAdjudicate }
    for (const c of overlapLoad()) expect((await settleClaim(c, ledger, e)).status).toBe('settled')
    await ledger.close()
    return await accumulators(db.url)
  } finally {
    await db.drop()
  }
}

function sqliteAccumulators(): unknown[] {
  const tmp = tempDir()
  const ledger = new SqliteLedger(tmp.file('ref.sqlite'))
  try {
    for (const c of overlapLoad()) expect(processClaim(c, env(ledger)).status).toBe('settled')
    return ledger.db.prepare('SELECT * FROM accumulators ORDER BY psn_no, year').all()
  } finally {
    ledger.close()
    tmp.cleanup()
  }
}

async function accumulators(url: string): Promise<unknown[]> {
  return query(url, 'SELECT * FROM accumulators ORDER BY psn_no, year')
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url, types: NUMERIC_TYPES })
  await c.connect()
  try {
    return (await c.query(sql)).rows as Record<string, unknown>[]
  } finally {
    await c.end()
  }
}

/** Every claim settled exactly once, each msgid and each visit in one row. */
async function expectEachOnce(url: string): Promise<void> {
  expect(await query(url, 'SELECT COUNT(*) AS n, COUNT(DISTINCT msgid) AS msgids, COUNT(DISTINCT mdtrt_id) AS visits FROM settlements'))
    .toEqual([{ n: N, msgids: N, visits: N }])
}

describePg('PostgreSQL ledger under concurrent writers', (server) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>
  beforeEach(async () => {
    db = await freshDatabase(server, 'conc')
    await (await PgLedger.open(db.url)).close()
  })
  afterEach(async () => { await db.drop() })

  it('4 processes sending every claim each: settled once, one answer per msgid, totals of a one-process run', async () => {
    const writers = [11, 22, 33, 44].map((seed) => writer(db.url, [String(seed), '2']))
    const all = await Promise.all(writers.map((w) => w.done))
    const byMsgid = new Map<string, Set<string>>()
    for (const answers of all) {
      expect(answers).toHaveLength(N)
      for (const a of answers) {
        expect(a.status, `${a.msgid}`).toBe('settled')
        const s = byMsgid.get(a.msgid) ?? new Set<string>()
        s.add(`${a.setlId} ${a.sha}`)
        byMsgid.set(a.msgid, s)
      }
    }
    // 4 writers, one answer each msgid (the first one's, replayed to the other three)
    expect(byMsgid.size).toBe(N)
    for (const [msgid, answers] of byMsgid) expect([...answers], msgid).toHaveLength(1)
    await expectEachOnce(db.url)
    const got = await accumulators(db.url)
    expect(got).toEqual(await oneProcessAccumulators(server))
    expect(got).toEqual(sqliteAccumulators())
    const ledger = await PgLedger.open(db.url)
    expect(await ledger.verify()).toEqual([])
    await ledger.close()
  })

  it('a writer killed with SIGKILL midway, then every claim resent: each settled once, totals unchanged, verify clean', async () => {
    // 4 writers, a quarter of the claims each (persons overlap across them); writer 0 is killed after 15 answers
    const writers = [0, 1, 2, 3].map((part) => writer(db.url, [String(part + 5), '2', String(part), '4']))
    const victim = writers[0]!
    victim.onAnswer((n) => { if (n >= 15) victim.kill() })
    const all = await Promise.all(writers.map((w) => w.done))
    expect(all[0]!.length).toBeLessThan(N / 4)
    // every claim resent, by one new process
    const resend = await writer(db.url, ['99', '4']).done
    expect(resend.map((a) => a.status)).toEqual(Array(N).fill('settled'))
    // an answer given before the kill is the one the resend replays
    const final = new Map(resend.map((a) => [a.msgid, `${a.setlId} ${a.sha}`]))
    for (const answers of all) for (const a of answers) expect(`${a.setlId} ${a.sha}`, a.msgid).toBe(final.get(a.msgid))
    await expectEachOnce(db.url)
    expect(await accumulators(db.url)).toEqual(sqliteAccumulators())
    const ledger = await PgLedger.open(db.url)
    expect(await ledger.verify()).toEqual([])
    await ledger.close()
  })
})
