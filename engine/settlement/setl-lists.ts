// The 4101A 医疗保障基金结算清单 at month-end (SPEC §12, §5): the list's diagnoses and procedures are the ones DIP groups
// the stay on, so where a hospital uploaded a list for a settlement (the latest upload wins; the national gateway
// refuses one once the settlement's month is closed), month-end, clearing and the feedback reports take the list's
// grouping — group, points, deviation, flags — instead of the one the settlement was recorded with at 2304. The
// settlement's money (what the patient and the funds paid) is not touched: only the DIP case changes.
import type { CaseRow, EpisodeRow, Pool, ReportsPort, ReviewCandidate, SetlListGrouping } from '../ledger/reports-port.js'

/** The month's lists of settlements still live at `uptoSeq`, by setl_id. */
export async function liveSetlLists(port: ReportsPort, month: string, pool: Pool, uptoSeq: number): Promise<Map<string, SetlListGrouping>> {
  const lists = await port.setlListGroupings(month, pool, uptoSeq)
  return new Map(lists.filter((g) => g.live).map((g) => [g.setlId, g]))
}

/** An episode's stay as its list groups it (a reversal row, or a stay without a list, as recorded). */
export function regroupEpisodeRow(r: EpisodeRow, lists: ReadonlyMap<string, SetlListGrouping>): EpisodeRow {
  const g = r.kind === 'settlement' ? lists.get(r.setlId) : undefined
  return g === undefined ? r : { ...r, points1e4: g.dip.points_1e4, dip: g.dip }
}

/** A discharge of the feedback report as its list groups it. */
export function regroupCase(c: CaseRow, lists: ReadonlyMap<string, SetlListGrouping>): CaseRow {
  const g = lists.get(c.setl_id)
  if (g === undefined) return c
  return {
    ...c, dip_group_code: g.dip.group_code, dip_kind: g.dip.kind, dip_deviation: g.dip.deviation,
    dip_flags: JSON.stringify(g.dip.flags), points1e4: g.dip.points_1e4,
  }
}

/**
 * The month's 特例单议 candidates after the lists: a listed settlement is a candidate when its list's grouping is in the
 * review band, whatever its 2304 grouping was (and is no longer one when the list's grouping is not).
 */
export function regroupCandidates(recorded: readonly ReviewCandidate[], lists: ReadonlyMap<string, SetlListGrouping>): ReviewCandidate[] {
  const kept = recorded.filter((c) => !lists.has(c.setlId))
  const listed = [...lists.values()].filter((g) => g.dip.deviation === 'review').map((g): ReviewCandidate => ({
    setlId: g.setlId, mdtrtId: g.mdtrtId, code: g.code, groupCode: g.dip.group_code, medfeeFen: g.medfeeFen,
    points1e4: g.dip.points_1e4, dip: g.dip,
  }))
  return [...kept, ...listed]
}
