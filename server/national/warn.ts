// warn_msg of a settlement's national answer (SPEC §12, §14): its 智能监控 flags, one `[code] label: detail` each,
// joined with 「；」; null when it has none. The settlement still succeeds (infcode 0): a warn rule settles and flags.
import type { AdjudicationResult } from '../../engine/result.js'

export function warnMsg(r: AdjudicationResult): string | null {
  const flags = r.monitoring ?? []
  return flags.length === 0 ? null : flags.map((f) => `[${f.code}] ${f.label}: ${f.detail}`).join('；')
}
