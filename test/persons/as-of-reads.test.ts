// The reads of a person outside a settlement use the version in force on the day, not the newest (SPEC §11; issue 21):
// GET /v1/persons/:psn_no/accumulators and …/account (today, or the asked year's last day), national 1101 (today, or
// its begntime's day) and 2201's check of who may open a visit (its begntime's day: C on 2026-11-02, B the day before) — on a SQLite ledger file and on
// PostgreSQL alike. One person, imported with four versions:
//
//   A 2026-01-01  390 resident                      1101 on 2026-10-10: insutype 390, no 身份 (idetinfo)
//   B 2026-10-20  390 resident, poverty             1101 today (the gateway's clock, 2026-11-01): 390, 2302 脱贫人口
//   C 2026-11-02  310 in_service, assistance        the /v1 routes today (the machine's clock, after 2026-11-02): 310
//   D 2099-01-01  390 resident                      never in force in these tests (the newest: what the reads used to give)
//
// Needs DIPSETTLE_TEST_PG for the PostgreSQL half (fails in CI without it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { SqlitePersons } from '../../engine/ledger/sqlite/persons.js'
import type { PersonImportRow, PersonsPort } from '../../engine/ledger/persons-port.js'
import { withLedgerPersons } from '../../engine/persons/attach.js'
import { loadTables } from '../../engine/tables/load.js'
import type { Person } from '../../engine/tables/types.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { demoTablesFile } from '../fixtures/tables.js'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { CLOCK, envelope, post } from '../national/world.js'
import { bearer } from '../server/fixtures.js'

const PSN = 'Q300000001'

function versions(city: string): PersonImportRow[] {
  const resident: Person = { psnNo: PSN, insutype: '390', psnKind: 'resident', poverty: false, assistance: false, city, acctBalanceFen: 0 }
  return [
    { effectiveFrom: '2026-01-01', person: resident },
    { effectiveFrom: '2026-10-20', person: { ...resident, poverty: true } },
    { effectiveFrom: '2026-11-02', person: { ...resident, insutype: '310', psnKind: 'in_service', assistance: true } },
    { effectiveFrom: '2099-01-01', person: resident },
  ]
}

interface Served { readonly app: App; readonly hospital: string; readonly token: string; readonly close: () => Promise<void> }

/** The checks, the same on either backend. */
function asOfChecks(open: () => Promise<Served>): void {
  let s: Served
  beforeAll(async () => { s = await open() }, 60_000)
  afterAll(async () => { await s?.close() })

  let seq = 0
  const national = async (infno: string, input: unknown) => (await post(s.app, s.token, envelope(s.hospital, infno, ++seq, input))).answer

  it('GET /v1/persons/:psn_no/accumulators and …/account: the version in force today (C), not the newest (D)', async () => {
    const acc = await s.app.inject({ url: `/v1/persons/${PSN}/accumulators`, headers: bearer(s.token) })
    expect(acc.statusCode).toBe(200)
    expect(acc.json()).toMatchObject({ psn_no: PSN, insutype: '310' })
    expect((await s.app.inject({ url: `/v1/persons/${PSN}/accumulators?year=2026`, headers: bearer(s.token) })).json()).toMatchObject({ insutype: '310' })
    // on 2025-12-31, the last day of the asked year, the person was not yet insured here
    const before = await s.app.inject({ url: `/v1/persons/${PSN}/accumulators?year=2025`, headers: bearer(s.token) })
    expect(before.statusCode).toBe(404)
    expect(before.json()).toMatchObject({ code: 'E_UNKNOWN_PERSON' })
    expect((await s.app.inject({ url: `/v1/persons/${PSN}/account`, headers: bearer(s.token) })).statusCode).toBe(200)
    expect((await s.app.inject({ url: `/v1/persons/${PSN}/account?year=2025`, headers: bearer(s.token) })).statusCode).toBe(404)
  })

  it('1101: today (B: poverty), or the begntime given (A); never the future C or D', async () => {
    const today = await national('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: PSN } })
    expect(today.infcode).toBe(0)
    expect(today.output.insuinfo[0].insutype).toBe('390')
    expect(today.output.idetinfo).toEqual([{ psn_idet_type: '2302', memo: '脱贫人口/低收入人口' }])
    const earlier = await national('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: PSN, begntime: '2026-10-10 08:00:00' } })
    expect(earlier.infcode).toBe(0)
    expect(earlier.output.idetinfo).toEqual([])
  })

  it("2201: the visit's first day decides the insutype (the 310 of C from 2026-11-02 on, the 390 of B before)", async () => {
    const input = (insutype: string, day: string) => ({ data: { psn_no: PSN, insutype, begntime: `${day} 08:00:00`, mdtrt_cert_type: '02', mdtrt_cert_no: PSN, ipt_otp_no: 'MZ0001', dept_code: 'A01' } })
    const refused = await national('2201', input('390', '2026-11-02'))
    expect(refused.infcode).toBe(-1)
    expect(refused.err_msg).toContain('险种 390 与参保人的险种 310 不符')
    expect((await national('2201', input('310', '2026-11-02'))).infcode).toBe(0)
    const before = await national('2201', input('310', '2026-11-01'))
    expect(before.err_msg).toContain('险种 310 与参保人的险种 390 不符')
  })
}

function firstHospital(): { code: string; city: string } {
  const t = loadTables(demoTablesFile())
  const [code] = [...t.hospitals.keys()]
  return { code: code!, city: [...t.persons.values()][0]!.city }
}

async function served(ledger: Parameters<typeof buildApp>[0]['ledger'], file: string, persons: PersonsPort, store: CredentialStore, close: () => Promise<void>): Promise<Served> {
  const h = firstHospital()
  await persons.importPersons(versions(h.city), 'test')
  const tables = withLedgerPersons(loadTables(demoTablesFile()), file)
  const app = await buildApp({ tables, policy: tables.policy, ledger, nationalClock: () => CLOCK })
  const token = (await store.add({ hospital: h.code })).token
  return { app, hospital: h.code, token, close: async () => { await app.close(); await close() } }
}

describe('as-of-today reads on a SQLite ledger', () => {
  asOfChecks(async () => {
    const tmp = tempDir()
    const ledger = openLedger(tmp.file('ledger.sqlite'), { now: () => CLOCK })
    return served(ledger, ledger.file, new SqlitePersons(ledger.db), new CredentialStore(ledger.db), async () => { ledger.close(); tmp.cleanup() })
  })
})

describePg('as-of-today reads on PostgreSQL', (server) => {
  asOfChecks(async () => {
    const db = await freshDatabase(server, 'asof')
    const ledger = await PgLedger.open(db.url)
    return served(ledger, db.url, ledger.persons, new CredentialStore(ledger.credentials), async () => { await ledger.close(); await db.drop() })
  })
})
