// `dipsettle simulate`: a tiny province through the built CLI (`npx tsc -p .` first: the pool's workers and the CLI
// run from dist/), then `dipsettle ledger verify` on its ledger; plus the arithmetic of volumes and extrapolations.
import Database from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_SOURCES_DIR, fromRoot } from '../../engine/paths.js'
import { extrapolate } from '../../engine/simulate/extrapolate.js'
import { defaultHospitalSets, scaledHospitalRows } from '../../engine/simulate/province.js'
import type { SimulationReport } from '../../engine/simulate/run.js'
import { addMonths, monthVolume } from '../../engine/simulate/workload.js'

const CLI = fromRoot('dist', 'engine', 'cli', 'main.js')

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build with \`npx tsc -p .\` before the simulate tests`)
  const p = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
  return { status: p.status, stdout: p.stdout, stderr: p.stderr }
}

describe('a month of a 2,000-insured province', () => {
  let dir = ''
  let report: SimulationReport
  let run: { status: number | null; stdout: string; stderr: string }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dipsettle-sim-'))
    run = cli(['simulate', '--persons', '2000', '--months', '1', '--workers', '1', '--out', dir])
    const last = run.stdout.trim().split('\n').at(-1) ?? ''
    report = JSON.parse(last) as SimulationReport
  })
  afterAll(() => { if (dir !== '') rmSync(dir, { recursive: true, force: true }) })

  it('completes with exit 0 and prints every stage', () => {
    expect(run.status, run.stderr).toBe(0)
    for (const s of ['build province', 'import persons (ledger)', 'start 1 worker(s)', '2026-01 settle', '2026-01 month-end 310', '2026-01 month-end 390', 'verify ledger']) {
      expect(report.stages.some((x) => x.stage.startsWith(s)), s).toBe(true)
    }
    expect(run.stdout).toContain('extrapolated from this run')
    // the insured were imported into the ledger (SPEC §11), not built into the tables: the workers find every one
    expect(report.stages.find((x) => x.stage === 'import persons (ledger)')?.items).toBe(2000)
    expect(report.per_month[0]!.rejected_by_code['E_UNKNOWN_PERSON']).toBeUndefined()
    // threads share one RSS: the process figures are whole-process ones; the peak is the peak
    expect(report.memory.process_rss_mb).toBeGreaterThan(0)
    expect(report.memory.process_peak_rss_mb).toBeGreaterThanOrEqual(report.memory.process_rss_mb)
    // a worker's figure comes from a process that did a worker's work on 816 new claims of the month (min(20,000,
    // the month's 816)), every person found in the ledger: its RSS is node's baseline plus what the work holds
    const w = report.memory.worker
    expect(w.claims).toBe(816)
    expect(w.computed).toBeGreaterThan(700)
    expect(report.memory.worker_rss_mb).toBe(w.rss_mb)
    expect(w.rss_mb).toBeGreaterThan(w.node_baseline_rss_mb)
    expect(w.heap_used_mb).toBeGreaterThan(0)
    expect(w.heap_used_mb).toBeLessThanOrEqual(w.heap_total_mb)
    expect(report.memory.main.heap_total_mb).toBeGreaterThan(0)
  })

  it('generates the month volume SPEC §10 implies and accounts for every claim', () => {
    // 2,000 × 0.2 ÷ 12 = 33.3 → 33 admissions expected; 2,000 × 4.7 ÷ 12 = 783.3 → 783 outpatient: 816 claims
    const m = report.per_month[0]!
    expect(m.claims).toBe(816)
    expect(m.inpatient + m.outpatient).toBe(816)
    expect(m.inpatient).toBeGreaterThan(10) // a random split around 33
    expect(m.settled + m.rejected).toBe(m.claims)
    expect(Object.values(m.rejected_by_code).reduce((a, b) => a + b, 0)).toBe(m.rejected)
    expect(m.faults).toBe(0)
    expect(report.totals.claims).toBe(816)
  })

  it('the ledger holds exactly the settled claims, and month-end covers its discharges', () => {
    const m = report.per_month[0]!
    const db = new Database(join(dir, 'ledger.sqlite'), { readonly: true })
    try {
      const row = db.prepare(`SELECT COUNT(*) AS n, SUM(inpatient) AS ip FROM settlements WHERE kind = 'settlement'`).get() as { n: number; ip: number }
      expect(row.n).toBe(m.settled)
      expect(m.ledger_rows).toBe(m.settled)
      expect(report.ledger.rows).toBe(m.settled) // no reversals in a simulated month
      // both pools' month-ends together count every settled inpatient stay once
      expect(m.month_end.map((x) => x.pool)).toEqual(['310', '390'])
      expect(m.month_end.reduce((a, x) => a + x.discharges, 0)).toBe(row.ip)
      const closed = db.prepare(`SELECT COUNT(*) FROM month_end_runs WHERE status = 'closed'`).pluck().get() as number
      expect(closed).toBe(2)
    } finally {
      db.close()
    }
  })

  it('`dipsettle ledger verify` finds every accumulator consistent', () => {
    expect(report.verify.differences).toBe(0)
    const v = cli(['ledger', 'verify', '--ledger', join(dir, 'ledger.sqlite')])
    expect(v.status, v.stdout + v.stderr).toBe(0)
    expect(v.stdout).toContain(`ok: ${report.per_month[0]!.settled} settlement rows`)
  })

  it('refuses to replace a ledger it did not make', () => {
    const other = mkdtempSync(join(tmpdir(), 'dipsettle-sim-other-'))
    try {
      const db = new Database(join(other, 'ledger.sqlite'))
      db.close()
      const r = cli(['simulate', '--persons', '2000', '--out', other])
      expect(r.status).toBe(2)
      expect(r.stderr).toContain('was not made by `dipsettle simulate`')
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })
})

describe('simulation arithmetic', () => {
  it('a month of 24 M insured is ~400,000 admissions (SPEC §10)', () => {
    // 24,000,000 × 0.2 ÷ 12 = 400,000; 24,000,000 × 4.7 ÷ 12 = 9,400,000
    expect(monthVolume(24_000_000)).toEqual({ inpatient: 400_000, outpatient: 9_400_000, total: 9_800_000 })
  })

  it('months roll over the year', () => {
    expect(addMonths('2026-11', 0)).toBe('2026-11')
    expect(addMonths('2026-11', 2)).toBe('2027-01')
    expect(addMonths('2026-01', 23)).toBe('2027-12')
  })

  it('extrapolates a measured rate to the national day and the provincial peak', () => {
    // 2,000/s: 18,000,000 ÷ 2,000 = 9,000 s = 2.5 h; 18 M ÷ 86,400 = 208.3/s → 1 machine; 3,500 ÷ 2,000 → 2 machines.
    // month-end 2 s for 10,000 discharges = 0.2 ms each → 400,000: 80 s; 800,000: 160 s
    expect(extrapolate(2000, { seconds: 2, discharges: 10_000 })).toEqual({
      national_day_hours_on_this_machine: 2.5, national_machines_for_24h: 1, province_peak_machines: 2,
      month_end_400k_s: 80, month_end_800k_s: 160,
    })
    // 150/s: 208.3 ÷ 150 → 2 machines over 24 h; 3,500 ÷ 150 = 23.3 → 24 for the peak
    const slow = extrapolate(150, null)
    expect([slow.national_machines_for_24h, slow.province_peak_machines, slow.month_end_400k_s]).toEqual([2, 24, null])
  })

  it('more hospital sets are new codes and alliances in the same cities', () => {
    const csv = readFileSync(join(DEMO_SOURCES_DIR, 'hospitals.csv'), 'utf8')
    const one = scaledHospitalRows(csv, 1)
    const three = scaledHospitalRows(csv, 3)
    expect(three.length).toBe(one.length * 3)
    expect(new Set(three.map((r) => r[0])).size).toBe(three.length) // codes unique
    expect(three.every((r) => /^H\d{11}$/.test(r[0]!))).toBe(true)
    // each copy keeps one lead per alliance
    const leads = new Map<string, number>()
    for (const r of three) if (r[4] !== '' && r[5] === '1') leads.set(r[4]!, (leads.get(r[4]!) ?? 0) + 1)
    expect([...leads.values()].every((n) => n === 1)).toBe(true)
    expect(leads.size).toBe(3 * new Set(one.filter((r) => r[4] !== '').map((r) => r[4])).size)
    // one copy of the network per million insured, at least one
    expect([defaultHospitalSets(2000), defaultHospitalSets(2_400_000), defaultHospitalSets(24_000_000)]).toEqual([1, 2, 24])
  })
})
