// `dipsettle special-case decide`: the bureau's 特例单议 decision, recorded for the next month-end run.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PACKAGE_ROOT } from '../../engine/paths.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { fen, testPolicy, testTables, TestLedger } from '../settlement/fixtures.js'

const CLI = join(PACKAGE_ROOT, 'dist', 'engine', 'cli', 'main.js')
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' })

describe('dipsettle special-case apply / decide', () => {
  it('records an approval that the next month-end pays at cost-based points; refuses what is not a candidate', async () => {
    const l = new TestLedger()
    // 200 discharges → quota ⌊200 × 5 ‰⌋ = 1 candidate
    for (let i = 0; i < 199; i++) l.discharge({ code: 'H00000000001', enddate: '2026-10-01', points: 1, medfeeYuan: 100, hifpYuan: 50 })
    // group score 1,000, average 10,000 yuan: grouped at (8 − 2 + 1) × 1,000 = 7,000 points
    const big = l.discharge({ code: 'H00000000001', enddate: '2026-10-02', points: 7000, medfeeYuan: 80_000, hifpYuan: 60_000, deviation: 'review', score: 1000, avgCostYuan: 10_000 })
    const plain = 'S000000000001'
    l.db.close()

    // the hospital applies first (another hospital cannot apply for it)
    const applied = run(['special-case', 'apply', '--ledger', l.file, '--setl-id', big, '--hospital', 'H00000000001', '--note', '费用异常高'])
    expect(applied.status).toBe(0)
    expect(JSON.parse(applied.stdout)).toMatchObject({ setl_id: big, fixmedins_code: 'H00000000001', status: 'applied' })
    const other = run(['special-case', 'apply', '--ledger', l.file, '--setl-id', big, '--hospital', 'H00000000002'])
    expect(other.status).toBe(2)
    expect(other.stderr).toContain('another hospital')
    expect(run(['special-case', 'apply', '--ledger', l.file, '--setl-id', plain, '--hospital', 'H00000000001']).status).toBe(2)

    const ok = run(['special-case', 'decide', '--ledger', l.file, '--setl-id', big, '--decision', 'approved', '--note', '专家评议 2026-11'])
    expect(ok.status).toBe(0)
    expect(JSON.parse(ok.stdout)).toEqual({ setl_id: big, decision: 'approved', note: '专家评议 2026-11' })
    const notCandidate = run(['special-case', 'decide', '--ledger', l.file, '--setl-id', plain, '--decision', 'approved'])
    expect(notCandidate.status).toBe(2)
    expect(notCandidate.stderr).toContain('not a 特例单议 candidate')
    expect(run(['special-case', 'decide', '--ledger', l.file, '--setl-id', 'S999999999999', '--decision', 'approved']).status).toBe(2)
    expect(run(['special-case', 'decide', '--ledger', l.file, '--setl-id', big, '--decision', 'maybe']).status).toBe(2)

    const again = new TestLedger(l.file)
    const policy = testPolicy()
    const r = await settleMonth(again, testTables(policy), policy, { month: '2026-10', pool: '390', budgetFen: fen(7_000), close: false })
    if (r.status !== 'ok') throw new Error(r.status)
    // cost-based: 1,000 × 80,000 ÷ 10,000 × coefficient 1 = 8,000 points; the application is shown
    expect(r.report.special_cases.find((c) => c.setl_id === big)).toMatchObject({ status: 'approved', paid_points: 8000 })
    expect(r.report.special_cases.find((c) => c.setl_id === big)?.applied_at).toMatch(/^\d{4}-/)
  })
})
