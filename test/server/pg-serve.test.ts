// Four `dipsettle serve` processes on one PostgreSQL ledger (SPEC §11, issue 15): real child processes on real ports,
// the real engine on the demo tables. One load whose persons overlap — every person's claims go to every process, each
// claim sent to two processes at once (a msgid raced across processes, on one person's row lock) — and one process
// killed with SIGKILL a third of the way in; its claims in flight are resent to the others. Then every claim resent:
// each settled exactly once (the resend replays the first answer), the accumulators equal to a one-process run of the
// same claims in the same per-person order, `dipsettle ledger verify` clean. The lookups, the reversal and
// /v1/batches then run on the same servers, month-end runs over the same database, and a national-interface stay
// (SPEC §12) begun on one process is finished on another.
import { spawnSync, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, expect, it } from 'vitest'
import pg from 'pg'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { settleClaim } from '../../engine/ledger/settle-port.js'
import type { Tables } from '../../engine/tables/types.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { freePort } from '../../bench/http.js'
import { CLI, demoTables, requireBuilt } from '../pool/helpers.js'
import { startServe } from './serve-child.js'
import { NUMERIC_TYPES } from '../ledger/backends.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { SETLINFO_FIELDS } from '../../engine/result.js'
import { NATIONAL_PATH } from '../../server/national/envelope.js'
import { diseinfo, envelope, feedetail, sumYuan } from '../national/world.js'

const PROCESSES = 4
/** Persons the load's claims are spread over: ~10 claims each, so every person is settled by several processes. */
const PERSONS = 12
const CLAIMS = 120

interface Server { readonly base: string; readonly child: ChildProcess; alive: boolean }
interface Answer { readonly status: number; readonly body: Record<string, unknown> }

async function startServer(url: string, port: number, workers = 1): Promise<Server> {
  return { base: `http://127.0.0.1:${port}`, child: await startServe(url, port, workers), alive: true }
}

async function send(s: Server, path: string, body: unknown, token: string, type = 'application/json'): Promise<Answer> {
  // a new connection per request: a killed process fails only the requests it holds
  const res = await fetch(`${s.base}${path}`, {
    method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': type, authorization: `Bearer ${token}`, connection: 'close' },
  })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

async function get(s: Server, path: string, token: string): Promise<Answer> {
  const res = await fetch(`${s.base}${path}`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
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

/** The demo's claims, their persons folded onto PERSONS real persons of the tables (in order: a person's claims overlap in time). */
function overlappingLoad(tables: Tables): ClaimInput[] {
  const persons = [...tables.persons.values()].slice(0, PERSONS).map((p) => p.psnNo)
  return [...generateDemoClaims(tables, { count: CLAIMS, seed: 15, month: '2026-10' })]
    .map((c, i) => ({ ...c, psn_no: persons[i % PERSONS]! }))
}

describePg('4 dipsettle serve processes on one PostgreSQL ledger', (server) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let tables: Tables
  let claims: ClaimInput[]
  const tokens: Record<string, string> = {}
  let admin = ''
  let servers: Server[] = []
  /** Every answer each msgid got, in the load and the resend. */
  const firstAnswer = new Map<string, Answer>()

  beforeAll(async () => {
    requireBuilt()
    tables = demoTables()
    claims = overlappingLoad(tables)
    db = await freshDatabase(server, 'serve')
    const ledger = await PgLedger.open(db.url)
    const store = new CredentialStore(ledger.credentials)
    for (const h of new Set(claims.map((c) => c.fixmedins_code))) tokens[h] = (await store.add({ hospital: h })).token
    admin = (await store.add({ admin: true })).token
    await ledger.close()
    const ports = await Promise.all(Array.from({ length: PROCESSES }, () => freePort()))
    servers = await Promise.all(ports.map((p) => startServer(db.url, p)))
  }, 120_000)

  afterAll(async () => {
    await Promise.all(servers.filter((s) => s.child.exitCode === null && s.child.signalCode === null).map((s) => {
      const exited = new Promise((resolve) => s.child.once('exit', resolve))
      s.child.kill('SIGTERM')
      return exited
    }))
    await db?.drop()
  })

  it('overlapping persons, one process SIGKILLed midway, every claim resent: each settled once, totals of one process, verify clean', async () => {
    const byPerson = new Map<string, ClaimInput[]>()
    for (const c of claims) byPerson.set(c.psn_no, [...(byPerson.get(c.psn_no) ?? []), c])
    expect(byPerson.size).toBe(PERSONS)
    let answered = 0
    const victim = servers[0]!
    const live = (): Server[] => servers.filter((s) => s.alive)

    /** Send to these processes at once; the answers of those that answered (a killed one's requests fail). */
    const race = async (targets: readonly Server[], c: ClaimInput): Promise<Answer[]> => {
      const got = await Promise.allSettled(targets.map((s) => send(s, '/v1/settlements', c, tokens[c.fixmedins_code]!)))
      return got.flatMap((g) => (g.status === 'fulfilled' ? [g.value] : []))
    }
    // each person's claims in order (the next sent once the previous is answered), persons in parallel, claim k of a
    // person to processes k and k + 1: every process settles every person, and each msgid races in two processes
    await Promise.all([...byPerson.values()].map(async (mine, p) => {
      for (const [k, c] of mine.entries()) {
        const targets = [servers[(p + k) % PROCESSES]!, servers[(p + k + 1) % PROCESSES]!].filter((s) => s.alive)
        let answers = await race(targets, c)
        // both targets dead or killed meanwhile: resent to a live process (the msgid replays whatever was recorded)
        while (answers.length === 0) answers = await race([live()[k % live().length]!], c)
        for (const a of answers) expect(a.status, `${c.msgid}: ${JSON.stringify(a.body)}`).toBe(200)
        // the two processes answered the same: one settled, the other replayed it (or both the same rejection)
        for (const a of answers.slice(1)) expect(a.body, c.msgid).toEqual(answers[0]!.body)
        firstAnswer.set(c.msgid, answers[0]!)
        if (++answered === Math.floor(CLAIMS / 3)) {
          victim.alive = false
          victim.child.kill('SIGKILL')
        }
      }
    }))
    expect(victim.child.signalCode).toBe('SIGKILL')
    const settled = [...firstAnswer.values()].filter((a) => a.body['status'] === 'settled').length
    expect(settled).toBeGreaterThan(CLAIMS / 2)

    // every claim resent, all at once, to the processes still up: the first answer, replayed
    const resent = await Promise.all(claims.map((c, i) => send(live()[i % live().length]!, '/v1/settlements', c, tokens[c.fixmedins_code]!)))
    resent.forEach((a, i) => expect(a, claims[i]!.msgid).toEqual(firstAnswer.get(claims[i]!.msgid)))

    // exactly once: one row per settled msgid, none for a rejected one
    expect(await query(db.url, `SELECT COUNT(*) AS n, COUNT(DISTINCT msgid) AS msgids FROM settlements`)).toEqual([{ n: settled, msgids: settled }])

    // a one-process run of the same claims in the same per-person order: the same answers (but setl_id), the same totals
    const ref = await freshDatabase(server, 'serveref')
    try {
      const ledger = await PgLedger.open(ref.url, { maxConnections: 1 })
      for (const c of claims) {
        const r = await settleClaim(c, ledger, { tables, policy: tables.policy })
        const { setl_id: _a, ...want } = JSON.parse(JSON.stringify(r)) as Record<string, unknown>
        const { setl_id: _b, ...got } = firstAnswer.get(c.msgid)!.body
        expect(got, c.msgid).toEqual(want)
      }
      await ledger.close()
      const accumulators = 'SELECT * FROM accumulators ORDER BY psn_no, year'
      expect(await query(db.url, accumulators)).toEqual(await query(ref.url, accumulators))
    } finally {
      await ref.drop()
    }

    const verify = spawnSync(process.execPath, [CLI, 'ledger', 'verify', '--ledger', db.url], { encoding: 'utf8' })
    expect(verify.stdout + verify.stderr).toMatch(/^ok: /)
    expect(verify.status).toBe(0)
  }, 180_000)

  it('answers the lookups, a reversal (replayed by another process) and a batch from any process', async () => {
    const [a, b] = live2(servers)
    const settledOne = claims.find((c) => c.med_type === '21' && firstAnswer.get(c.msgid)?.body['status'] === 'settled')!
    const setlId = firstAnswer.get(settledOne.msgid)!.body['setl_id'] as string
    const token = tokens[settledOne.fixmedins_code]!
    expect(await get(b, `/v1/settlements/${setlId}`, token)).toEqual(firstAnswer.get(settledOne.msgid))
    const before = await get(a, `/v1/persons/${settledOne.psn_no}/accumulators?year=2026`, token)
    expect(before.status).toBe(200)

    const msgid = `${settledOne.fixmedins_code}209912310000000001`
    const reversal = await send(a, `/v1/settlements/${setlId}/reversal`, { msgid }, token)
    expect(reversal.status, JSON.stringify(reversal.body)).toBe(200)
    expect(reversal.body).toMatchObject({ status: 'settled', reverses: setlId, msgid })
    expect(await send(b, `/v1/settlements/${setlId}/reversal`, { msgid }, token)).toEqual(reversal)
    const after = await get(b, `/v1/persons/${settledOne.psn_no}/accumulators?year=2026`, token)
    expect(after.body['admissions']).toBe((before.body['admissions'] as number) - 1)

    // a batch of one hospital's claims, new msgids: settled through the port, then each replayed by another process
    const hospital = settledOne.fixmedins_code
    const fresh = overlappingLoad(tables).filter((c) => c.fixmedins_code === hospital)
      .map((c, i) => ({ ...c, msgid: `${hospital}2099123101${String(i).padStart(8, '0')}`, mdtrt_id: `B${i}${c.mdtrt_id}` }))
    const ndjson = fresh.map((c) => JSON.stringify(c)).join('\n') + '\n'
    const batch = await send(a, '/v1/batches', ndjson, tokens[hospital]!, 'application/x-ndjson')
    expect(batch.status, JSON.stringify(batch.body)).toBe(200)
    const results = batch.body['results'] as Record<string, unknown>[]
    expect(results.map((r) => r['msgid'])).toEqual(fresh.map((c) => c.msgid))
    for (const [i, c] of fresh.entries()) expect((await send(b, '/v1/settlements', c, tokens[hospital]!)).body).toEqual(results[i])

    const verify = spawnSync(process.execPath, [CLI, 'ledger', 'verify', '--ledger', db.url], { encoding: 'utf8' })
    expect(verify.status, verify.stdout + verify.stderr).toBe(0)
  }, 60_000)

  it('runs month-end over the shared database from any process', async () => {
    const [a, b] = live2(servers)
    const run = await send(a, '/v1/month-end/2026-10/390', { budget_yuan: 1000000, close: false }, admin)
    expect(run.status, JSON.stringify(run.body)).toBe(200)
    const again = await send(b, '/v1/month-end/2026-10/390', { budget_yuan: 1000000, close: false }, admin)
    expect(again.status).toBe(200)
    expect(again.body['total_points']).toEqual(run.body['total_points'])
    const health = await get(a, '/healthz', admin)
    expect(health.body['status']).toBe('ok')
  })

  it('a national-interface stay begun on one process is finished on another, to the money of /v1', async () => {
    const [a, b] = live2(servers)
    // an inpatient stay of a hospital with a token, of a person the load above did not touch
    const loaded = new Set(claims.map((c) => c.psn_no))
    const c = [...generateDemoClaims(tables, { count: 200, seed: 11, month: '2026-10' })]
      .find((x) => x.med_type === '21' && !x.referral_from && x.fees.length >= 4 && tokens[x.fixmedins_code] !== undefined && !loaded.has(x.psn_no))
    if (c === undefined) throw new Error('the demo claims have no inpatient stay for the national flow')
    const token = tokens[c.fixmedins_code]!
    const call = async (s: Server, infno: string, seq: number, input: unknown): Promise<{ answer: Record<string, any>; text: string }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const res = await fetch(`${s.base}${NATIONAL_PATH}`, {
        method: 'POST', body: JSON.stringify(envelope(c.fixmedins_code, infno, seq, input)),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, connection: 'close' },
      })
      expect(res.status).toBe(200)
      const text = await res.text()
      const answer = JSON.parse(text) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(answer['err_msg'], `${infno}: ${answer['err_msg']}`).toBeNull()
      return { answer, text }
    }
    expect((await call(a, '9001', 1, { signIn: { opter_no: '0001', mac: '00-00-00-00-00-00', ip: '127.0.0.1' } })).answer['output'].signinoutb.sign_no).toMatch(/^SN/)
    const mdtrtId: string = (await call(a, '2401', 2, {
      mdtrtinfo: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, med_type: '21' }, diseinfo: diseinfo(c),
    })).answer['output'].result.mdtrt_id
    const half = Math.ceil(c.fees.length / 2)
    await call(a, '2301', 3, { feedetail: feedetail(c, mdtrtId, c.fees.slice(0, half)) })
    await call(b, '2301', 4, { feedetail: feedetail(c, mdtrtId, c.fees.slice(half)) })
    await call(b, '2402', 5, { dscginfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, insutype: c.insutype, endtime: `${c.enddate} 10:00:00`, dscg_way: c.dscg_way ?? '1' }, diseinfo: diseinfo(c) })
    const settleInput = { data: { psn_no: c.psn_no, mdtrt_id: mdtrtId, insutype: c.insutype, medfee_sumamt: sumYuan(c.fees.map((f) => f.amount)) } }
    const pre = await call(b, '2303', 6, settleInput)
    const v1 = await send(a, '/v1/presettlements', c, token)
    expect(v1.status, JSON.stringify(v1.body)).toBe(200)
    const fin = await call(a, '2304', 7, settleInput)
    const money = (s: Record<string, unknown>): unknown[] => SETLINFO_FIELDS.map((k) => s[k])
    expect(money(pre.answer['output'].setlinfo)).toEqual(money(v1.body['setlinfo'] as Record<string, unknown>))
    expect(money(fin.answer['output'].setlinfo)).toEqual(money(v1.body['setlinfo'] as Record<string, unknown>))
    // the 2304 re-sent to the other process: its first answer, byte for byte, settled once
    expect((await call(b, '2304', 7, settleInput)).text).toBe(fin.text)
    const rows = await query(db.url, `SELECT count(*)::int AS n FROM settlements WHERE mdtrt_id = '${mdtrtId}'`)
    expect(rows[0]!['n']).toBe(1)
  })
})

function live2(servers: readonly Server[]): [Server, Server] {
  const l = servers.filter((s) => s.alive)
  return [l[0]!, l[1]!]
}

describePg('dipsettle serve --workers 2 on a PostgreSQL URL', (server) => {
  it('two processes on one port, each on its own connections: claims sent at once settle once each, verify clean', async () => {
    const db = await freshDatabase(server, 'cluster')
    let s: Server | undefined
    try {
      const tables = demoTables()
      // one claim per person: its answer cannot depend on which of a person's claims commits first (a rejection records
      // nothing, so its resend may settle), so a claim and its duplicate sent at once must get one answer
      const seen = new Set<string>()
      const claims = [...generateDemoClaims(tables, { count: 40, seed: 16, month: '2026-10' })]
        .filter((c) => !seen.has(c.psn_no) && seen.add(c.psn_no))
      const ledger = await PgLedger.open(db.url)
      const store = new CredentialStore(ledger.credentials)
      const tokens: Record<string, string> = {}
      for (const h of new Set(claims.map((c) => c.fixmedins_code))) tokens[h] = (await store.add({ hospital: h })).token
      await ledger.close()
      s = await startServer(db.url, await freePort(), 2)
      // every claim twice, all at once: the OS spreads the connections over both processes
      const answers = await Promise.all([...claims, ...claims].map((c) => send(s!, '/v1/settlements', c, tokens[c.fixmedins_code]!)))
      for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200)
      claims.forEach((c, i) => expect(answers[i + claims.length], c.msgid).toEqual(answers[i]))
      const settled = answers.slice(0, claims.length).filter((a) => a.body['status'] === 'settled').length
      expect(settled).toBeGreaterThan(claims.length / 2)
      expect(await query(db.url, 'SELECT COUNT(*) AS n, COUNT(DISTINCT msgid) AS msgids FROM settlements')).toEqual([{ n: settled, msgids: settled }])
      const verify = spawnSync(process.execPath, [CLI, 'ledger', 'verify', '--ledger', db.url], { encoding: 'utf8' })
      expect(verify.status, verify.stdout + verify.stderr).toBe(0)
    } finally {
      if (s !== undefined && s.child.exitCode === null) {
        const exited = new Promise((resolve) => s!.child.once('exit', resolve))
        s.child.kill('SIGTERM')
        await exited
      }
      await db.drop()
    }
  }, 120_000)
})
