// The SQLite reports port (engine/ledger/sqlite/reports.ts): the month-end run guard — runs of one month and pool
// never interleave in a process, and a run is stored only over the run it started from and never over a closed one.
import { describe, expect, it } from 'vitest'
import { sqliteReports } from '../../engine/ledger/sqlite/reports.js'
import type { RunRow } from '../../engine/ledger/reports-port.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { fen, testPolicy, testTables, TestLedger } from '../settlement/fixtures.js'

const run = (over: Partial<RunRow>): RunRow => ({
  month: '2026-10', pool: '390', status: 'draft', budget_fen: 0, ratio_ppm: 700_000, total_points_1e4: 0, dip_total_fen: 0,
  point_value: '0/1', ledger_seq: 0, run_at: '2026-11-01T00:00:00.000Z', closed_at: null, report_json: '{}', ...over,
})

describe('SqliteReports month-end runs', () => {
  it('saveRun replaces only the run it started from, and never a closed one', async () => {
    const l = new TestLedger(':memory:')
    const port = sqliteReports(l.db)
    expect(await port.saveRun(run({}), [], [], null)).toEqual({ status: 'saved' })
    // another run was saved since this one began (it started from none): nothing written
    expect(await port.saveRun(run({ run_at: '2026-11-02T00:00:00.000Z' }), [], [], null)).toEqual({ status: 'changed' })
    expect(await port.saveRun(run({ run_at: '2026-11-02T00:00:00.000Z', status: 'closed', closed_at: '2026-11-02T00:00:00.000Z' }), [], [], '2026-11-01T00:00:00.000Z'))
      .toEqual({ status: 'saved' })
    const closed = await port.saveRun(run({ run_at: '2026-11-03T00:00:00.000Z' }), [], [], '2026-11-02T00:00:00.000Z')
    expect(closed.status).toBe('closed')
    expect((await port.getRun('2026-10', '390'))?.status).toBe('closed')
  })

  it('exclusiveRun runs one (month, pool) at a time, in call order; other months run alongside', async () => {
    const port = sqliteReports(new TestLedger(':memory:').db)
    const log: string[] = []
    const step = (name: string) => async () => {
      log.push(`${name} start`)
      await new Promise((r) => setTimeout(r, 5))
      log.push(`${name} end`)
      return name
    }
    const out = await Promise.all([
      port.exclusiveRun('2026-10', '390', step('a')), port.exclusiveRun('2026-10', '390', step('b')), port.exclusiveRun('2026-11', '390', step('c')),
    ])
    expect(out).toEqual(['a', 'b', 'c'])
    expect(log.indexOf('b start')).toBeGreaterThan(log.indexOf('a end'))
    expect(log.indexOf('c start')).toBeLessThan(log.indexOf('a end'))
  })

  it('a close and a draft of one month sent together: the close is final, the draft after it is refused', async () => {
    const policy = testPolicy()
    const l = new TestLedger(':memory:')
    l.discharge({ code: 'H00000000001', enddate: '2026-10-03', points: 1000, medfeeYuan: 10_000, hifpYuan: 6_000 })
    const opts = { month: '2026-10', pool: '390', budgetFen: fen(7_000) } as const
    const [closeRun, draftRun] = await Promise.all([
      settleMonth(l, testTables(policy), policy, { ...opts, close: true }), settleMonth(l, testTables(policy), policy, { ...opts, close: false }),
    ])
    expect(closeRun.status).toBe('ok')
    expect(draftRun).toMatchObject({ status: 'refused', code: 'E_MONTH_CLOSED' })
  })
})
