// Synthetic settlements and a small fake adjudicator for the ledger tests: they exercise the ledger's bookkeeping
// (append, reverse, accumulators, msgid) without the real rules. The fake reads the history the way the real one
// does (year accumulators, referral stay), so order matters and the history the ledger serves is really used.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dayNumber } from '../../engine/claim.js'
import type { Claim } from '../../engine/claim.js'
import type { AdjudicationContext, Outcome } from '../../engine/adjudicate/types.js'
import { mulRatioFen } from '../../engine/money.js'
import { reason } from '../../engine/reasons.js'
import type { Settlement } from '../../engine/result.js'
import type { SettleEnv } from '../../engine/ledger/settle.js'
import type { SqliteLedger as Ledger } from '../../engine/ledger/sqlite.js'
import type { Tables } from '../../engine/tables/types.js'
import type { Policy } from '../../engine/policy/types.js'

/** A mini claim body the fake adjudicator understands. */
export interface MiniClaim {
  msgid: string
  psn_no: string
  mdtrt_id: string
  inpatient: boolean
  /** Day of 2026 the stay/visit ends (0 = 2026-01-01). */
  day: number
  total_fen: number
  inscope_fen: number
  referral_from?: string | null
  /** Ask the fake to reject the claim (a validation failure). */
  reject?: boolean
}

const BASE_DAY = dayNumber('2026-01-01') as number
// the fake's own "policy": not the project's; only there to make amounts depend on the history
const FAKE_CAP_FEN = 500_000
const FAKE_DEDC_FEN = [1_000, 500]
const FAKE_OP_DEDC_FEN = 300

function iso(day: number): string {
  return new Date((BASE_DAY + day) * 86_400_000).toISOString().slice(0, 10)
}

function claimOf(b: MiniClaim): Claim {
  const enddate = iso(b.day)
  const begnDay = b.inpatient ? Math.max(0, b.day - 3) : b.day
  return {
    msgid: b.msgid, hospitalCode: 'H15020300003', psnNo: b.psn_no, insutype: '390', mdtrtId: b.mdtrt_id,
    medType: b.inpatient ? '21' : '11', inpatient: b.inpatient, begnDay: BASE_DAY + begnDay, endDay: BASE_DAY + b.day,
    year: 2026, month: enddate.slice(0, 7), begndate: iso(begnDay), enddate, dscgWay: '1',
    referralFrom: b.referral_from ?? null, mainDx: 'J18.900', otherDx: [], procedures: [],
    fees: [
      { feedetlSn: '1', code: 'SD001', qtyE4: 10_000, priceFen: b.inscope_fen, amountFen: b.inscope_fen },
      { feedetlSn: '2', code: 'SD003', qtyE4: 10_000, priceFen: b.total_fen - b.inscope_fen, amountFen: b.total_fen - b.inscope_fen },
    ],
    totalFen: b.total_fen, useAccount: false,
  }
}

/** Adjudicate a MiniClaim against the history: deductible by nth admission, 80 % up to a yearly cap, 10 % 大病. */
export function fakeAdjudicate(input: unknown, ctx: AdjudicationContext): Outcome {
  const b = input as MiniClaim
  if (b.reject === true || !(b.inscope_fen >= 0 && b.total_fen >= b.inscope_fen)) {
    return { status: 'rejected', msgid: b.msgid ?? '', reasons: [reason('E_AMOUNT_MISMATCH', 'fees[0].amount')] }
  }
  const claim = claimOf(b)
  const py = ctx.history.personYear(b.psn_no, 2026)
  const inscope = b.inscope_fen
  const total = b.total_fen
  let dedc: number, hifp: number, hifmi = 0
  let stay: Settlement['stay'] = null
  let accum: Settlement['accum']
  if (b.inpatient) {
    const from = b.referral_from ? ctx.history.stay(b.psn_no, b.referral_from) : undefined
    const n = from ? from.episode_n : py.admissions + 1
    const due = from ? 0 : (FAKE_DEDC_FEN[Math.min(n, FAKE_DEDC_FEN.length) - 1] as number)
    dedc = Math.min(due, inscope)
    hifp = Math.max(0, Math.min(mulRatioFen(inscope - dedc, 0.8), FAKE_CAP_FEN - py.hifp_paid_fen))
    hifmi = mulRatioFen(inscope - hifp, 0.1)
    stay = {
      mdtrt_id: b.mdtrt_id, psn_no: b.psn_no, fixmedins_code: claim.hospitalCode, alliance_id: null, level: 3,
      begn_day: claim.begnDay, end_day: claim.endDay, episode_id: from ? from.episode_id : b.mdtrt_id, episode_n: n,
      episode_dedc_fen: (from ? from.episode_dedc_fen : 0) + dedc, dx_category: 'J18', year: 2026,
    }
    accum = {
      admissions: from ? 0 : 1, hifp_paid_fen: hifp, serious_base_fen: inscope - hifp, serious_paid_fen: hifmi,
      maf_paid_fen: 0, acct_paid_fen: 0, op_dedc_fen: 0, op_hifp_paid_fen: 0, chronic_dedc_fen: 0, chronic_hifp_paid_fen: 0,
    }
  } else {
    dedc = Math.min(inscope, Math.max(0, FAKE_OP_DEDC_FEN - py.op_dedc_fen))
    hifp = mulRatioFen(inscope - dedc, 0.5)
    accum = {
      admissions: 0, hifp_paid_fen: 0, serious_base_fen: 0, serious_paid_fen: 0, maf_paid_fen: 0, acct_paid_fen: 0,
      op_dedc_fen: dedc, op_hifp_paid_fen: hifp, chronic_dedc_fen: 0, chronic_hifp_paid_fen: 0,
    }
  }
  const fund = hifp + hifmi
  const psnPart = total - fund
  const settlement: Settlement = {
    claim,
    setlinfo: {
      medfee_sumamt_fen: total, fulamt_ownpay_amt_fen: total - inscope, overlmt_selfpay_fen: 0, preselfpay_amt_fen: 0,
      inscp_scp_amt_fen: inscope, act_pay_dedc_fen: dedc, hifp_pay_fen: hifp, hifmi_pay_fen: hifmi, hifob_pay_fen: 0,
      maf_pay_fen: 0, fund_pay_sumamt_fen: fund, acct_pay_fen: 0, psn_cash_pay_fen: psnPart, psn_part_amt_fen: psnPart,
    },
    setldetail: [{ fund_pay_type: '390100', fund_payamt_fen: hifp }, { fund_pay_type: '390200', fund_payamt_fen: hifmi }],
    lines: [
      { feedetl_sn: '1', chrgitm_lv: '01', fulamt_ownpay_amt_fen: 0, overlmt_amt_fen: 0, preselfpay_amt_fen: 0, inscp_scp_amt_fen: inscope, reasons: [] },
      { feedetl_sn: '2', chrgitm_lv: '03', fulamt_ownpay_amt_fen: total - inscope, overlmt_amt_fen: 0, preselfpay_amt_fen: 0, inscp_scp_amt_fen: 0, reasons: [] },
    ],
    dip: b.inpatient ? {
      group_code: 'J18.9', kind: 'core', score: 500, points: 500, points_1e4: 5_000_000, deviation: 'normal', flags: [],
      hospital_coefficient: 1, tcm_bonus: 1, deviation_factor: 1, avg_cost_yuan: 5000,
    } : null,
    accum,
    stay,
  }
  return { status: 'ok', settlement }
}

/** A settlement computed by the fake against an empty history (for direct ledger.record calls). */
export function settlementOf(b: MiniClaim, history = EMPTY): Settlement {
  const o = fakeAdjudicate(b, { tables: {} as Tables, policy: {} as Policy, history })
  if (o.status !== 'ok') throw new Error('fixture rejected')
  return o.settlement
}

const EMPTY = {
  personYear: () => ({ admissions: 0, hifp_paid_fen: 0, serious_base_fen: 0, serious_paid_fen: 0, maf_paid_fen: 0, acct_paid_fen: 0, op_dedc_fen: 0, op_hifp_paid_fen: 0, chronic_dedc_fen: 0, chronic_hifp_paid_fen: 0 }),
  stay: () => undefined,
  recentStays: () => [],
  outpatientVisits: () => [],
  episodeDeductibleFen: () => 0,
  accountNetFen: () => 0,
}

export function mini(n: number, over: Partial<MiniClaim> = {}): MiniClaim {
  return {
    msgid: `H15020300003202601010000${String(n).padStart(6, '0')}`, psn_no: 'P0001', mdtrt_id: `M${n}`, inpatient: true,
    day: 10 + n, total_fen: 120_000 + n, inscope_fen: 100_000, ...over,
  }
}

export function env(ledger?: Ledger, dryRun = false): SettleEnv {
  return { tables: {} as Tables, policy: {} as Policy, adjudicate: fakeAdjudicate, dryRun, ...(ledger ? { ledger } : {}) }
}

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dipsettle-ledger-'))
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
