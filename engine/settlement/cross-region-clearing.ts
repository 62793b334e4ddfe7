// 异地就医 clearing (SPEC §13; 省内/跨省清算): per insuring region, what this region's fund advanced to its hospitals
// for the region's insured in a month — per fund type as the settlements answered it (setldetail), the personal
// accounts paid, the number of live settlements and their setl_ids. Reversals (the original's month, amounts
// negated) net out; every sum is integer fen, shown in yuan. Read through the cross-region port (both backends).
import assert from 'node:assert/strict'
import type { CrossRegionReportsPort, CrossRegionRow } from '../ledger/cross-region-port.js'
import { fenToYuan, yuanToFen } from '../money.js'
import type { Tables } from '../tables/types.js'

export interface CrossRegionFund { readonly fund_pay_type: string; readonly fund_payamt_yuan: number }

export interface CrossRegionHospital {
  readonly fixmedins_code: string
  readonly settlements: number
  readonly fund_pay_sumamt_yuan: number
}

export interface CrossRegionRegion {
  readonly insuplc_admdvs: string
  /** The insuring region's name as its policy gives it (`region`), '' when the tables hold no policy of it. */
  readonly region: string
  /** Live settlements: settlements minus those reversed. */
  readonly settlements: number
  readonly medfee_sumamt_yuan: number
  /** Σ funds = fund_pay_sumamt_yuan: what the insuring region owes for its funds. */
  readonly funds: readonly CrossRegionFund[]
  readonly fund_pay_sumamt_yuan: number
  /** 个人账户 paid (the insuring region's accounts; not a fund in setldetail). */
  readonly acct_pay_yuan: number
  readonly setl_ids: readonly string[]
  readonly hospitals: readonly CrossRegionHospital[]
}

export interface CrossRegionClearingReport {
  readonly month: string
  /** The ledger seq the report was read up to. */
  readonly ledger_seq: number
  readonly regions: readonly CrossRegionRegion[]
  readonly totals: { readonly settlements: number; readonly fund_pay_sumamt_yuan: number; readonly acct_pay_yuan: number }
}

interface RegionSums {
  medfeeFen: number; fundFen: number; acctFen: number
  funds: Map<string, number>
  live: string[]
  hospitals: Map<string, { settlements: number; fundFen: number }>
}

/** The month's report from the visitors' rows (ledger order) read up to `uptoSeq`. */
export function crossRegionReport(month: string, uptoSeq: number, rows: readonly CrossRegionRow[], tables: Pick<Tables, 'otherPolicies'>): CrossRegionClearingReport {
  const reversed = new Set(rows.filter((r) => r.kind === 'reversal').map((r) => r.reverses))
  const byRegion = new Map<string, RegionSums>()
  for (const r of rows) {
    let g = byRegion.get(r.admdvs)
    if (g === undefined) byRegion.set(r.admdvs, g = { medfeeFen: 0, fundFen: 0, acctFen: 0, funds: new Map(), live: [], hospitals: new Map() })
    g.medfeeFen += r.medfeeFen
    g.fundFen += r.fundFen
    g.acctFen += r.acctFen
    for (const d of r.setldetail) g.funds.set(d.fund_pay_type, (g.funds.get(d.fund_pay_type) ?? 0) + yuanToFen(d.fund_payamt))
    const live = r.kind === 'settlement' && !reversed.has(r.setlId)
    if (live) g.live.push(r.setlId)
    let h = g.hospitals.get(r.code)
    if (h === undefined) g.hospitals.set(r.code, h = { settlements: 0, fundFen: 0 })
    h.fundFen += r.fundFen
    if (live) h.settlements++
  }
  const regions: CrossRegionRegion[] = [...byRegion.keys()].sort().map((admdvs) => {
    const g = byRegion.get(admdvs) as RegionSums
    let detailFen = 0
    for (const f of g.funds.values()) detailFen += f
    // SPEC §3 step 8 per row (fund_pay_sumamt = Σ setldetail), so over the rows too
    assert.equal(detailFen, g.fundFen, `cross-region ${admdvs} ${month}: Σ setldetail ${detailFen} ≠ Σ fund_pay_sumamt ${g.fundFen}`)
    return {
      insuplc_admdvs: admdvs,
      region: tables.otherPolicies?.get(admdvs)?.region ?? '',
      settlements: g.live.length,
      medfee_sumamt_yuan: fenToYuan(g.medfeeFen),
      funds: [...g.funds].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, fen]) => ({ fund_pay_type: t, fund_payamt_yuan: fenToYuan(fen) })),
      fund_pay_sumamt_yuan: fenToYuan(g.fundFen),
      acct_pay_yuan: fenToYuan(g.acctFen),
      setl_ids: g.live,
      hospitals: [...g.hospitals].sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([code, h]) => ({ fixmedins_code: code, settlements: h.settlements, fund_pay_sumamt_yuan: fenToYuan(h.fundFen) })),
    }
  })
  let fundFen = 0
  let acctFen = 0
  for (const g of byRegion.values()) { fundFen += g.fundFen; acctFen += g.acctFen }
  return {
    month, ledger_seq: uptoSeq, regions,
    totals: { settlements: regions.reduce((n, r) => n + r.settlements, 0), fund_pay_sumamt_yuan: fenToYuan(fundFen), acct_pay_yuan: fenToYuan(acctFen) },
  }
}

/** Read the month's visitor rows up to `uptoSeq` and report them. */
export async function clearCrossRegion(port: CrossRegionReportsPort, tables: Pick<Tables, 'otherPolicies'>, month: string, uptoSeq: number): Promise<CrossRegionClearingReport> {
  return crossRegionReport(month, uptoSeq, await port.crossRegionRows(month, uptoSeq), tables)
}
