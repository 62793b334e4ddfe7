// The month-end run guard of the reports port (reports-port.ts MonthEndRunsPort; SQLite: sqlite/reports.ts,
// PostgreSQL: postgres/reports.ts), one suite on both backends: runs of one month and pool never interleave — in one
// handle, or from two handles on one ledger (two processes) — a run is stored only over the run it started from and
// never over a closed one, and of two closes of one month sent at once exactly one closes it, the other is refused.
import { describe, expect, it } from 'vitest'
import type { ReportsPort, RunRow } from '../../engine/ledger/reports-port.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { reportsOf } from '../../engine/settlement/types.js'
import { describePg } from '../ledger/pg-server.js'
import { pgLedgers, sqliteLedgers, type LedgerMaker } from './backends.js'
import { fen, testPolicy, testTables } from './fixtures.js'

const run = (over: Partial<RunRow>): RunRow => ({
  month: '2026-10', pool: '390', status: 'draft', budget_fen: 0, ratio_ppm: 700_000, total_points_1e4: 0, dip_total_fen: 0,
  point_value: '0/1', ledger_seq: 0, run_at: '2026-11-01T00:00:00.000Z', closed_at: null, report_json: '{}', ...over,
})

/** Two runs of one (month, pool) on these ports, and one of another month; what each saw, in order. */
async function threeRuns(first: ReportsPort, second: ReportsPort): Promise<string[]> {
  const log: string[] = []
  let otherMonthStarted!: () => void
  const otherMonth = new Promise<void>((r) => { otherMonthStarted = r })
  const step = (name: string, wait?: Promise<void>) => async () => {
    log.push(`${name} start`)
    // a run of another month must be able to start while this one holds its guard (else: no progress, a timeout)
    if (wait) await wait
    await new Promise((r) => setTimeout(r, 20))
    log.push(`${name} end`)
    return name
  }
  const a = first.exclusiveRun('2026-10', '390', step('a', otherMonth))
  const b = second.exclusiveRun('2026-10', '390', step('b'))
  const c = first.exclusiveRun('2026-11', '390', async () => {
    otherMonthStarted()
    return step('c')()
  })
  expect(await Promise.all([a, b, c])).toEqual(['a', 'b', 'c'])
  return log
}

/** The two runs of one month did not overlap: one ended before the other started. */
function apart(log: string[]): void {
  const [aStart, aEnd, bStart, bEnd] = ['a start', 'a end', 'b start', 'b end'].map((e) => log.indexOf(e)) as [number, number, number, number]
  expect(aEnd < bStart || bEnd < aStart).toBe(true)
}

function guardSuite(m: LedgerMaker): void {
  it('saveRun replaces only the run it started from, and never a closed one', async () => {
    const port = reportsOf(m.newLedger())
    expect(await port.saveRun(run({}), [], [], null)).toEqual({ status: 'saved' })
    // another run was saved since this one began (it started from none): nothing written
    expect(await port.saveRun(run({ run_at: '2026-11-02T00:00:00.000Z' }), [], [], null)).toEqual({ status: 'changed' })
    expect(await port.saveRun(run({ run_at: '2026-11-02T00:00:00.000Z', status: 'closed', closed_at: '2026-11-02T00:00:00.000Z' }), [], [], '2026-11-01T00:00:00.000Z'))
      .toEqual({ status: 'saved' })
    const closed = await port.saveRun(run({ run_at: '2026-11-03T00:00:00.000Z' }), [], [], '2026-11-02T00:00:00.000Z')
    expect(closed.status).toBe('closed')
    expect((await port.getRun('2026-10', '390'))?.status).toBe('closed')
  })

  it('saveRun stores the run\'s hospitals and cases with it, and a draft replaces them whole', async () => {
    const port = reportsOf(m.newLedger())
    const h = (code: string, payout: number) => ({
      fixmedins_code: code, points_1e4: 10_000, discharges: 1, dip_amount_fen: 100, item_fund_fen: 60, patient_paid_fen: 40,
      adj_points_1e4: 0, adj_dip_amount_fen: 0, adj_item_fund_fen: 0, adj_patient_paid_fen: 0, payable_fen: 60, payout_fen: payout, withheld_fen: 60 - payout,
    })
    const c = { setl_id: 'S000000000001', fixmedins_code: 'H00000000001', status: 'pending' as const, grouped_points_1e4: 5, paid_points_1e4: 5 }
    await port.saveRun(run({}), [h('H00000000002', 57), h('H00000000001', 57)], [c], null)
    expect((await port.hospitalRows('2026-10', '390')).map((r) => r.fixmedins_code)).toEqual(['H00000000001', 'H00000000002'])
    expect(await port.caseRows('2026-10', '390')).toMatchObject([c])
    await port.saveRun(run({ run_at: '2026-11-02T00:00:00.000Z' }), [h('H00000000003', 50)], [], '2026-11-01T00:00:00.000Z')
    expect(await port.hospitalRows('2026-10', '390')).toMatchObject([{ fixmedins_code: 'H00000000003', payout_fen: 50, withheld_fen: 10 }])
    expect(await port.caseRows('2026-10', '390')).toEqual([])
  })

  it('exclusiveRun runs one (month, pool) at a time; another month runs alongside', async () => {
    const port = reportsOf(m.newLedger())
    apart(await threeRuns(port, port))
  })

  it('two handles on one ledger (two processes): runs of one month and pool never interleave', async () => {
    const l = m.newLedger({ onDisk: true })
    const other = await m.otherHandle(l)
    try {
      // SQLite guards runs per process, and across processes by saveRun's check (a run recomputes): so the runs
      // themselves interleave only on SQLite — what never interleaves there is their writes (next test)
      const log = await threeRuns(reportsOf(l), other.reports)
      if (m.name === 'postgres') apart(log)
    } finally {
      await other.close()
    }
  })

  it('a close and a draft of one month sent together: the close is final, the draft after it is refused', async () => {
    const policy = testPolicy()
    const l = m.newLedger()
    l.discharge({ code: 'H00000000001', enddate: '2026-10-03', points: 1000, medfeeYuan: 10_000, hifpYuan: 6_000 })
    const opts = { month: '2026-10', pool: '390', budgetFen: fen(7_000) } as const
    const [closeRun, draftRun] = await Promise.all([
      settleMonth(l, testTables(policy), policy, { ...opts, close: true }), settleMonth(l, testTables(policy), policy, { ...opts, close: false }),
    ])
    expect(closeRun.status).toBe('ok')
    expect(draftRun).toMatchObject({ status: 'refused', code: 'E_MONTH_CLOSED' })
  })

  it('two closes of one month from two handles at once: exactly one closes it, the other is refused and changed nothing', async () => {
    const policy = testPolicy()
    const tables = testTables(policy)
    const l = m.newLedger({ onDisk: true })
    l.discharge({ code: 'H00000000001', enddate: '2026-10-03', points: 1000, medfeeYuan: 10_000, hifpYuan: 6_000 })
    l.discharge({ code: 'H00000000002', enddate: '2026-10-04', points: 1000, medfeeYuan: 10_000, hifpYuan: 6_000 })
    const other = await m.otherHandle(l)
    try {
      // different budgets: the stored run tells which one closed the month
      const outs = await Promise.all([
        settleMonth(l, tables, policy, { month: '2026-10', pool: '390', budgetFen: fen(7_000), close: true }),
        settleMonth(other.reports, tables, policy, { month: '2026-10', pool: '390', budgetFen: fen(14_000), close: true }),
      ])
      expect(outs.map((o) => o.status).sort()).toEqual(['ok', 'refused'])
      const won = outs.findIndex((o) => o.status === 'ok')
      expect(outs[1 - won]).toMatchObject({ status: 'refused', code: 'E_MONTH_CLOSED' })
      const stored = await reportsOf(l).getRun('2026-10', '390')
      expect(stored).toMatchObject({ status: 'closed', budget_fen: won === 0 ? fen(7_000) : fen(14_000) })
      // 7,000 ÷ 0.7 = 10,000 yuan (or 20,000) over 2,000 points: 5 (or 10) yuan per point, 5,000 (or 10,000) each
      expect((await other.reports.hospitalRows('2026-10', '390')).map((h) => h.dip_amount_fen)).toEqual(won === 0 ? [fen(5_000), fen(5_000)] : [fen(10_000), fen(10_000)])
    } finally {
      await other.close()
    }
  })
}

describe('month-end run guard on SQLite', () => guardSuite(sqliteLedgers))
describePg('month-end run guard on PostgreSQL', (url) => guardSuite(pgLedgers(url)))
