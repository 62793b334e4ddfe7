// The month-end feedback pages in a real browser (Debian's Chromium, driven by playwright-core): a real listening
// server, a closed month-end run over demo claims, the page a hospital reads. Checks that the Chinese is drawn with
// real glyphs (fonts-noto-cjk: without it every character is the same box, which the same check sees — the control
// below runs Chromium with a font configuration that has no CJK font), that every chart drew, that echarts is a
// separate cached asset, and the alliance wording of a lead's and a member's page; and the report files written to
// disk, opened with no server at all.
// In CI this never skips: `.ci/run` installs chromium and fonts-noto-cjk, and a missing browser fails the test.
// Locally without /usr/bin/chromium it skips with a message. docs/reports/screenshot.sh takes the docs' screenshots.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { processBatch } from '../../engine/ledger/settle.js'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import type { HospitalFeedback } from '../../engine/settlement/feedback.js'
import { writeMonthReports } from '../../engine/settlement/report-files.js'
import type { MonthEndReport } from '../../engine/settlement/types.js'
import type { Tables } from '../../engine/tables/types.js'
import { buildApp, type App } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { listen, type Listening } from '../../server/server.js'
import { loadDemoTables } from '../fixtures/tables.js'

// CHROMIUM_PATH: another browser binary (and a way to see the CI rule fail: CI=1 CHROMIUM_PATH=/nonexistent)
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
]
const HAVE_CHROMIUM = existsSync(CHROMIUM)
const IN_CI = (process.env.CI ?? '') !== '' && process.env.CI !== 'false'

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install chromium fonts-noto-cjk; in CI they run)`)
}


/** A fresh profile per browser (nothing cached from an earlier run). */
async function launch(dir: string, env: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
    executablePath: CHROMIUM, args: FLAGS, headless: true, viewport: { width: 1280, height: 1400 },
    env: { ...process.env, ...env } as Record<string, string>, extraHTTPHeaders: headers,
  })
}

/**
 * Whether CJK text is drawn with real glyphs: each character drawn in the page's own font must look different from
 * the others and from a private-use character no font has (the .notdef box, or nothing). Without a CJK font every
 * character is that same box.
 */
async function cjkGlyphsReal(page: Page, chars: string): Promise<{ real: boolean; distinct: number; tofu: number }> {
  return page.evaluate((text) => {
    const font = getComputedStyle(document.body).fontFamily
    const c = document.createElement('canvas')
    c.width = 48; c.height = 48
    const g = c.getContext('2d', { willReadFrequently: true })!
    const draw = (ch: string): string => {
      g.clearRect(0, 0, 48, 48)
      g.fillStyle = '#000'
      g.font = `32px ${font}`
      g.textBaseline = 'top'
      g.fillText(ch, 4, 4)
      const d = g.getImageData(0, 0, 48, 48).data
      let s = ''
      for (let i = 3; i < d.length; i += 4) s += (d[i] as number) > 127 ? '1' : '0'
      return s
    }
    const box = draw('\uE000')
    const seen = [...text].map(draw)
    const distinct = new Set(seen).size
    const tofu = seen.filter((s) => s === box || !s.includes('1')).length
    return { real: distinct === seen.length && tofu === 0, distinct, tofu }
  }, chars)
}

/** Every chart element drew on its canvas (pixels set), keyed by the chart's id. */
async function chartsDrawn(page: Page): Promise<Record<string, number>> {
  await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((e) => e.getAttribute('data-drawn') === '1'))
  return page.evaluate(() => {
    const out: Record<string, number> = {}
    for (const el of document.querySelectorAll('.chart')) {
      let painted = 0
      for (const cv of el.querySelectorAll('canvas')) {
        const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data
        for (let i = 3; i < d.length; i += 4) if ((d[i] as number) > 0) painted++
      }
      out[el.id] = painted
    }
    return out
  })
}

const RAW_CODES = /\b(core|composite|primary|per_diem|ungroupable|normal|low|high|review|approved|rejected|pending|over_quota|draft|closed)\b|\bF_[A-Z_]+/

// in CI it runs whether or not the browser is there: a missing browser fails its launch, never a skip
describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('month-end pages in headless Chromium', () => {
  let dir: string
  let tables: Tables
  let ledger: SqliteLedger
  let app: App
  let l: Listening
  let browser: BrowserContext
  let lead: string
  let member: string
  let leadToken: string
  let memberToken: string
  let adminToken: string
  const pool = '390'

  beforeAll(async () => {
    tables = loadDemoTables()
    dir = mkdtempSync(join(tmpdir(), 'dipsettle-browser-'))
    ledger = openLedger(join(dir, 'ledger.sqlite'))
    const claims = [...generateDemoClaims(tables, { count: 600, seed: 5, month: '2026-10' })]
    const results = processBatch(claims, { tables, policy: tables.policy, ledger })
    expect(results.every((r) => r.status === 'settled')).toBe(true)
    const store = new CredentialStore(ledger.db)
    adminToken = (await store.add({ admin: true })).token
    app = await buildApp({ tables, policy: tables.policy, ledger })
    l = await listen(app, { port: 0, host: '127.0.0.1' })
    // the month closed through the real route (the page then states the due date when the run carries one)
    const res = await fetch(`${l.url}/v1/month-end/2026-10/${pool}`, {
      method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ budget_yuan: 500000, close: true }),
    })
    expect(res.status).toBe(200)
    const report = await res.json() as MonthEndReport
    // an alliance lead settling for members who had discharges, and one of those members
    const unit = report.hospitals.filter((h) => h.members.length > 1).sort((a, b) => b.discharges - a.discharges)[0]
    if (!unit) throw new Error('no alliance unit in the demo month')
    lead = unit.fixmedins_code
    const led = await (await fetch(`${l.url}/v1/month-end/2026-10/${pool}/hospitals/${lead}`, { headers: { authorization: `Bearer ${adminToken}` } })).json() as HospitalFeedback
    const m = led.members.find((x) => x.fixmedins_code !== lead && x.discharges > 0)
    if (!m) throw new Error('no member with discharges')
    member = m.fixmedins_code
    leadToken = (await store.add({ hospital: lead })).token
    memberToken = (await store.add({ hospital: member })).token
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await l?.shutdown()
    ledger?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('a lead\'s served page: real CJK glyphs, every chart drawn, named groups, every case, Chinese labels, echarts as an asset', async () => {
    browser = await launch(dir, {}, { authorization: `Bearer ${leadToken}` })
    const page = await browser.newPage()
    const assets: { status: number; cache: string; etag: string }[] = []
    page.on('response', (r) => {
      if (r.url().includes('/assets/echarts.min.js')) assets.push({ status: r.status(), cache: r.headers()['cache-control'] ?? '', etag: r.headers()['etag'] ?? '' })
    })
    const url = `${l.url}/reports/month-end/2026-10/${pool}/hospitals/${lead}`
    const res = await page.goto(url)
    expect(res?.status()).toBe(200)
    const html = await res!.text()
    // echarts is referenced, not inlined: the page is a fraction of the 1.1 MB library
    expect(html).toMatch(/<script src="\/assets\/echarts\.min\.js\?v=[0-9a-f]{16}"><\/script>/)
    expect(html).not.toContain('echarts.apache.org')
    expect(assets).toEqual([{ status: 200, cache: 'public, max-age=31536000, immutable', etag: expect.stringMatching(/^"[0-9a-f]{16}"$/) }])

    const drawn = await chartsDrawn(page)
    expect(Object.keys(drawn).sort()).toEqual(['deviation', 'gain', 'groups', 'mix', 'trend'])
    for (const [id, px] of Object.entries(drawn)) expect(px, `chart ${id}`).toBeGreaterThan(2000)

    // nine different characters of the page: nine different glyphs, none of them a box
    const glyphs = await cjkGlyphsReal(page, '病种分值反馈医院点')
    expect(glyphs).toEqual({ real: true, distinct: 9, tofu: 0 })

    const fb = await page.evaluate(async (u) => (await fetch(u.replace('/reports/', '/v1/'))).json(), url) as HospitalFeedback
    const text = await page.locator('body').innerText()
    // groups named as the bureau names them: a core group with procedures shows the diagnosis and procedure names
    const named = Object.entries(fb.group_catalogue)
    expect(named.length).toBeGreaterThan(5)
    for (const [code, g] of named) {
      expect(g.name).not.toBe(code)
      expect(text).toContain(g.name)
    }
    // every case, each of them in the table, and the alliance members by name
    const codes = fb.members.map((m) => m.fixmedins_code)
    const stays = ledger.db.prepare(`SELECT COUNT(*) FROM settlements WHERE month = '2026-10' AND insutype = ? AND inpatient = 1
      AND kind = 'settlement' AND fixmedins_code IN (${codes.map(() => '?').join(', ')})`).pluck().get(pool, ...codes) as number
    expect(fb.cases.length).toBe(stays)
    expect(await page.locator('h2', { hasText: '病例明细' }).innerText()).toContain(`全部 ${fb.cases.length} 例`)
    for (const c of fb.cases) expect(text).toContain(c.setl_id)
    for (const m of fb.members) expect(text).toContain(m.name)
    expect(text).toContain('本院为县域医共体牵头医院')
    // the point value's working and the hospital's own terms
    expect(text).toContain('① 月度 DIP 统筹基金预算')
    expect(text).toContain(fb.point_value_derivation.point_value_yuan.toFixed(6))
    expect(text).toContain('医院等级系数')
    expect(text).toContain('拨付截止日')
    if (fb.point_value_derivation.payment_due_date !== null) expect(text).toContain(fb.point_value_derivation.payment_due_date)
    // no engine codes where a label belongs
    expect(text.match(RAW_CODES)).toBeNull()

    const shot = join(process.env.DIPSETTLE_SCREENSHOTS ?? dir, 'hospital-feedback-served.png')
    await page.screenshot({ path: shot })
    expect(existsSync(shot)).toBe(true)

    // a second visit takes the script from the browser's cache (nothing transferred), the first one downloaded it
    const transferred = () => page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/assets/echarts.min.js')).map((e) => (e as PerformanceResourceTiming).transferSize))
    const first = await transferred()
    expect(first).toHaveLength(1)
    expect(first[0]).toBeGreaterThan(100_000)
    await page.goto(url)
    await chartsDrawn(page)
    expect(await transferred()).toEqual([0])
  }, 120_000)

  it('a member\'s page says in Chinese where its cases are paid, and lists its own cases', async () => {
    const ctx = await launch(dir, {}, { authorization: `Bearer ${memberToken}` })
    try {
      const page = await ctx.newPage()
      const res = await page.goto(`${l.url}/reports/month-end/2026-10/${pool}/hospitals/${member}`)
      expect(res?.status()).toBe(200)
      await chartsDrawn(page)
      const note = await page.locator('.note').innerText()
      expect(note).toContain('本院为县域医共体成员单位')
      expect(note).toContain(`并入医共体牵头医院 ${tables.hospitals.get(lead)?.name} (${lead}) 统一结算`)
      expect((await page.locator('body').innerText()).match(RAW_CODES)).toBeNull()
      await page.screenshot({ path: join(process.env.DIPSETTLE_SCREENSHOTS ?? dir, 'member-feedback-served.png') })
    } finally {
      await ctx.close()
    }
  }, 60_000)

  it('the home page opens a report with the token typed in (a blob: page that still loads the script from the server)', async () => {
    const ctx = await launch(dir)
    try {
      const home = await ctx.newPage()
      await home.goto(`${l.url}/`)
      await home.fill('#token', leadToken)
      const [report] = await Promise.all([ctx.waitForEvent('page'), home.locator(`a[data-report][href$="/${pool}/hospitals/${lead}"]`).click()])
      await report.waitForLoadState()
      expect(report.url()).toMatch(/^blob:/)
      const drawn = await chartsDrawn(report)
      expect(Object.values(drawn).every((px) => px > 2000)).toBe(true)
      expect(await report.locator('h1').innerText()).toContain(tables.hospitals.get(lead)?.name)
    } finally {
      await ctx.close()
    }
  }, 60_000)

  it('the same check sees boxes when Chromium has no CJK font (the control that makes the glyph check able to fail)', async () => {
    const conf = join(dir, 'no-cjk-fonts.conf')
    writeFileSync(conf, `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>${join(dir, 'fc-cache')}</cachedir></fontconfig>\n`)
    const ctx = await launch(dir, { FONTCONFIG_FILE: conf }, { authorization: `Bearer ${leadToken}` })
    try {
      const page = await ctx.newPage()
      await page.goto(`${l.url}/reports/month-end/2026-10/${pool}/hospitals/${lead}`)
      const glyphs = await cjkGlyphsReal(page, '病种分值反馈医院点')
      expect(glyphs.real).toBe(false)
      expect(glyphs.distinct).toBe(1)
    } finally {
      await ctx.close()
    }
  }, 60_000)

  it('the report files open from disk with no server: overview and pages draw from the echarts copy beside them', async () => {
    const w = await writeMonthReports(ledger, tables, tables.policy, { month: '2026-10', pool, dir: join(dir, 'reports') })
    if (!w) throw new Error('no reports written')
    const ctx = await launch(dir)
    try {
      const page = await ctx.newPage()
      const requests: string[] = []
      page.on('request', (r) => requests.push(r.url()))
      await page.goto(`file://${w.overview}`)
      expect(Object.keys(await chartsDrawn(page))).toHaveLength(4)
      await page.goto(`file://${join(dir, 'reports', 'hospitals', `${lead}-2026-10-${pool}.html`)}`)
      expect(Object.values(await chartsDrawn(page)).every((px) => px > 2000)).toBe(true)
      expect(await page.locator('body').innerText()).toContain('本院为县域医共体牵头医院')
      await page.goto(`file://${join(dir, 'reports', 'hospitals', `${member}-2026-10-${pool}.html`)}`)
      expect(await page.locator('body').innerText()).toContain('并入医共体牵头医院')
      expect(requests.every((u) => u.startsWith('file://'))).toBe(true)
    } finally {
      await ctx.close()
    }
  }, 60_000)
})
