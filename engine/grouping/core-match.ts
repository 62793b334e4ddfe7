// Core-group match (SPEC §5): among the 亚目's core groups, those whose procedure set is contained in the claim's
// counting procedures fit; a dx-only group (保守治疗) fits only a claim with no counting procedure. The winner has the
// most procedures matched; tie → average cost closest to the claim's total; tie → higher score; a last tie (never
// seen in the real catalogue) goes to the lower group code so the answer never depends on load order.
import type { CoreCandidate } from './catalogue-index.js'
import type { TraceCandidate } from './trace.js'
import { fenToYuan } from '../money.js'

export interface CoreMatch {
  readonly chosen: CoreCandidate | null
  /** The rule that decided (trace wording). */
  readonly rule: string
  /** Every candidate with why it lost; filled only when asked (trace). */
  readonly candidates: readonly TraceCandidate[]
}

/** Why a candidate does not fit the claim's counting procedures, or null when it fits. */
function misfit(c: CoreCandidate, counting: ReadonlySet<string>): string | null {
  if (c.procedures.length === 0) {
    return counting.size === 0 ? null : 'dx-only group: the claim has counting procedures'
  }
  const missing = c.procedures.filter((p) => !counting.has(p))
  return missing.length === 0 ? null : `procedure missing: ${missing.join(', ')}`
}

/** misfit(c) === null without building the reason or a list (the hot path: each candidate of each claim). */
function fits(c: CoreCandidate, counting: ReadonlySet<string>): boolean {
  if (c.procedures.length === 0) return counting.size === 0
  for (const p of c.procedures) if (!counting.has(p)) return false
  return true
}

/** Order of preference among fitting candidates: negative when a is better than b. */
function compare(a: CoreCandidate, b: CoreCandidate, totalFen: number): number {
  if (a.procedures.length !== b.procedures.length) return b.procedures.length - a.procedures.length
  const da = Math.abs(a.group.avgCostFen - totalFen)
  const db = Math.abs(b.group.avgCostFen - totalFen)
  if (da !== db) return da - db
  if (a.group.scoreMicro !== b.group.scoreMicro) return b.group.scoreMicro - a.group.scoreMicro
  return a.group.groupCode < b.group.groupCode ? -1 : a.group.groupCode > b.group.groupCode ? 1 : 0
}

/** What separates the winner w from a fitting loser l (both the trace note and, for the runner-up, the rule). */
function separation(w: CoreCandidate, l: CoreCandidate, totalFen: number): { rule: string; note: string } {
  if (w.procedures.length !== l.procedures.length) {
    return { rule: 'core: most procedures matched', note: `fewer procedures matched (${l.procedures.length} < ${w.procedures.length})` }
  }
  const dw = Math.abs(w.group.avgCostFen - totalFen)
  const dl = Math.abs(l.group.avgCostFen - totalFen)
  if (dw !== dl) {
    return { rule: 'core: closest average cost', note: `average cost farther from the claim's total (${fenToYuan(dl)} > ${fenToYuan(dw)} yuan)` }
  }
  if (w.group.scoreMicro !== l.group.scoreMicro) return { rule: 'core: higher score', note: 'lower score' }
  return { rule: 'core: lower group code', note: 'same procedures, cost distance and score: later group code' }
}

export function matchCore(
  candidates: readonly CoreCandidate[], counting: ReadonlySet<string>, totalFen: number, trace: boolean,
): CoreMatch {
  let best: CoreCandidate | null = null
  let second: CoreCandidate | null = null
  for (const c of candidates) {
    if (!fits(c, counting)) continue
    if (best === null || compare(c, best, totalFen) < 0) { second = best; best = c }
    else if (second === null || compare(c, second, totalFen) < 0) second = c
  }
  const rule = best === null ? 'core: no fitting group'
    : second === null ? 'core: the only fitting group' : separation(best, second, totalFen).rule
  if (!trace) return { chosen: best, rule, candidates: [] }
  const traced = candidates.map((c): TraceCandidate => {
    const why = misfit(c, counting)
    if (why !== null) return { group_code: c.group.groupCode, matched: false, note: why }
    if (c === best) return { group_code: c.group.groupCode, matched: true, note: 'chosen' }
    return { group_code: c.group.groupCode, matched: true, note: separation(best as CoreCandidate, c, totalFen).note }
  })
  return { chosen: best, rule, candidates: traced }
}
