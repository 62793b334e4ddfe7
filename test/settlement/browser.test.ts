// The month-end pages in a real headless browser (Debian's Chromium): the charts render offline from the echarts copy
// beside the pages. Skipped where Chromium is not installed (`apt-get install chromium`); docs/reports/screenshot.sh
// takes the screenshots kept in docs/reports/.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { processBatch } from '../../engine/ledger/settle.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { writeMonthReports } from '../../engine/settlement/report-files.js'
import { loadDemoTables } from '../fixtures/tables.js'

const CHROMIUM = '/usr/bin/chromium'

/** The page's DOM after its scripts ran, from headless Chromium with no network of its own. */
function renderedDom(file: string, profileDir: string): string {
  return execFileSync(CHROMIUM, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profileDir}`,
    '--virtual-time-budget=5000', '--dump-dom', `file://${file}`,
  ], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 })
}

describe.skipIf(!existsSync(CHROMIUM))('month-end pages in headless Chromium', () => {
  it('draw their charts from the echarts copy beside them, with no network', async () => {
    const tables = loadDemoTables()
    const dir = mkdtempSync(join(tmpdir(), 'dipsettle-browser-'))
    try {
      const ledger = openLedger(join(dir, 'ledger.sqlite'))
      const claims = [...generateDemoClaims(tables, { count: 600, seed: 5, month: '2026-10' })]
      const results = processBatch(claims, { tables, policy: tables.policy, ledger })
      expect(results.every((r) => r.status === 'settled')).toBe(true)
      const run = await settleMonth(ledger, tables, tables.policy, { month: '2026-10', pool: '390', budgetFen: 50_000_000_00, close: false })
      expect(run.status).toBe('ok')
      const w = await writeMonthReports(ledger, tables, tables.policy, { month: '2026-10', pool: '390', dir: join(dir, 'reports') })
      if (!w) throw new Error('no reports written')
      ledger.close()
      const overview = renderedDom(w.overview, join(dir, 'profile'))
      expect((overview.match(/<canvas/g) ?? []).length).toBeGreaterThanOrEqual(2)
      const ok = run.status === 'ok' ? run.report.hospitals[0]?.fixmedins_code : undefined
      if (!ok) throw new Error('no hospital in the run')
      const page = renderedDom(join(dir, 'reports', 'hospitals', `${ok}-2026-10-390.html`), join(dir, 'profile'))
      // points by group, DIP vs item cost, case mix, deviation cases, trend
      expect((page.match(/<canvas/g) ?? []).length).toBeGreaterThanOrEqual(4)
      expect(page).toContain(ok)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
