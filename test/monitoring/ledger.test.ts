// Monitoring through the ledger, on both backends (SPEC §11, §14): the rules see the person's stays read through the
// port; a warn flag is recorded with its settlement (its stored answer: replays and GET answer it again) and read back
// by the month's monitoring read; a block answers a rejection and changes nothing; a reversal marks the flagged
// settlement and raises no flag of its own. The PostgreSQL run needs DIPSETTLE_TEST_PG (pg-server.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import pg from 'pg'
import { bodyHash } from '../../engine/ledger/hash.js'
import type { MonitoringPort } from '../../engine/ledger/monitoring-port.js'
import type { LedgerPort } from '../../engine/ledger/port.js'
import { pgMonitoring } from '../../engine/ledger/postgres/monitoring.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { settleBatch, settleClaim } from '../../engine/ledger/settle-port.js'
import { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { sqliteMonitoring } from '../../engine/ledger/sqlite/monitoring.js'
import { C, H, claim, fee } from '../fixtures/claims.js'
import { tempDir } from '../ledger/fixtures.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { monitoringPolicy, monitoringTables } from './fixtures.js'

interface World { readonly port: LedgerPort; readonly monitoring: MonitoringPort; close(): Promise<void> }

const NOW = (): Date => new Date('2026-10-02T08:00:00Z')
const WARN = { tables: monitoringTables(monitoringPolicy()), policy: monitoringPolicy() }
const BLOCK = { tables: WARN.tables, policy: monitoringPolicy({ M_OVERLAPPING_STAY: 'block' }) }
const OVERLAP_DETAIL = '与 H15020300001 的住院 MA（2026-09-01至2026-09-05）时间重叠'

function suite(open: () => Promise<World>): void {
  let w: World
  beforeEach(async () => { w = await open() })
  afterEach(async () => { await w.close() })

  // stay MA at H.A1 from 09-01 to 09-05; stay MB at H.L3 from 09-03 to 09-09 overlaps it (09-01 < 09-09, 09-03 < 09-05)
  const first = claim({ fixmedins_code: H.A1, mdtrt_id: 'MA', begndate: '2026-09-01', enddate: '2026-09-05' })
  const second = claim({ fixmedins_code: H.L3, mdtrt_id: 'MB' })

  it('records a warn flag with the settlement and reads it back for the month', async () => {
    expect((await settleClaim(first, w.port, WARN)).monitoring).toEqual([])
    const b = await settleClaim(second, w.port, WARN)
    expect(b.status).toBe('settled')
    const flag = { code: 'M_OVERLAPPING_STAY', label: '住院时间重叠', severity: 'warn', detail: OVERLAP_DETAIL }
    expect(b.monitoring).toEqual([flag])
    expect((await w.port.settlement(b.setl_id!))?.monitoring).toEqual([flag])
    expect(await settleClaim(second, w.port, WARN)).toEqual(b) // the msgid's replay answers the flag again
    const rows = await w.monitoring.monitoredSettlements('2026-09')
    expect(rows.map((r) => ({ setl_id: r.setl_id, code: r.fixmedins_code, mdtrt: r.mdtrt_id, ins: r.insutype, reversed: r.reversed, flags: r.flags })))
      .toEqual([{ setl_id: b.setl_id, code: H.L3, mdtrt: 'MB', ins: '390', reversed: false, flags: [flag] }])
    expect(await w.monitoring.monitoredSettlements('2026-10')).toEqual([])
  })

  it('a block rejects the claim and changes nothing', async () => {
    const a = await settleClaim(first, w.port, BLOCK)
    const before = (await w.port.readHistory(a.psn_no!)).history.version
    const accBefore = await w.port.accumulators(a.psn_no!, 2026)
    const b = await settleClaim(second, w.port, BLOCK)
    expect(b.status).toBe('rejected')
    expect(b.reasons).toEqual([{ code: 'E_MONITORING_BLOCKED', field: 'begndate', message: `M_OVERLAPPING_STAY 住院时间重叠: ${OVERLAP_DETAIL}` }])
    expect((await w.port.readHistory(a.psn_no!)).history.version).toBe(before)
    expect(await w.port.answerOfMsgid(second.msgid)).toBeUndefined()
    expect(await w.port.accumulators(a.psn_no!, 2026)).toEqual(accBefore)
    expect(await w.monitoring.monitoredSettlements('2026-09')).toEqual([])
  })

  it('a reversal marks the flagged settlement reversed and carries no flag itself', async () => {
    await settleClaim(first, w.port, WARN)
    const b = await settleClaim(second, w.port, WARN)
    const rev = { msgid: `${H.L3}20261002090000${'9999'}`, setl_id: b.setl_id }
    const out = await w.port.reverse({ setlId: b.setl_id!, msgid: rev.msgid, bodyHash: bodyHash(rev) })
    expect(out.status).toBe('settled')
    expect(out.status === 'settled' && out.result !== undefined ? out.result.monitoring : 'no answer').toEqual([])
    const rows = await w.monitoring.monitoredSettlements('2026-09')
    expect(rows.map((r) => [r.setl_id, r.reversed])).toEqual([[b.setl_id, true]])
  })

  // the usual order: outpatient visits at H.L1 settle during the stay MS at H.L3 (09-01 to 09-10), the stay at discharge
  const stayMS = claim({ fixmedins_code: H.L3, mdtrt_id: 'MS', begndate: '2026-09-01', enddate: '2026-09-10' })
  const visitOn = (id: string, d: string) => claim({ fixmedins_code: H.L1, mdtrt_id: id, med_type: '11', begndate: d, enddate: d, fees: [fee(C.JIA, 1, 50)] })
  const DURING = { code: 'M_OUTPATIENT_DURING_STAY', label: '住院期间门诊结算', severity: 'warn',
    detail: '住院（2026-09-01至2026-09-10）期间有 1 次门诊结算，最早为 H15020300004 的门诊 MV（2026-09-03）' }

  it('flags the stay settled after a visit on its day 3 (09-01 < 09-03 < 09-10); the visit itself settled unflagged', async () => {
    expect((await settleClaim(visitOn('MV', '2026-09-03'), w.port, WARN)).monitoring).toEqual([])
    const s = await settleClaim(stayMS, w.port, WARN)
    expect(s.status).toBe('settled')
    expect(s.monitoring).toEqual([DURING])
    expect((await w.port.settlement(s.setl_id!))?.monitoring).toEqual([DURING])
  })

  it('the same in one batch: the stay sees the visit decided before it, not yet committed', async () => {
    const [v, s] = await settleBatch([visitOn('MV', '2026-09-03'), stayMS], w.port, WARN)
    expect([v!.status, s!.status]).toEqual(['settled', 'settled'])
    expect(s!.monitoring).toEqual([DURING])
  })

  it('visits on the admission and the discharge day do not flag the stay', async () => {
    for (const [id, d] of [['MV1', '2026-09-01'], ['MV2', '2026-09-10']] as const) expect((await settleClaim(visitOn(id, d), w.port, WARN)).status).toBe('settled')
    expect((await settleClaim(stayMS, w.port, WARN)).monitoring).toEqual([])
  })

  it('a reversed visit does not flag the stay', async () => {
    const v = await settleClaim(visitOn('MV', '2026-09-03'), w.port, WARN)
    const rev = { msgid: `${H.L1}20260905090000${'9998'}`, setl_id: v.setl_id }
    expect((await w.port.reverse({ setlId: v.setl_id!, msgid: rev.msgid, bodyHash: bodyHash(rev) })).status).toBe('settled')
    expect((await settleClaim(stayMS, w.port, WARN)).monitoring).toEqual([])
  })

  it('block refuses the stay and writes nothing', async () => {
    const policy = monitoringPolicy({ M_OUTPATIENT_DURING_STAY: 'block' })
    const v = await settleClaim(visitOn('MV', '2026-09-03'), w.port, { tables: WARN.tables, policy })
    const before = (await w.port.readHistory(v.psn_no!)).history.version
    const s = await settleClaim(stayMS, w.port, { tables: WARN.tables, policy })
    expect(s.status).toBe('rejected')
    expect(s.reasons).toEqual([{ code: 'E_MONITORING_BLOCKED', field: 'begndate', message: `M_OUTPATIENT_DURING_STAY 住院期间门诊结算: ${DURING.detail}` }])
    expect((await w.port.readHistory(v.psn_no!)).history.version).toBe(before)
    expect(await w.port.answerOfMsgid(stayMS.msgid)).toBeUndefined()
  })
}

describe('monitoring on the SQLite ledger', () => {
  suite(async () => {
    const tmp = tempDir()
    const l = new SqliteLedger(tmp.file('ledger.sqlite'), { now: NOW })
    return { port: l.port(), monitoring: sqliteMonitoring(l.db), close: async () => { l.close(); tmp.cleanup() } }
  })
})

describePg('monitoring on the PostgreSQL ledger', (url) => {
  suite(async () => {
    const db = await freshDatabase(url, 'mon')
    const l = await PgLedger.open(db.url, { now: NOW })
    const pool = new pg.Pool({ connectionString: db.url, max: 1 })
    // pool.end() resolves before its connections have closed: the DROP … WITH (FORCE) after it may still terminate
    // one, whose error the pool re-emits — not a failure of the test
    pool.on('error', () => {})
    return {
      port: l, monitoring: pgMonitoring(pool),
      close: async () => { await pool.end(); await l.close(); await db.drop() },
    }
  })
})
