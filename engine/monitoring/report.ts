// `dipsettle monitoring report --month` (SPEC §14): the month's 智能监控 flags per hospital, each hospital's list
// sorted by severity (block first), then the rule's order (index.ts), then append order; hospitals with the most
// block, then warn flags first. Built from the ledger's flagged settlements (engine/ledger/monitoring-port.ts): the
// flags as each hospital was answered them. Pure over those rows and the tables (names).
import type { MonitoredSettlement } from '../ledger/monitoring-port.js'
import type { Tables } from '../tables/types.js'
import { MONITORING_RULES } from './index.js'
import type { MonitoringCode, Severity } from './types.js'

/** One flag of one settlement, as a report lists it. */
export interface MonitoringItem {
  readonly setl_id: string
  readonly msgid: string
  readonly psn_no: string
  readonly insutype: string
  readonly mdtrt_id: string
  readonly med_type: string
  readonly begndate: string
  readonly enddate: string
  readonly reversed: boolean
  readonly code: MonitoringCode
  readonly label: string
  readonly severity: Severity
  readonly detail: string
}

export interface HospitalMonitoring {
  readonly fixmedins_code: string
  readonly name: string
  /** Settlements with at least one flag. */
  readonly settlements: number
  readonly flags: number
  readonly by_severity: Readonly<Record<Severity, number>>
  readonly by_code: Readonly<Partial<Record<MonitoringCode, number>>>
  readonly items: readonly MonitoringItem[]
}

export interface MonitoringReport {
  readonly kind: 'monitoring_report'
  readonly month: string
  readonly settlements: number
  readonly flags: number
  readonly by_code: Readonly<Partial<Record<MonitoringCode, number>>>
  readonly hospitals: readonly HospitalMonitoring[]
  readonly generated_at: string
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { block: 0, warn: 1 }
const RULE_RANK = new Map((Object.keys(MONITORING_RULES) as MonitoringCode[]).map((c, i) => [c, i]))

function byImportance(a: MonitoringItem & { seq: number }, b: MonitoringItem & { seq: number }): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (RULE_RANK.get(a.code) ?? 99) - (RULE_RANK.get(b.code) ?? 99) || a.seq - b.seq
}

/**
 * One hospital's part of the month's flagged settlements (also each feedback report's monitoring section, where an
 * alliance lead's report covers its members: `codes`).
 */
export function hospitalMonitoring(rows: readonly MonitoredSettlement[], code: string, name: string, codes: readonly string[] = [code]): HospitalMonitoring {
  const items: (MonitoringItem & { seq: number })[] = []
  let settlements = 0
  for (const r of rows) {
    if (!codes.includes(r.fixmedins_code) || r.flags.length === 0) continue
    settlements++
    for (const f of r.flags) {
      items.push({
        seq: r.seq, setl_id: r.setl_id, msgid: r.msgid, psn_no: r.psn_no, insutype: r.insutype, mdtrt_id: r.mdtrt_id,
        med_type: r.med_type, begndate: r.begndate, enddate: r.enddate, reversed: r.reversed,
        code: f.code, label: f.label, severity: f.severity, detail: f.detail,
      })
    }
  }
  items.sort(byImportance)
  const bySeverity: Record<Severity, number> = { block: 0, warn: 0 }
  const byCode: Partial<Record<MonitoringCode, number>> = {}
  for (const i of items) {
    bySeverity[i.severity]++
    byCode[i.code] = (byCode[i.code] ?? 0) + 1
  }
  return {
    fixmedins_code: code, name, settlements, flags: items.length, by_severity: bySeverity, by_code: byCode,
    items: items.map(({ seq: _seq, ...i }) => i),
  }
}

/** The month's report over every hospital with a flag. */
export function monitoringReport(month: string, rows: readonly MonitoredSettlement[], tables: Tables, now: Date = new Date()): MonitoringReport {
  const codes = [...new Set(rows.filter((r) => r.flags.length > 0).map((r) => r.fixmedins_code))]
  const hospitals = codes.map((c) => hospitalMonitoring(rows, c, tables.hospitals.get(c)?.name ?? ''))
    .sort((a, b) => b.by_severity.block - a.by_severity.block || b.by_severity.warn - a.by_severity.warn
      || (a.fixmedins_code < b.fixmedins_code ? -1 : 1))
  const byCode: Partial<Record<MonitoringCode, number>> = {}
  for (const h of hospitals) for (const [c, n] of Object.entries(h.by_code) as [MonitoringCode, number][]) byCode[c] = (byCode[c] ?? 0) + n
  return {
    kind: 'monitoring_report', month,
    settlements: hospitals.reduce((a, h) => a + h.settlements, 0), flags: hospitals.reduce((a, h) => a + h.flags, 0),
    by_code: byCode, hospitals, generated_at: now.toISOString(),
  }
}
