// County-alliance episodes at month-end (SPEC §5: 医共体 单次住院 = one DIP case). Every stay's real-time answer keeps
// its own grouping; month-end counts the episode once: grouped as its last stay was (on that stay's diagnoses and
// procedures), scored with the episode's summed cost and days, and its points attributed to the stays by
// alliance.episode_points — split_by_cost (default: in proportion to each stay's cost, largest remainder in 1/10,000
// points) or last_stay. An episode is taken within one month: stays of it discharged in an earlier month were paid in
// that month's run.
import { classifyDeviation, costAgainstAverage } from '../grouping/deviation.js'
import { points1e4 } from '../grouping/points.js'
import type { Deviation, DipResult } from '../grouping/types.js'
import { allocateLargestRemainder, PPM, ratioToPpm, scoreToMicro } from '../money.js'
import type { EpisodeRow } from '../ledger/reports-port.js'
import type { Policy } from '../policy/types.js'

/** One episode of two or more live stays, as one DIP case. */
export interface EpisodeCase {
  readonly psnNo: string
  readonly episodeId: string
  /** Live stays, in ledger order; the last one (latest discharge) is the case's grouping. */
  readonly stays: readonly EpisodeRow[]
  readonly last: EpisodeRow
  readonly costFen: number
  readonly days: number
  readonly points1e4: number
  readonly deviation: Deviation
  /** Each stay's share of the points (setl_id → points_1e4), summing to points1e4. */
  readonly shares: ReadonlyMap<string, number>
}

/** The month's episode rows → per episode its live stays (settlements no row of the set reverses). */
export function liveEpisodes(rows: readonly EpisodeRow[]): { readonly psnNo: string; readonly episodeId: string; readonly stays: EpisodeRow[] }[] {
  const reversed = new Set(rows.filter((r) => r.kind === 'reversal' && r.reverses !== null).map((r) => r.reverses as string))
  const byEpisode = new Map<string, { psnNo: string; episodeId: string; stays: EpisodeRow[] }>()
  for (const r of rows) {
    const key = `${r.psnNo}\u0000${r.episodeId}`
    let e = byEpisode.get(key)
    if (e === undefined) { e = { psnNo: r.psnNo, episodeId: r.episodeId, stays: [] }; byEpisode.set(key, e) }
    if (r.kind === 'settlement' && !reversed.has(r.setlId)) e.stays.push(r)
  }
  return [...byEpisode.values()]
}

/** The stay whose grouping the episode takes: the latest discharge (then the latest recorded). */
function lastStay(stays: readonly EpisodeRow[]): EpisodeRow {
  return stays.reduce((a, b) => (b.endDay > a.endDay || (b.endDay === a.endDay && b.seq > a.seq) ? b : a))
}

/**
 * The episode's points: the last stay's group (score, hospital coefficient and 中蒙医 bonus as it was grouped) with
 * the deviation measured on the summed cost; a per-diem stay pays the summed days. Without a grouping (ungroupable
 * or not recorded) the stays keep their own points.
 */
function episodePoints(dip: DipResult | null, costFen: number, days: number, stays: readonly EpisodeRow[], policy: Policy): { points1e4: number; deviation: Deviation } {
  if (dip === null || dip.group_code === null) return { points1e4: stays.reduce((a, s) => a + s.points1e4, 0), deviation: 'normal' }
  const coefficientMicro = ratioToPpm(dip.hospital_coefficient)
  const bonusMicro = ratioToPpm(dip.tcm_bonus)
  if (dip.kind === 'per_diem') {
    // score is the points per bed day
    return { points1e4: points1e4({ baseMicro: BigInt(days) * BigInt(scoreToMicro(dip.score)), auxMicro: PPM, coefficientMicro, bonusMicro, factorNum: 1n, factorDen: 1n }), deviation: 'normal' }
  }
  // a typed case (辅助目录) keeps its type: deviation against average × coefficient, score × coefficient
  const auxMicro = ratioToPpm(dip.auxiliary?.coefficient ?? 1)
  const d = classifyDeviation(costAgainstAverage(costFen, scoreToMicro(dip.avg_cost_yuan), auxMicro), policy.dip)
  return {
    points1e4: points1e4({ baseMicro: BigInt(scoreToMicro(dip.score)), auxMicro, coefficientMicro, bonusMicro, factorNum: d.factorNum, factorDen: d.factorDen }),
    deviation: d.band,
  }
}

export function episodeCase(e: { readonly psnNo: string; readonly episodeId: string; readonly stays: readonly EpisodeRow[] }, policy: Policy): EpisodeCase {
  const last = lastStay(e.stays)
  const costFen = e.stays.reduce((a, s) => a + s.medfeeFen, 0)
  // bed days as DIP counts them, per stay (enddate − begndate, at least 1)
  const days = e.stays.reduce((a, s) => a + Math.max(1, s.endDay - s.begnDay), 0)
  const { points1e4: pts, deviation } = episodePoints(last.dip, costFen, days, e.stays, policy)
  const byCost = (policy.alliance.episode_points ?? 'split_by_cost') === 'split_by_cost' && costFen > 0 && pts >= 0
  const parts = byCost
    ? allocateLargestRemainder(BigInt(pts), e.stays.map((s) => BigInt(Math.max(0, s.medfeeFen)))).map(Number)
    : e.stays.map((s) => (s === last ? pts : 0))
  return {
    psnNo: e.psnNo, episodeId: e.episodeId, stays: e.stays, last, costFen, days, points1e4: pts, deviation,
    shares: new Map(e.stays.map((s, i) => [s.setlId, parts[i] ?? 0])),
  }
}
