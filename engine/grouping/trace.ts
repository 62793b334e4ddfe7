// The match trace (opts.trace): what an auditor reads when a hospital disputes a grouping — the 亚目 and category
// looked up, the procedures that counted, every candidate with why it lost, and the rule that decided.
import type { MatchTrace } from './types.js'

export type TraceCandidate = MatchTrace['candidates'][number]

export function buildTrace(
  subcategory: string, category: string, counting: readonly string[], candidates: readonly TraceCandidate[], rule: string,
): MatchTrace {
  return { subcategory, category, countingProcedures: counting, candidates, rule }
}
