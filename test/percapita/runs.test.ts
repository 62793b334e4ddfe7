// SPEC §15 按人头 runs on both ledger backends: the month's outpatient sums read from the settlements (a reversal
// netted), the run stored as a draft (replaced), closed (final: a later run refuses, nothing written), one report per
// institution. The PostgreSQL run needs DIPSETTLE_TEST_PG (fails in CI without it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { prepareRecord } from '../../engine/ledger/codec.js'
import type { LedgerPort } from '../../engine/ledger/port.js'
import type { PerCapitaPort } from '../../engine/ledger/percapita-port.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { sqlitePerCapita } from '../../engine/ledger/sqlite/percapita.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { runPerCapita } from '../../engine/percapita/runs.js'
import type { Tables } from '../../engine/tables/types.js'
import { H1, H2, claimBody, demoPolicy, fakeAdjudicate, fakeTables } from '../server/fixtures.js'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'

interface Backend { readonly port: LedgerPort; readonly pc: PerCapitaPort; close(): Promise<void> }

const policy = demoPolicy()
const base = fakeTables(policy)
// both residents signed with H1 (demo policy: 390 → 8.00 yuan a month each)
const tables: Tables = {
  ...base,
  persons: new Map([...base.persons].map(([k, p]) => [k, { ...p, contractFixmedins: H1 }])),
}

/** The fake's outpatient settlement (125.00 yuan, the basic fund pays 60 % = 75.00), committed. */
async function settle(b: Backend, hospital: string, seq: number, psn: string): Promise<string> {
  const body = claimBody(hospital, seq, { psn_no: psn })
  const o = fakeAdjudicate(body, { tables, policy, history: {} as never })
  if (o.status !== 'ok') throw new Error('fixture rejected')
  const { history } = await b.port.readHistory(psn)
  const [out] = await b.port.commit([prepareRecord(o.settlement, `h${seq}`, { version: history.version, absorbed: 0 }).record])
  if (out?.status !== 'settled') throw new Error(JSON.stringify(out))
  return out.setlId
}

function suite(open: () => Promise<Backend>): void {
  let b: Backend
  beforeEach(async () => { b = await open() })
  afterEach(async () => { await b.close() })

  it('nets reversals, charges care elsewhere to the contract, and stores draft → closed → refused', async () => {
    await settle(b, H1, 1, 'P0001')
    await settle(b, H2, 2, 'P0001')
    const reversed = await settle(b, H1, 3, 'P0002')
    await b.port.reverse({ setlId: reversed, msgid: 'R1', bodyHash: 'r1' })
    expect(await b.pc.outpatientSums('2026-10')).toEqual([
      { psnNo: 'P0001', code: H1, hifpFen: 7_500, visits: 1 },
      { psnNo: 'P0001', code: H2, hifpFen: 7_500, visits: 1 },
      { psnNo: 'P0002', code: H1, hifpFen: 0, visits: 0 },
    ])
    // H1: budget 2 × 8.00 = 16.00; spending 75.00 here + 75.00 at H2 = 150.00; overspend 134.00: the first 10 % of
    // the budget (1.60) shared half (0.80), the rest not → H1 pays back 133.20
    const draft = await runPerCapita(b.pc, tables, policy, { month: '2026-10', close: false })
    if (draft.status !== 'ok') throw new Error(JSON.stringify(draft))
    expect(draft.report).toMatchObject({ status: 'draft', budget_yuan: 16, spending_yuan: 150, settlement_yuan: -133.2 })
    expect(draft.report.institutions).toEqual([expect.objectContaining({
      fixmedins_code: H1, persons: 2, spending_own_yuan: 75, spending_elsewhere_yuan: 75,
      elsewhere: [{ fixmedins_code: H2, visits: 1, hifp_yuan: 75 }], overspend_yuan: 134, overspend_shared_yuan: 0.8, settlement_yuan: -133.2,
    })])
    expect(JSON.parse((await b.pc.perCapitaInstitution('2026-10', H1))!)).toMatchObject({ status: 'draft', institution: { settlement_yuan: -133.2 } })
    const closed = await runPerCapita(b.pc, tables, policy, { month: '2026-10', close: true })
    expect(closed.status === 'ok' && closed.report.status).toBe('closed')
    await settle(b, H1, 4, 'P0002')
    expect(await runPerCapita(b.pc, tables, policy, { month: '2026-10', close: false })).toMatchObject({ status: 'refused', code: 'E_PER_CAPITA_CLOSED' })
    // the closed run as it was
    expect(JSON.parse((await b.pc.getPerCapita('2026-10'))!.reportJson)).toMatchObject({ status: 'closed', spending_yuan: 150 })
  })
}

describe('per-capita runs on SQLite', () => suite(async () => {
  const tmp = tempDir()
  const l = new SqliteLedger(tmp.file('ledger.sqlite'))
  return { port: l.port(), pc: sqlitePerCapita(l.db), close: async () => { l.close(); tmp.cleanup() } }
}))

describePg('per-capita runs on PostgreSQL', (url) => suite(async () => {
  const db = await freshDatabase(url, 'pcap')
  const l = await PgLedger.open(db.url)
  return { port: l, pc: l.perCapita, close: async () => { await l.close(); await db.drop() } }
}))
