// Fixtures for month-end tests: a ledger file with the real `settlements` schema (engine/ledger/schema.ts) and a
// helper that appends synthetic discharges and reversals the way the ledger does (negated copy, same month).
import Database from 'better-sqlite3'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SCHEMA_SQL, SCHEMA_VERSION } from '../../engine/ledger/schema.js'
import { LEDGER_APPLICATION_ID } from '../../engine/ledger/sqlite/connection.js'
import { validatePolicy } from '../../engine/policy/validate.js'
import { specPolicyDoc } from '../fixtures/spec-policy.js'
import type { Policy } from '../../engine/policy/types.js'
import type { Hospital, Tables } from '../../engine/tables/types.js'

export const POLICY_DOC = {
  ...specPolicyDoc(),
  region: 'test',
  // a round region average: cost-based points of a 特例单议 case are cost ÷ 10,000 × 1,000
  dip: { ...specPolicyDoc().dip, region_avg_cost_yuan: 10000 },
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
  /** The recorded DIP result's group score and average cost (yuan): what 特例单议 and episodes re-score from. */
  score?: number
  avgCostYuan?: number
  coefficient?: number
  dipKind?: 'core' | 'per_diem'
  /** Alliance episode: the person, this stay's mdtrt_id and the episode's first stay's mdtrt_id. */
  psn?: string
  mdtrt?: string
  episode?: string
  begndate?: string
  /** 智能监控 flags recorded in the answer (SPEC §14). */
  monitoring?: readonly { code: string; label: string; severity: 'warn' | 'block'; detail: string }[]
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
    // a dipsettle ledger's identity (engine/ledger/sqlite/connection.ts), so the CLI opens the file
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`)
    this.db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`)
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
    const day = (date: string): number => Math.round(Date.parse(date + 'T00:00:00Z') / 86_400_000)
    const mdtrt = d.mdtrt ?? `M${this.seq}`
    const dip = d.avgCostYuan === undefined ? undefined : {
      group_code: d.group ?? 'I63.9', kind: d.dipKind ?? 'core', score: d.score ?? d.points, points: d.points,
      points_1e4: Math.round(d.points * 10_000), deviation: d.deviation ?? 'normal', flags: d.flags ?? [],
      hospital_coefficient: d.coefficient ?? 1, tcm_bonus: 1, deviation_factor: 1, avg_cost_yuan: d.avgCostYuan,
      total_cost_yuan: d.medfeeYuan,
    }
    this.insert({
      setl_id: setlId, seq: this.seq, msgid: `${d.code}20260101000000${String(this.seq).padStart(6, '0')}`,
      body_hash: 'h', kind: 'settlement', reverses: null, fixmedins_code: d.code, psn_no: d.psn ?? `P${this.seq}`,
      insutype: d.insutype ?? '390', mdtrt_id: mdtrt, med_type: d.inpatient === false ? '11' : '21',
      inpatient: d.inpatient === false ? 0 : 1, begndate: d.begndate ?? d.enddate, enddate: d.enddate,
      episode_id: d.inpatient === false ? null : d.episode ?? mdtrt, begn_day: day(d.begndate ?? d.enddate), end_day: day(d.enddate), year: Number(d.enddate.slice(0, 4)),
      month: d.enddate.slice(0, 7), recorded_at: new Date(Date.UTC(2026, 0, 1, 0, 0, this.seq)).toISOString(),
      medfee_sumamt_fen: medfee, hifp_pay_fen: hifp, fund_pay_sumamt_fen: hifp, psn_part_amt_fen: medfee - hifp,
      psn_cash_pay_fen: medfee - hifp, inscp_scp_amt_fen: medfee,
      dip_group_code: d.group ?? 'I63.9', dip_kind: 'core', dip_points_1e4: Math.round(d.points * 10_000),
      dip_deviation: d.deviation ?? 'normal', dip_flags: JSON.stringify(d.flags ?? []),
      result_json: JSON.stringify({ ...(dip === undefined ? {} : { dip }), ...(d.monitoring === undefined ? {} : { monitoring: d.monitoring }) }),
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
