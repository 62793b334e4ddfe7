// The month-end, special-case and credentials routes on a PostgreSQL ledger (SPEC §8, §11): buildApp with the options
// `serve` on a URL passes (server/postgres-ports.ts pgAppPorts). A month of demo claims is settled into a SQLite ledger
// and copied into PostgreSQL (`ledger copy`); the routes then run month-end over the PostgreSQL one — the same report
// as month-end over the file — authenticate with credentials stored there, and list the run on the home page.
// Needs DIPSETTLE_TEST_PG (fails in CI without it).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildTables } from '../../grouper-data/build.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { copyLedger } from '../../engine/ledger/postgres/copy.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { pgLedgerPorts } from '../../engine/ledger/postgres/ports.js'
import { processBatch } from '../../engine/ledger/settle.js'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { DEMO_SOURCES_DIR } from '../../engine/paths.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { loadTables } from '../../engine/tables/load.js'
import type { Tables } from '../../engine/tables/types.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { pgAppPorts } from '../../server/postgres-ports.js'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { bearer } from './fixtures.js'

describePg('report routes on a PostgreSQL ledger', (server) => {
  let tmp: ReturnType<typeof tempDir>
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let tables: Tables
  let file: SqliteLedger
  let pgLedger: PgLedger
  let app: App
  let admin: string
  let hospital: string
  let code: string

  beforeAll(async () => {
    tmp = tempDir()
    buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: tmp.file('tables.sqlite') })
    tables = loadTables(tmp.file('tables.sqlite'))
    const claims = [...generateDemoClaims(tables, { count: 200, seed: 17, month: '2026-10', outpatientShare: 0.1 })]
    const ref = openLedger(tmp.file('ref.sqlite'))
    const answers = processBatch(claims, { tables, policy: tables.policy, ledger: ref })
    code = claims.find((_, i) => answers[i]!.status === 'settled' && claims[i]!.insutype === '390' && claims[i]!.med_type === '21')!.fixmedins_code
    ref.close()
    db = await freshDatabase(server, 'routes')
    await copyLedger(tmp.file('ref.sqlite'), db.url)
    file = openLedger(tmp.file('ref.sqlite'))
    pgLedger = await PgLedger.open(db.url)
    const store = new CredentialStore(pgLedgerPorts(pgLedger).credentials)
    admin = (await store.add({ admin: true })).token
    hospital = (await store.add({ hospital: code })).token
    // the settlement side stays a file here (serve on a URL is the pg-serve branch's); the reports side is PostgreSQL
    app = await buildApp({ tables, policy: tables.policy, ledger: openLedger(tmp.file('settle.sqlite')), closeLedger: true, ...pgAppPorts(pgLedger, tables, tables.policy) })
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    file?.close()
    await pgLedger?.close()
    await db?.drop()
    tmp.cleanup()
  })

  it('runs month-end over the PostgreSQL ledger: the report of month-end over the file; close is final (409)', async () => {
    const run = await app.inject({ method: 'POST', url: '/v1/month-end/2026-10/390', headers: bearer(admin), payload: { budget_yuan: 1_500_000 } })
    expect(run.statusCode).toBe(200)
    const reference = await settleMonth(file, tables, tables.policy, { month: '2026-10', pool: '390', budgetFen: 150_000_000, close: false })
    if (reference.status !== 'ok') throw new Error(JSON.stringify(reference))
    const { run_at: _a, ...got } = run.json() as Record<string, unknown>
    const { run_at: _b, ...want } = reference.report as unknown as Record<string, unknown>
    expect(got).toEqual(want)
    expect((got['hospitals'] as unknown[]).length).toBeGreaterThan(1)

    const report = await app.inject({ url: `/v1/month-end/2026-10/390/hospitals/${code}`, headers: bearer(hospital) })
    expect(report.statusCode).toBe(200)
    expect(report.json()).toMatchObject({ month: '2026-10', fixmedins_code: code })
    const page = await app.inject({ url: `/reports/month-end/2026-10/390/hospitals/${code}`, headers: bearer(hospital) })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<html')

    const closed = await app.inject({ method: 'POST', url: '/v1/month-end/2026-10/390', headers: bearer(admin), payload: { budget_yuan: 1_500_000, close: true } })
    expect(closed.json().status).toBe('closed')
    const again = await app.inject({ method: 'POST', url: '/v1/month-end/2026-10/390', headers: bearer(admin), payload: { budget_yuan: 1 } })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('E_MONTH_CLOSED')
    // the run is in PostgreSQL, not in the file
    expect(await pgLedgerPorts(pgLedger).reports.getRun('2026-10', '390')).toMatchObject({ status: 'closed', budget_fen: 150_000_000 })
    const home = await app.inject({ url: '/' })
    expect(home.body).toContain('2026-10 pool 390 (closed)')
  })

  it('credentials are checked against the PostgreSQL ledger: a revoked token is refused', async () => {
    const store = new CredentialStore(pgLedgerPorts(pgLedger).credentials)
    const t = (await store.add({ admin: true }, 'to-revoke')).token
    const ok = await app.inject({ method: 'POST', url: '/v1/month-end/2026-09/390', headers: bearer(t), payload: { budget_yuan: 1 } })
    expect(ok.statusCode).not.toBe(401)
    expect(await pgLedgerPorts(pgLedger).credentials.revokeCredentials('to-revoke')).toBe(1)
    const fresh = await buildApp({ tables, policy: tables.policy, ledger: openLedger(tmp.file('settle2.sqlite')), closeLedger: true, ...pgAppPorts(pgLedger, tables, tables.policy) })
    try {
      const refused = await fresh.inject({ method: 'POST', url: '/v1/month-end/2026-09/390', headers: bearer(t), payload: { budget_yuan: 1 } })
      expect(refused.statusCode).toBe(401)
    } finally {
      await fresh.close()
    }
  })

  it('answers cross-region clearing with serve on the PostgreSQL ledger (its reads through the backend, not a file)', async () => {
    const onPg = await buildApp({ tables, policy: tables.policy, ledger: pgLedger, closeLedger: false })
    try {
      const r = await onPg.inject({ url: '/v1/clearing/cross-region/2026-10', headers: bearer(admin) })
      expect(r.statusCode, r.body).toBe(200)
      // these claims are all of persons insured here: no region owes anything
      expect(r.json()).toMatchObject({ month: '2026-10', regions: [], totals: { settlements: 0 } })
    } finally {
      await onPg.close()
    }
  })
})
