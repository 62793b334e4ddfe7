// A small world for the HTTP tests: the demo policy, two hospitals, two persons, a real SQLite ledger in a temp dir,
// the real settle flow (engine/ledger/settle.ts) with a small fake adjudicator (so these tests pin the HTTP contract,
// not the money rules), credentials for both hospitals and the admin, and an in-memory month-end.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClaimInput } from '../../engine/claim.js'
import { dayNumber } from '../../engine/claim.js'
import type { AdjudicationContext, Outcome } from '../../engine/adjudicate/types.js'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { mulRatioFen, parseYuan } from '../../engine/money.js'
import { loadPolicyFile } from '../../engine/policy/validate.js'
import type { Policy } from '../../engine/policy/types.js'
import { reason } from '../../engine/reasons.js'
import type { Settlement } from '../../engine/result.js'
import type { Hospital, Person, Tables } from '../../engine/tables/types.js'
import { fromRoot } from '../../engine/paths.js'
import { buildApp, type App, type AppOptions } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import type { MonthEndPort, MonthEndReport } from '../../server/engine-port.js'

export const H1 = 'H15020300001'
export const H2 = 'H15020300002'

export function demoPolicy(): Policy {
  return loadPolicyFile(fromRoot('grouper-data/policies/demo/2026-01-01.json'))
}

function hospital(code: string): Hospital {
  return { code, name: code, city: '150200', level: 2, allianceId: null, allianceLead: false, dipCoefficientMicro: 1_000_000, tcm: false }
}

function person(psnNo: string): Person {
  return { psnNo, insutype: '390', psnKind: 'resident', poverty: false, assistance: false, city: '150200', acctBalanceFen: 0 }
}

export function fakeTables(policy: Policy): Tables {
  return {
    meta: { builtAt: '2026-01-01T00:00:00Z', policyVersion: 'demo/2026-01-01', sourcesChecksum: 'x', region: 'demo' },
    diagnoses: new Set(), procedures: new Map(), catalogue: new Map(), dipGroups: new Map(), dipGroupsByDx: new Map(),
    compositeGroups: new Map(), hospitals: new Map([[H1, hospital(H1)], [H2, hospital(H2)]]),
    persons: new Map([['P0001', person('P0001')], ['P0002', person('P0002')]]), policy,
  }
}

/**
 * The fake adjudicator: an outpatient-like settlement where the basic fund pays 60 % of the total and the patient the
 * rest; an unknown person is rejected (E_UNKNOWN_PERSON). Enough for the HTTP contract; the rules have their own tests.
 */
export function fakeAdjudicate(input: unknown, ctx: AdjudicationContext): Outcome {
  const c = input as ClaimInput
  if (ctx.tables.persons.get(c.psn_no) === undefined) return { status: 'rejected', msgid: c.msgid, reasons: [reason('E_UNKNOWN_PERSON', 'psn_no')] }
  const fees = c.fees.map((f) => ({
    feedetlSn: f.feedetl_sn, code: f.code, qtyE4: Math.round(f.qty * 10_000),
    priceFen: (parseYuan(f.price) as { fen: number }).fen, amountFen: (parseYuan(f.amount) as { fen: number }).fen,
  }))
  const totalFen = fees.reduce((a, f) => a + f.amountFen, 0)
  const hifpFen = mulRatioFen(totalFen, 0.6)
  const claim = {
    msgid: c.msgid, hospitalCode: c.fixmedins_code, psnNo: c.psn_no, insutype: '390' as const, mdtrtId: c.mdtrt_id,
    medType: c.med_type, inpatient: false, begnDay: dayNumber(c.begndate) ?? 0, endDay: dayNumber(c.enddate) ?? 0,
    year: Number(c.enddate.slice(0, 4)), month: c.enddate.slice(0, 7), begndate: c.begndate, enddate: c.enddate,
    dscgWay: c.dscg_way ?? '1', referralFrom: null, mainDx: 'J18.9', otherDx: [], procedures: [], fees, totalFen,
    useAccount: false,
  }
  const z = 0
  const settlement: Settlement = {
    claim,
    setlinfo: {
      medfee_sumamt_fen: totalFen, fulamt_ownpay_amt_fen: z, overlmt_selfpay_fen: z, preselfpay_amt_fen: z,
      inscp_scp_amt_fen: totalFen, act_pay_dedc_fen: z, hifp_pay_fen: hifpFen, hifmi_pay_fen: z, hifob_pay_fen: z,
      maf_pay_fen: z, fund_pay_sumamt_fen: hifpFen, acct_pay_fen: z, psn_cash_pay_fen: totalFen - hifpFen,
      psn_part_amt_fen: totalFen - hifpFen,
    },
    setldetail: [{ fund_pay_type: '390100', fund_payamt_fen: hifpFen }],
    lines: fees.map((f) => ({
      feedetl_sn: f.feedetlSn, chrgitm_lv: '01' as const, fulamt_ownpay_amt_fen: 0, overlmt_amt_fen: 0, preselfpay_amt_fen: 0,
      inscp_scp_amt_fen: f.amountFen, reasons: [],
    })),
    dip: null,
    accum: { admissions: 0, hifp_paid_fen: 0, serious_base_fen: 0, serious_paid_fen: 0, maf_paid_fen: 0, acct_paid_fen: 0, op_dedc_fen: 0, op_hifp_paid_fen: hifpFen, chronic_dedc_fen: 0, chronic_hifp_paid_fen: 0 },
    stay: null,
  }
  return { status: 'ok', settlement }
}

/** An in-memory month-end: points are 1 per settlement; a closed month refuses. */
export class FakeMonthEnd implements MonthEndPort {
  readonly runs = new Map<string, MonthEndReport>()
  async run(req: { month: string; pool: '310' | '390'; budgetYuan: number; close: boolean }): ReturnType<MonthEndPort['run']> {
    const key = `${req.month}/${req.pool}`
    if (this.runs.get(key)?.status === 'closed') return { status: 'closed' }
    const report: MonthEndReport = {
      month: req.month, pool: req.pool, budget_yuan: req.budgetYuan, status: req.close ? 'closed' : 'draft',
      hospitals: [{ fixmedins_code: H1, points: 10 }, { fixmedins_code: H2, points: 5 }],
    }
    this.runs.set(key, report)
    return { status: 'ok', report }
  }
  async hospitalReport(month: string, pool: '310' | '390', code: string) {
    const r = this.runs.get(`${month}/${pool}`)
    const h = r?.hospitals.find((x) => x.fixmedins_code === code)
    return r && h ? { month, pool, status: r.status, hospital: h } : undefined
  }
  renderHospitalReportHtml(report: Record<string, unknown>): string {
    return `<!doctype html><html><body><h1>report ${String(report['month'])}</h1></body></html>`
  }
  async listRuns() {
    return [...this.runs.values()].map((r) => ({ month: r.month, pool: r.pool, status: r.status, hospitals: r.hospitals.map((h) => h.fixmedins_code) }))
  }
}

export interface World {
  readonly app: App
  readonly ledger: SqliteLedger
  readonly dir: string
  readonly tokens: { readonly h1: string; readonly h2: string; readonly admin: string }
  readonly monthEnd: FakeMonthEnd
  /** Settlement rows in the ledger. */
  rows(): number
  close(): Promise<void>
}

export async function makeWorld(extra: Partial<AppOptions> = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'dipsettle-server-'))
  const ledger = openLedger(join(dir, 'ledger.sqlite'))
  const store = new CredentialStore(ledger.db)
  const tokens = { h1: (await store.add({ hospital: H1 })).token, h2: (await store.add({ hospital: H2 })).token, admin: (await store.add({ admin: true })).token }
  const policy = demoPolicy()
  const monthEnd = new FakeMonthEnd()
  const app = await buildApp({ tables: fakeTables(policy), policy, ledger, adjudicate: fakeAdjudicate, monthEnd, ...extra })
  return {
    app, ledger, dir, tokens, monthEnd,
    rows: () => (ledger.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get() as number),
    close: async () => {
      await app.close()
      if (ledger.db.open) ledger.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A valid claim of `hospital` (seq makes msgid and mdtrt_id distinct): 2 lines, 25.00 + 100.00 = 125.00 yuan. */
export function claimBody(hospital = H1, seq = 1, over: Partial<ClaimInput> = {}): ClaimInput {
  const s = String(seq).padStart(4, '0')
  return {
    msgid: `${hospital}20261021103000${s}`, fixmedins_code: hospital, psn_no: 'P0001', insutype: '390',
    mdtrt_id: `M${hospital}${s}`, med_type: '11', begndate: '2026-10-21', enddate: '2026-10-21', dscg_way: '1',
    referral_from: null, diagnoses: [{ code: 'J18.900', main: true }], procedures: [],
    fees: [
      { feedetl_sn: '1', code: 'XB01AC06A001', qty: 2, price: 12.5, amount: 25 },
      { feedetl_sn: '2', code: 'ITEM0001', qty: 1, price: 100, amount: 100 },
    ],
    ...over,
  }
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}
