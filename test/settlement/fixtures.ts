// Fixtures for month-end tests: a ledger file with the real `settlements` schema (engine/ledger/schema.ts) and a
// helper that appends synthetic discharges and reversals the way the ledger does (negated copy, same month).
import Database from 'better-sqlite3'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SCHEMA_SQL } from '../../engine/ledger/schema.js'
import { validatePolicy } from '../../engine/policy/validate.js'
import type { Policy } from '../../engine/policy/types.js'
import type { Hospital, Tables } from '../../engine/tables/types.js'

export const POLICY_DOC = {
  region: 'test', effective_from: '2026-01-01',
  basic: {
    '310': { deductible_yuan: { '1': 300, '2': 600, '3': 900 }, nth_admission_deductible_factor: [1, 0.5, 0],
      ratio: { in_service: { '1': 0.95, '2': 0.9, '3': 0.85 }, retired: { '1': 0.97, '2': 0.92, '3': 0.88 } }, annual_cap_yuan: 300000 },
    '390': { deductible_yuan: { '1': 200, '2': 500, '3': 800 }, nth_admission_deductible_factor: [1, 1, 1],
      ratio: { resident: { '1': 0.9, '2': 0.8, '3': 0.7 } }, annual_cap_yuan: 200000 },
  },
  catalogue: { default_selfpay_prop: 0.1, jia_item_full_scope_above_yuan: 200 },
  serious_illness: {
    '310': { fund_pay_type: '330100', deductible_yuan: 20000, tiers: [{ above_yuan: 0, ratio: 0.8 }], annual_cap_yuan: 500000 },
    '390': { fund_pay_type: '390200', deductible_yuan: 15000, tiers: [{ above_yuan: 0, ratio: 0.6 }], annual_cap_yuan: 400000 },
  },
  assistance: { ratio: 0.7, annual_cap_yuan: 100000 },
  alliance: { merge_gap_days: 1, primary_uses_level2_catalogue: true, settle_as_one: true },
  dip: { scale: 1000, region_avg_cost_yuan: 10000, min_cases: 15, low: 0.5, high: 2, review: 5, bounds_inclusive: false,
    review_quota_permille: 5, hospital_coefficients: true, tcm_bonus: 1.1, tcm_groups: [], primary_groups: [],
    per_diem_points: {}, readmission_days: 15, ignored_procedure_prefixes: [] },
  month_end: { presettle_ratio: 0.95, reimbursement_ratio: { '310': 0.85, '390': 0.7 } },
  annual_clearing: {
    surplus_bands: [{ up_to_ratio: 0.1, keep_share: 1 }, { up_to_ratio: 0.2, keep_share: 0.5 }, { up_to_ratio: 10, keep_share: 0 }],
    overspend_bands: [{ up_to_ratio: 0.1, fund_share: 0.7 }, { up_to_ratio: 0.2, fund_share: 0.5 }, { up_to_ratio: 10, fund_share: 0 }],
    quality_release_min_score: 90, turnover_advance_months: 1,
  },
  fund_pooling: {
    adjustment_contribution_ratio: 0.05, adjustment_weights: { insured: 0.5, collection_rate: 0.25, performance: 0.25 },
    reserve_months: { '310': 3, '390': 1 }, reserve_share_while_available: 0.5, city_share_after_reserve: 0.2,
  },
}

export function testPolicy(patch: (p: typeof POLICY_DOC) => void = () => {}): Policy {
  const doc = structuredClone(POLICY_DOC)
  patch(doc)
  const r = validatePolicy(doc)
  if (!r.ok) throw new Error(JSON.stringify(r.problems))
  return r.policy
}

function hospital(code: string, level: 1 | 2 | 3, allianceId: string | null = null, lead = false): Hospital {
  return { code, name: `医院 ${code}`, city: '包头', level, allianceId, allianceLead: lead, dipCoefficientMicro: 1_000_000, tcm: false }
}

/** Three independent hospitals and a county alliance (lead HA0000000002, member HA0000000001). */
export function testTables(policy: Policy = testPolicy()): Tables {
  const hs = [hospital('H00000000001', 3), hospital('H00000000002', 2), hospital('H00000000003', 1),
    hospital('HA0000000001', 1, 'GY01'), hospital('HA0000000002', 2, 'GY01', true)]
  return {
    meta: { builtAt: '2026-01-01T00:00:00Z', policyVersion: 'test', sourcesChecksum: '', region: 'test' },
    diagnoses: new Set(), procedures: new Map(), catalogue: new Map(), dipGroups: new Map(), dipGroupsByDx: new Map(),
    compositeGroups: new Map(), hospitals: new Map(hs.map((h) => [h.code, h])), persons: new Map(), policy,
  }
}

export interface Discharge {
  code: string
  /** YYYY-MM-DD */
  enddate: string
  points: number
  medfeeYuan: number
  hifpYuan: number
  insutype?: '310' | '390'
  deviation?: 'normal' | 'low' | 'high' | 'review'
  group?: string
  flags?: string[]
  inpatient?: boolean
}

export class TestLedger {
  readonly db: Database.Database
  private seq = 0
  readonly file: string

  constructor(file?: string) {
    this.file = file ?? join(mkdtempSync(join(tmpdir(), 'dipsettle-me-')), 'ledger.sqlite')
    this.db = new Database(this.file)
    if (this.file !== ':memory:') this.db.pragma('journal_mode = WAL')
    this.db.exec(SCHEMA_SQL)
    this.seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM settlements').get() as { s: number }).s
  }

  private insert(row: Record<string, unknown>): void {
    const cols = Object.keys(row)
    this.db.prepare(`INSERT INTO settlements (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`).run(row)
  }

  /** Append a settled discharge; returns its setl_id. */
  discharge(d: Discharge): string {
    this.seq += 1
    const setlId = 'S' + String(this.seq).padStart(12, '0')
    const medfee = Math.round(d.medfeeYuan * 100)
    const hifp = Math.round(d.hifpYuan * 100)
    this.insert({
      setl_id: setlId, seq: this.seq, msgid: `${d.code}20260101000000${String(this.seq).padStart(6, '0')}`,
      body_hash: 'h', kind: 'settlement', reverses: null, fixmedins_code: d.code, psn_no: `P${this.seq}`,
      insutype: d.insutype ?? '390', mdtrt_id: `M${this.seq}`, med_type: d.inpatient === false ? '11' : '21',
      inpatient: d.inpatient === false ? 0 : 1, begndate: d.enddate, enddate: d.enddate, year: Number(d.enddate.slice(0, 4)),
      month: d.enddate.slice(0, 7), recorded_at: new Date(Date.UTC(2026, 0, 1, 0, 0, this.seq)).toISOString(),
      medfee_sumamt_fen: medfee, hifp_pay_fen: hifp, fund_pay_sumamt_fen: hifp, psn_part_amt_fen: medfee - hifp,
      psn_cash_pay_fen: medfee - hifp, inscp_scp_amt_fen: medfee,
      dip_group_code: d.group ?? 'I63.9', dip_kind: 'core', dip_points_1e4: Math.round(d.points * 10_000),
      dip_deviation: d.deviation ?? 'normal', dip_flags: JSON.stringify(d.flags ?? []), result_json: '{}',
      level: 2,
    })
    return setlId
  }

  /** Append the reversal of a settlement: the negated copy under a new setl_id (as engine/ledger does). */
  reverse(setlId: string): string {
    const o = this.db.prepare('SELECT * FROM settlements WHERE setl_id = ?').get(setlId) as Record<string, unknown>
    this.seq += 1
    const rid = 'S' + String(this.seq).padStart(12, '0')
    const row: Record<string, unknown> = { ...o, setl_id: rid, seq: this.seq, msgid: `R${this.seq}`, kind: 'reversal', reverses: setlId }
    for (const k of Object.keys(row)) if (k.endsWith('_fen') || k === 'dip_points_1e4' || k === 'admissions') row[k] = -(row[k] as number)
    this.insert(row)
    return rid
  }

  close(): void {
    this.db.close()
  }
}

export const fen = (yuan: number): number => Math.round(yuan * 100)
