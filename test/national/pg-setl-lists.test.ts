// DischargesPort.setlListGroupings on both backends (engine/ledger/postgres/setl-lists.ts beside the SQLite query in
// engine/ledger/sqlite/reports.ts): a gateway ledger with a settled stay, its 4101A list, and a settled-then-reversed
// stay with a list, moved into PostgreSQL by `ledger copy`, reads the same lists — live and reversed — as the file.
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { pgSetlListGroupings } from '../../engine/ledger/postgres/setl-lists.js'
import { sqliteReports } from '../../engine/ledger/sqlite/reports.js'
import type { Tables } from '../../engine/tables/types.js'
import { cli } from '../cli/helpers.js'
import { describePg, freshDatabase } from '../ledger/pg-server.js'
import { buildDemoTables, closeSide, diseinfo, envelope, feedetail, openSide, post, removeDir, sumYuan, tmpDir, type Side } from './world.js'

describePg('4101A lists on PostgreSQL', (server) => {
  let dir: string
  let tables: Tables
  let gw: Side
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let seq = 0

  beforeAll(async () => {
    dir = tmpDir()
    tables = buildDemoTables(dir).tables
    db = await freshDatabase(server, 'lists')
  }, 120_000)
  afterAll(async () => {
    await db.drop()
    removeDir(dir)
  })

  async function ok(c: ClaimInput, infno: string, input: unknown): Promise<{ output: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const { answer } = await post(gw.app, gw.tokens.get(c.fixmedins_code)!, envelope(c.fixmedins_code, infno, ++seq, input))
    expect(answer.err_msg, `${infno}: ${answer.err_msg}`).toBeNull()
    return answer
  }

  /** 2401 → 2301 → 2402 → 2304 → 4101A (with the claim's procedures); the setl_id and mdtrt_id. */
  async function settleWithList(c: ClaimInput): Promise<{ setlId: string; mdtrtId: string }> {
    const mdtrtId: string = (await ok(c, '2401', { mdtrtinfo: { psn_no: c.psn_no, insutype: c.insutype, begntime: `${c.begndate} 08:00:00`, med_type: '21' }, diseinfo: diseinfo(c) })).output.result.mdtrt_id
    await ok(c, '2301', { feedetail: feedetail(c, mdtrtId, c.fees) })
    await ok(c, '2402', { dscginfo: { mdtrt_id: mdtrtId, psn_no: c.psn_no, insutype: c.insutype, endtime: `${c.enddate} 10:00:00`, dscg_way: '1' }, diseinfo: diseinfo(c) })
    const setlId: string = (await ok(c, '2304', { data: { psn_no: c.psn_no, mdtrt_id: mdtrtId, insutype: c.insutype, medfee_sumamt: sumYuan(c.fees.map((f) => f.amount)) } })).output.setlinfo.setl_id
    await ok(c, '4101A', {
      setlinfo: { mdtrt_id: mdtrtId, setl_id: setlId, psn_no: c.psn_no },
      diseinfo: c.diagnoses.map((d) => ({ diag_code: d.code, maindiag_flag: d.main ? '1' : '0' })),
      oprninfo: (c.procedures ?? []).map((p) => ({ oprn_oprt_type: p.main ? '1' : '2', oprn_oprt_code: p.code })),
    })
    return { setlId, mdtrtId }
  }

  it('reads what the SQLite ledger reads, after ledger copy', async () => {
    const stays = [...generateDemoClaims(tables, { count: 200, seed: 7, month: '2026-10' })]
      .filter((x) => x.med_type === '21' && !x.referral_from && x.insutype === '310')
    const [a, b] = [stays[0]!, stays.find((x) => x.psn_no !== stays[0]!.psn_no)!]
    const file = join(dir, 'gateway.sqlite')
    gw = await openSide(tables, file, [...new Set([a.fixmedins_code, b.fixmedins_code])])
    await settleWithList(a)
    const second = await settleWithList(b)
    await ok(b, '2305', { data: { setl_id: second.setlId, mdtrt_id: second.mdtrtId, psn_no: b.psn_no } })
    const fromFile = await sqliteReports(gw.ledger.db).setlListGroupings('2026-10', '310', 1_000_000)
    await closeSide(gw)
    expect(fromFile.map((g) => g.live)).toEqual([true, false])

    const copy = cli(['ledger', 'copy', '--from', file, '--to', db.url])
    expect(copy.status, copy.stderr).toBe(0)
    const pool = new pg.Pool({ connectionString: db.url })
    // pool.end() resolves before its connections have closed: a DROP … WITH (FORCE) after it may still terminate one
    pool.on('error', () => {})
    try {
      expect(await pgSetlListGroupings(pool, '2026-10', '310', 1_000_000)).toEqual(fromFile)
      // bounded by the seq: the reversal (seq 3) not yet seen at seq 2 leaves both live
      expect((await pgSetlListGroupings(pool, '2026-10', '310', 2)).map((g) => g.live)).toEqual([true, true])
      expect(await pgSetlListGroupings(pool, '2026-11', '310', 1_000_000)).toEqual([])
    } finally {
      await pool.end()
    }
  }, 120_000)
})
