// The PostgreSQL ledger's seq watermark (ledger.ts ledgerSeq): seqs come from a sequence, in nextval order, and
// commit in any order; a month-end run bounded by the ledger's seq must not see seq 2 committed while seq 1 is still
// in flight (it would never see row 1: not in this run, and below the next run's carry). ledgerSeq waits for it.
import { afterEach, beforeEach, expect, it } from 'vitest'
import pg from 'pg'
import { prepareRecord } from '../../engine/ledger/codec.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { mini, settlementOf } from './fixtures.js'
import { describePg, freshDatabase } from './pg-server.js'

describePg('PostgreSQL ledger seq watermark', (server) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let ledger: PgLedger
  let raw: pg.Client
  /** Polls the server's locks; outside raw's transaction (whose pg_stat_activity would stay as first read). */
  let watch: pg.Client
  beforeEach(async () => {
    db = await freshDatabase(server, 'wm')
    ledger = await PgLedger.open(db.url, { maxConnections: 4 })
    raw = new pg.Client({ connectionString: db.url })
    await raw.connect()
    watch = new pg.Client({ connectionString: db.url })
    await watch.connect()
  })
  afterEach(async () => {
    await raw.end()
    await watch.end()
    await ledger.close()
    await db.drop()
  })

  it('ledgerSeq resolves only once every transaction holding a smaller seq has committed', async () => {
    const a = settlementOf(mini(1, { psn_no: 'PA', msgid: 'SAME-MSGID' }))
    // another session holds an uncommitted row with A's msgid: A takes its seq, then waits on the msgid index
    await raw.query('BEGIN')
    await raw.query(`INSERT INTO settlements (setl_id, seq, msgid, body_hash, kind, fixmedins_code, psn_no, insutype,
      mdtrt_id, med_type, inpatient, begndate, enddate, year, month, recorded_at, result_json)
      VALUES ('X', 999, 'SAME-MSGID', 'x', 'settlement', 'H', 'PX', '390', 'MX', '21', 1, '2026-01-01', '2026-01-01', 2026, '2026-01', '', '{}')`)
    const events: string[] = []
    const commitA = ledger.commit([prepareRecord(a, 'ha').record]).then((o) => { events.push('A committed'); return o })
    await until(async () => (await watch.query(`SELECT COUNT(*)::int AS n FROM pg_locks WHERE NOT granted AND ${HERE}`)).rows[0].n > 0)
    // B (another person) commits at once with the next seq
    const [b] = await ledger.commit([prepareRecord(settlementOf(mini(2, { psn_no: 'PB' })), 'hb').record])
    expect(b).toEqual({ status: 'settled', setlId: 'S000000000002' })
    const seq = ledger.ledgerSeq().then((s) => { events.push(`ledgerSeq ${s}`); return s })
    // ledgerSeq waits on the watermark lock A holds: seq 2 is committed, seq 1 is not, so no watermark yet
    await until(async () => (await watch.query(`SELECT COUNT(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND ${HERE}`)).rows[0].n > 0)
    expect(events).toEqual([])
    await raw.query('ROLLBACK')
    expect(await commitA).toEqual([{ status: 'settled', setlId: 'S000000000001' }])
    // the watermark came after A's COMMIT on the server (the order of the two promises' callbacks here is not that)
    expect(await seq).toBe(2)
    expect(events.sort()).toEqual(['A committed', 'ledgerSeq 2'])
  })
})

/** Locks of this test's database only (other suites run on the same server at the same time). */
const HERE = `pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())`

async function until(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('condition never held')
}
