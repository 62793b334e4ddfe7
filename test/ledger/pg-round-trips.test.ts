// What a claim costs the PostgreSQL server in round trips (issue 15): a commit is one call of the commit function
// (postgres/commit-function.ts) — one statement, its own transaction — whatever the group's size; a reversal is its
// read and that call; the snapshot read is one statement. Counted at the driver: every pg Client.query is one round
// trip (pg never pipelines; a prepared statement's parse, bind and execute go out together).
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import pg from 'pg'
import { prepareRecord } from '../../engine/ledger/codec.js'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { mini, settlementOf } from './fixtures.js'
import { describePg, freshDatabase } from './pg-server.js'

describePg('PostgreSQL ledger round trips', (server) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let ledger: PgLedger
  beforeEach(async () => {
    db = await freshDatabase(server, 'trips')
    ledger = await PgLedger.open(db.url, { maxConnections: 1 })
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await ledger.close()
    await db.drop()
  })

  /** fn's result and the queries it sent on the ledger's connections. */
  async function counted<T>(fn: () => Promise<T>): Promise<{ out: T; trips: number }> {
    const query = vi.spyOn(pg.Client.prototype, 'query')
    try {
      const out = await fn()
      return { out, trips: query.mock.calls.length }
    } finally {
      query.mockRestore()
    }
  }

  it('a claim: one read, one commit; a group of claims: one commit; a reversal: two', async () => {
    const first = await counted(() => ledger.commit([prepareRecord(settlementOf(mini(1)), 'h1').record]))
    expect(first).toEqual({ out: [{ status: 'settled', setlId: 'S000000000001' }], trips: 1 })

    const read = await counted(() => ledger.readHistory('P0001', mini(2).msgid))
    expect(read.trips).toBe(1)
    const second = await counted(() => ledger.commit([prepareRecord(settlementOf(mini(2)), 'h2', { version: read.out.history.version, absorbed: 0 }).record]))
    expect(second).toEqual({ out: [{ status: 'settled', setlId: 'S000000000002' }], trips: 1 })

    // three persons in one commit, one of them stale (version 0 read before its first row): still one statement
    const group = [
      prepareRecord(settlementOf(mini(3, { psn_no: 'P0002' })), 'h3').record,
      prepareRecord(settlementOf(mini(4, { psn_no: 'P0003' })), 'h4').record,
      prepareRecord(settlementOf(mini(5)), 'h5').record,
    ]
    const many = await counted(() => ledger.commit(group))
    expect(many).toEqual({
      out: [{ status: 'settled', setlId: 'S000000000003' }, { status: 'settled', setlId: 'S000000000004' }, { status: 'stale' }],
      trips: 1,
    })

    const rev = await counted(() => ledger.reverse({ setlId: 'S000000000002', msgid: 'R1', bodyHash: 'r1' }))
    expect(rev.out).toMatchObject({ status: 'settled', setlId: 'S000000000005', result: { setl_id: 'S000000000005', reverses: 'S000000000002' } })
    expect(rev.trips).toBe(2)
    // a replayed reversal is answered by its read alone
    const again = await counted(() => ledger.reverse({ setlId: 'S000000000002', msgid: 'R1', bodyHash: 'r1' }))
    expect(again).toEqual({ out: { status: 'replayed', result: rev.out.status === 'settled' ? rev.out.result : undefined }, trips: 1 })
  })
})
