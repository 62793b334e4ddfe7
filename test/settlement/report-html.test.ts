// The feedback page a hospital reads (issue #20 item 15; SPEC §5, §6): groups named from the tables' code lists, the
// point value's working, every case, Chinese labels, the alliance wording, and echarts referenced, not inlined, when
// served. The same pages in a real browser: browser.test.ts.
import { describe, expect, it } from 'vitest'
import { groupName } from '../../engine/settlement/feedback-extras.js'
import { hospitalReport, type HospitalFeedback } from '../../engine/settlement/feedback.js'
import { settleMonth } from '../../engine/settlement/month-end.js'
import { renderHospitalReportHtml, renderNoUnitHtml } from '../../engine/settlement/report-html.js'
import { codeNamesOf } from '../../engine/tables/names.js'
import { monthEndPort } from '../../server/month-end-port.js'
import { loadDemoTables } from '../fixtures/tables.js'
import { fen, testPolicy, testTables, TestLedger } from './fixtures.js'

const H1 = 'H00000000001'
const LEAD = 'HA0000000002'
const MEMBER = 'HA0000000001'
const RAW_CODES = /\b(core|composite|primary|per_diem|ungroupable|normal|low|high|review|approved|rejected|pending|over_quota|draft|closed)\b|\bF_[A-Z_]+/

/** The text a reader sees (tags, the charts' script and style dropped). */
function visibleText(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
}

async function month() {
  const policy = testPolicy()
  const tables = testTables(policy)
  const l = new TestLedger(':memory:')
  l.discharge({ code: H1, enddate: '2026-10-01', points: 600, medfeeYuan: 5_000, hifpYuan: 3_000, group: 'I63.9' })
  l.discharge({ code: H1, enddate: '2026-10-02', points: 400, medfeeYuan: 5_000, hifpYuan: 3_000, group: 'I63.9', deviation: 'low', flags: ['F_READMISSION'] })
  l.discharge({ code: H1, enddate: '2026-10-03', points: 1000, medfeeYuan: 9_000, hifpYuan: 6_000, group: 'K80.1', deviation: 'high' })
  const gone = l.discharge({ code: H1, enddate: '2026-10-04', points: 5000, medfeeYuan: 50_000, hifpYuan: 30_000, group: 'C34.9' })
  l.reverse(gone)
  // the alliance GY01: the lead's stay and its member's, settled as one unit under the lead
  l.discharge({ code: LEAD, enddate: '2026-10-05', points: 1500, medfeeYuan: 12_000, hifpYuan: 8_000, group: 'K80.1' })
  l.discharge({ code: MEMBER, enddate: '2026-10-06', points: 500, medfeeYuan: 4_000, hifpYuan: 2_800, group: 'I63.9' })
  // 28,000 ÷ 0.7 = 40,000 yuan over 2,000 + 2,000 = 4,000 points → 10 yuan per point
  expect((await settleMonth(l, tables, policy, { month: '2026-10', pool: '390', budgetFen: fen(28_000), close: false })).status).toBe('ok')
  const report = async (code: string): Promise<HospitalFeedback> => {
    const r = await hospitalReport(l, tables, policy, { month: '2026-10', pool: '390', code })
    if (!r) throw new Error('no report')
    return r
  }
  return { policy, tables, l, report }
}

describe('group names from the tables\' code lists', () => {
  it('name a group by its diagnosis and procedures as the catalogue publishes them', async () => {
    const tables = loadDemoTables()
    const names = codeNamesOf(tables)
    const name = (code: string) => groupName(tables.dipGroups.get(code)!, names)
    expect(name('I21.4:00.6600x004')).toBe('急性心内膜下心肌梗死 — 经皮冠状动脉球囊扩张成形术')
    expect(name('I21.4:36.0700_00.2400x001+00.6600x004'))
      .toBe('急性心内膜下心肌梗死 — 药物洗脱冠状动脉支架置入 + 冠状动脉血管内超声(IVUS) + 经皮冠状动脉球囊扩张成形术')
    expect(name('I21.4')).toBe('急性心内膜下心肌梗死 (保守治疗)')
    expect(name('E11:SS')).toBe('2型糖尿病 综合病种 (相关手术)')
    // a 亚目 not listed itself is named by its first listed code (I21.400)
    expect(names.diagnosis('I21.4')).toBe('急性心内膜下心肌梗死')
    expect(names.procedure('00.6600X004')).toBe('经皮冠状动脉球囊扩张成形术')
  })
})

describe('the hospital feedback page', () => {
  it('shows the point value\'s working: budget ÷ ratio = DIP total, ÷ total points = point value', async () => {
    const { report } = await month()
    const r = (await report(H1))
    expect(r.point_value_derivation).toMatchObject({
      budget_yuan: 28_000, reimbursement_ratio: 0.7, dip_total_yuan: 40_000, total_points: 4_000, point_value_yuan: 10,
      presettle_ratio: 0.95, closed_at: null, payment_due_date: null,
    })
    const html = renderHospitalReportHtml(r, { echarts: { src: '/assets/echarts.min.js' } })
    expect(html).toContain('<tr><td class="l">① 月度 DIP 统筹基金预算</td><td>28,000.00 元</td></tr>')
    expect(html).toContain('<td class="l">③ DIP 总额 = ① ÷ ②</td><td>40,000.00 元</td>')
    expect(html).toContain('<td>4,000</td>')
    expect(html).toContain('<td>10.000000</td>')
    // a draft has no due date yet
    expect(html).toContain('<tr><td class="l">拨付截止日</td><td>月结关闭后确定</td></tr>')
    expect(html).toContain('<td class="l">医院等级系数</td><td>1</td>')
  })

  it('lists every case with its group, cost, deviation and points, and their sums; the reversed one is not there', async () => {
    const { report } = await month()
    const r = (await report(H1))
    expect(r.cases.map((c) => [c.points, c.medfee_sumamt_yuan, c.deviation])).toEqual([[600, 5_000, 'normal'], [400, 5_000, 'low'], [1000, 9_000, 'high']])
    const text = visibleText(renderHospitalReportHtml(r, { echarts: { src: 'x.js' } }))
    for (const c of r.cases) expect(text).toContain(c.setl_id)
    // 5,000 + 5,000 + 9,000 = 19,000 yuan; 600 + 400 + 1,000 = 2,000 points = the hospital's settled points
    expect(text).toMatch(/合计 3 例\s+19,000\.00\s+2,000/)
    expect(r.settlement?.points).toBe(2_000)
    expect(text).toContain('低倍率 (费用偏低)')
    expect(text).toContain('高倍率 (费用偏高)')
    expect(text).toContain('短期再入院 (疑似分解住院)')
    expect(text).toContain('核心病种')
    expect(text.match(RAW_CODES)).toBeNull()
  })

  it('measures 盈亏 against the total it is labelled with: DIP 40,000 ÷ 4,000 × 2,000 = 20,000 − 按项目总费用 19,000', async () => {
    const { report } = await month()
    const text = visibleText(renderHospitalReportHtml((await report(H1)), { echarts: { src: 'x.js' } }))
    expect(text).toMatch(/按项目总费用\s+19,000\.00\s+医疗总费用 = 统筹基金 \+ 个人及其他基金/)
    expect(text).toMatch(/盈亏\s+1,000\.00\s+DIP 金额 − 按项目总费用/)
  })

  it('names the alliance lead\'s members, and tells a member in Chinese where its cases are paid', async () => {
    const { tables, report } = await month()
    // the member's own coefficient (its cases earn it), not its lead's
    const m = tables.hospitals.get(MEMBER)!
    ;(tables.hospitals as Map<string, typeof m>).set(MEMBER, { ...m, dipCoefficientMicro: 1_100_000 })
    const lead = (await report(LEAD))
    expect(lead.terms.hospital_coefficient).toBe(1)
    expect(lead.members.map((x) => x.hospital_coefficient)).toEqual([1.1, 1])
    expect((await report(MEMBER)).terms.hospital_coefficient).toBe(1.1)
    expect(lead.members.map((m) => [m.fixmedins_code, m.discharges, m.points])).toEqual([[MEMBER, 1, 500], [LEAD, 1, 1500]])
    const leadText = visibleText(renderHospitalReportHtml(lead, { echarts: { src: 'x.js' } }))
    expect(leadText).toContain('本院为县域医共体牵头医院,统一结算以下 2 家医疗机构的住院病例')
    expect(leadText).toContain(`医院 ${MEMBER}`)
    const member = (await report(MEMBER))
    expect(member.settled_as).toBe(LEAD)
    expect(member.cases.map((c) => c.fixmedins_code)).toEqual([MEMBER])
    const memberText = visibleText(renderHospitalReportHtml(member, { echarts: { src: 'x.js' } }))
    expect(memberText).toContain(`本院为县域医共体成员单位。本月住院病例并入医共体牵头医院 医院 ${LEAD} (${LEAD}) 统一结算`)
    const file = visibleText(renderNoUnitHtml({ fixmedins_code: MEMBER, name: `医院 ${MEMBER}`, month: '2026-10', pool: '390', settles_under: LEAD, settles_under_name: `医院 ${LEAD}` }, 'lead.html'))
    expect(file).toContain(`本月住院病例并入医共体牵头医院 医院 ${LEAD} (${LEAD})`)
  })

  it('states the due date and where the ratio came from when the run carries them', async () => {
    const { report } = await month()
    const r = (await report(H1))
    const closed: HospitalFeedback = {
      ...r, status: 'closed',
      point_value_derivation: { ...r.point_value_derivation, ratio_source: 'actual', closed_at: '2026-11-03T02:00:00.000Z', payment_due_date: '2026-12-01' },
    }
    const html = renderHospitalReportHtml(closed, { echarts: { src: 'x.js' } })
    expect(html).toContain('<tr><td class="l">拨付截止日</td><td>2026-12-01</td></tr>')
    expect(html).toContain('② 报销比例 — 当月实际报销比例')
    expect(visibleText(html)).toMatch(/拨付截止日\s+2026-12-01/)
  })

  it('is served with echarts referenced from /assets, not inlined into every response', async () => {
    const { policy, tables, l } = await month()
    const port = monthEndPort(l.db, tables, policy)
    const r = await port.hospitalReport('2026-10', '390', H1)
    if (!r) throw new Error('no report')
    const html = port.renderHospitalReportHtml(r)
    expect(html).toMatch(/<script src="\/assets\/echarts\.min\.js\?v=[0-9a-f]{16}"><\/script>/)
    expect(html.length).toBeLessThan(60_000)
  })
})
