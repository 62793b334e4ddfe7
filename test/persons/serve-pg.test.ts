// Persons imported into the ledger settle in the HTTP service on PostgreSQL exactly as on SQLite (SPEC §11; issue 21):
// four persons the demo's persons.csv does not have are imported with two versions each — without 医疗救助 from
// 2026-01-01, with it (assistance = 1) from 2026-10-16 — and their October inpatient claims are posted to
// POST /v1/settlements of a PostgreSQL-backed app (app.inject), of a real `dipsettle serve --ledger URL` process
// started before the import, and of a SQLite-backed app. The three give the same answers (setl_id aside); a claim
// ending before 10-16 is paid without the assistance fund (610100), one ending on or after it with it.
// Needs DIPSETTLE_TEST_PG (fails in CI without it).
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { SqlitePersons } from '../../engine/ledger/sqlite/persons.js'
import type { PersonImportRow } from '../../engine/ledger/persons-port.js'
import { withLedgerPersons } from '../../engine/persons/attach.js'
import { loadTables } from '../../engine/tables/load.js'
import type { Person } from '../../engine/tables/types.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { freePort } from '../../bench/http.js'
import { startServe } from '../server/serve-child.js'
import { demoTables, requireBuilt, tablesFile } from '../pool/helpers.js'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { cli } from '../cli/helpers.js'
import { bearer } from '../server/fixtures.js'

/** The day the second version (医疗救助) takes effect. */
const UPDATED = '2026-10-16'

/** Two October inpatient claims ending before UPDATED and two ending on or after it, each of a new person Q…. */
function pickClaims(): { claims: ClaimInput[]; rows: PersonImportRow[] } {
  const t = demoTables()
  const all = [...generateDemoClaims(t, { count: 120, seed: 21, month: '2026-10', outpatientShare: 0 })]
  const before = all.filter((c) => c.enddate < UPDATED).slice(0, 2)
  const after = all.filter((c) => c.enddate >= UPDATED).slice(0, 2)
  const claims = [...before, ...after].map((c, i) => ({ ...c, psn_no: `Q20000000${i}` }))
  const rows = [...before, ...after].flatMap((c, i): PersonImportRow[] => {
    const p = t.persons.get(c.psn_no)!
    const base: Person = { psnNo: `Q20000000${i}`, insutype: p.insutype, psnKind: p.psnKind, poverty: false, assistance: false, city: p.city, acctBalanceFen: 0 }
    return [{ effectiveFrom: '2026-01-01', person: base }, { effectiveFrom: UPDATED, person: { ...base, assistance: true } }]
  })
  return { claims, rows }
}

/** The rows as persons.csv with an effective_from column (for `dipsettle persons import`). */
function csvOf(rows: readonly PersonImportRow[]): string {
  return 'psn_no,insutype,psn_kind,poverty,assistance,city,effective_from\n' + rows.map(({ person: p, effectiveFrom }) =>
    `${p.psnNo},${p.insutype},${p.psnKind},${p.poverty ? 1 : 0},${p.assistance ? 1 : 0},${p.city},${effectiveFrom}`).join('\n') + '\n'
}

type Answer = Record<string, unknown>
const withoutSetlId = (a: Answer): Answer => JSON.parse(JSON.stringify(a).replace(/"setl_id":"S\d+"/g, '"setl_id":""')) as Answer
const funds = (a: Answer): string[] => ((a['setldetail'] ?? []) as { fund_pay_type: string }[]).map((d) => d.fund_pay_type)

describePg('imported persons in serve on PostgreSQL and on SQLite', (server) => {
  let tmp: ReturnType<typeof tempDir>
  let claims: ClaimInput[]
  let rows: PersonImportRow[]
  let sqlite: SqliteLedger
  let sqliteApp: App
  let pgApp: App
  let pgLedger: PgLedger
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let db2: Awaited<ReturnType<typeof freshDatabase>>
  let child: ChildProcess | undefined
  const tokens = new Map<App | string, Map<string, string>>()

  async function tokensFor(key: App | string, store: CredentialStore): Promise<void> {
    const m = new Map<string, string>()
    for (const h of new Set(claims.map((c) => c.fixmedins_code))) m.set(h, (await store.add({ hospital: h })).token)
    tokens.set(key, m)
  }

  async function post(app: App, c: ClaimInput): Promise<Answer> {
    const r = await app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(tokens.get(app)!.get(c.fixmedins_code)!), payload: c })
    expect(r.statusCode).toBe(200)
    return r.json() as Answer
  }

  beforeAll(async () => {
    requireBuilt()
    tmp = tempDir()
    ;({ claims, rows } = pickClaims())
    expect(claims.length).toBe(4)
    // SQLite: the persons imported into the ledger file, read through the tables' lookup
    sqlite = openLedger(tmp.file('ledger.sqlite'))
    await new SqlitePersons(sqlite.db).importPersons(rows, 'test')
    sqliteApp = await buildApp({ tables: withLedgerPersons(loadTables(tablesFile()), sqlite.file), policy: demoTables().policy, ledger: sqlite })
    await tokensFor(sqliteApp, new CredentialStore(sqlite.db))
    // PostgreSQL: the same persons in the database, the tables as `serve` loads them
    db = await freshDatabase(server, 'psnserve')
    pgLedger = await PgLedger.open(db.url)
    await pgLedger.persons.importPersons(rows, 'test')
    pgApp = await buildApp({ tables: withLedgerPersons(loadTables(tablesFile()), db.url), policy: demoTables().policy, ledger: pgLedger })
    await tokensFor(pgApp, new CredentialStore(pgLedger.credentials))
  }, 120_000)

  afterAll(async () => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    await sqliteApp?.close()
    sqlite?.close()
    await pgApp?.close()
    await pgLedger?.close()
    await db?.drop()
    await db2?.drop()
    tmp?.cleanup()
  })

  it('app.inject on PostgreSQL answers as on SQLite; the assistance version is in force from its day on', async () => {
    const onSqlite: Answer[] = []
    const onPg: Answer[] = []
    for (const c of claims) {
      onSqlite.push(await post(sqliteApp, c))
      onPg.push(await post(pgApp, c))
    }
    expect(onSqlite.map((a) => a['status'])).toEqual(Array(4).fill('settled'))
    expect(onPg.map(withoutSetlId)).toEqual(onSqlite.map(withoutSetlId))
    // ending before 10-16: the first version (no 医疗救助); on or after it: the second (610100 pays)
    expect(onPg.map((a) => funds(a).includes('610100'))).toEqual([false, false, true, true])
  })

  it('a real serve process on a URL, started before the import, settles the imported persons as SQLite does', async () => {
    db2 = await freshDatabase(server, 'psnserve2')
    const ledger = await PgLedger.open(db2.url)
    await tokensFor(db2.url, new CredentialStore(ledger.credentials))
    await ledger.close()
    const port = await freePort()
    child = await startServe(db2.url, port)
    const send = async (c: ClaimInput): Promise<Answer> => {
      const res = await fetch(`http://127.0.0.1:${port}/v1/settlements`, {
        method: 'POST', body: JSON.stringify(c),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(db2.url)!.get(c.fixmedins_code)!}` },
      })
      expect(res.status).toBe(200)
      return await res.json() as Answer
    }
    // not imported yet: unknown (a new msgid each time, so the rejection records nothing)
    const probe = await send({ ...claims[0]!, msgid: `${claims[0]!.msgid.slice(0, -4)}9999` })
    expect(probe).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_UNKNOWN_PERSON' }] })
    const imported = cli(['persons', 'import', '--ledger', db2.url], csvOf(rows))
    expect(imported.status).toBe(0)
    expect(JSON.parse(imported.stdout)).toMatchObject({ rows: 8, changed: 8 })
    // the SQLite reference: a fresh ledger file with the same import, the same claims in the same order
    const ref = openLedger(tmp.file('ref.sqlite'))
    await new SqlitePersons(ref.db).importPersons(rows, 'test')
    const refApp = await buildApp({ tables: withLedgerPersons(loadTables(tablesFile()), ref.file), policy: demoTables().policy, ledger: ref, closeLedger: true })
    try {
      await tokensFor(refApp, new CredentialStore(ref.db))
      for (const c of claims) expect(withoutSetlId(await send(c))).toEqual(withoutSetlId(await post(refApp, c)))
    } finally {
      await refApp.close()
    }
  }, 120_000)
})
