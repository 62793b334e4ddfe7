// The one accumulation of month-end and annual clearing (SPEC §5, §6): a month's discharges of a pool → per
// settlement unit its points, discharges and costs. Reversals net out; an alliance episode of several stays counts
// once (episodes.ts); 特例单议 candidates are judged against the quota and decisions (special-cases.ts) and an
// approved case's extra points go to its hospital.
import assert from 'node:assert/strict'
import type { Decision, Pool, ReportsPort } from '../ledger/reports-port.js'
import type { Policy } from '../policy/types.js'
import { episodeCase, liveEpisodes, type EpisodeCase } from './episodes.js'
import { liveSetlLists, regroupCandidates, regroupEpisodeRow } from './setl-lists.js'
import { judgeCandidates, type Candidate, type JudgedCase } from './special-cases.js'

export interface UnitTotals {
  points1e4: bigint
  discharges: number
  medfeeFen: number
  hifpFen: number
  cases: { approved: number; pending: number; over_quota: number; rejected: number }
}

export function emptyUnit(): UnitTotals {
  return { points1e4: 0n, discharges: 0, medfeeFen: 0, hifpFen: 0, cases: { approved: 0, pending: 0, over_quota: 0, rejected: 0 } }
}

export interface MonthAccumulation {
  /** Settlement unit → its totals. */
  readonly units: Map<string, UnitTotals>
  readonly judged: readonly JudgedCase[]
  readonly episodes: readonly EpisodeCase[]
  /** Σ over the month's discharges of the pool (the actual ratio's terms). */
  readonly hifpFen: number
  readonly medfeeFen: number
}

export interface AccumulateContext {
  readonly port: ReportsPort
  readonly policy: Policy
  /** The code a hospital settles under (settlementUnits). */
  readonly unitOf: (code: string) => string
  readonly decisions: ReadonlyMap<string, Decision>
  /** The units to add to (clearing passes the same map for every month of the year). */
  readonly units?: Map<string, UnitTotals>
}

interface HospitalTotals { points1e4: number; discharges: number; medfeeFen: number; hifpFen: number }

export async function accumulateMonth(ctx: AccumulateContext, month: string, pool: Pool, uptoSeq: number): Promise<MonthAccumulation> {
  const { port, policy } = ctx
  const [sums, recordedEpisodeRows, recordedReviewRows, lists] = await Promise.all([
    port.monthSums(month, pool, uptoSeq), port.episodeRows(month, pool, uptoSeq), port.reviewCandidates(month, pool, uptoSeq),
    liveSetlLists(port, month, pool, uptoSeq),
  ])
  // a 4101A list regroups its stay (setl-lists.ts): the recorded points come out of the sums below, the list's go in
  const reviewRows = regroupCandidates(recordedReviewRows, lists)
  const byHospital = new Map<string, HospitalTotals>()
  const hospital = (code: string): HospitalTotals => {
    let h = byHospital.get(code)
    if (!h) { h = { points1e4: 0, discharges: 0, medfeeFen: 0, hifpFen: 0 }; byHospital.set(code, h) }
    return h
  }
  let hifpFen = 0
  let medfeeFen = 0
  for (const s of sums) {
    const h = hospital(s.code)
    h.points1e4 += s.points1e4; h.discharges += s.discharges; h.medfeeFen += s.medfeeFen; h.hifpFen += s.hifpFen
    hifpFen += s.hifpFen; medfeeFen += s.medfeeFen
  }

  // episodes: take their rows out of the sums, then put each back as one case (costs stay with each stay's hospital)
  for (const r of recordedEpisodeRows) {
    const h = hospital(r.code)
    h.points1e4 -= r.points1e4; h.discharges -= r.kind === 'settlement' ? 1 : -1
  }
  const episodeRows = recordedEpisodeRows.map((r) => regroupEpisodeRow(r, lists))
  const episodes: EpisodeCase[] = []
  const inEpisode = new Set(episodeRows.map((r) => r.setlId))
  for (const g of lists.values()) {
    if (!inEpisode.has(g.setlId)) hospital(g.code).points1e4 += g.dip.points_1e4 - g.settledPoints1e4
  }
  const candidates: Candidate[] = reviewRows.filter((c) => !inEpisode.has(c.setlId)).map((c) => ({ ...c, episodeId: null }))
  for (const e of liveEpisodes(episodeRows)) {
    if (e.stays.length === 0) continue
    if (e.stays.length === 1) {
      const only = e.stays[0] as (typeof e.stays)[number]
      hospital(only.code).points1e4 += only.points1e4
      hospital(only.code).discharges += 1
      const c = reviewRows.find((x) => x.setlId === only.setlId)
      if (c) candidates.push({ ...c, episodeId: null })
      continue
    }
    const ec = episodeCase(e, policy)
    episodes.push(ec)
    for (const s of ec.stays) hospital(s.code).points1e4 += ec.shares.get(s.setlId) ?? 0
    hospital(ec.last.code).discharges += 1
    if (ec.deviation === 'review') {
      // the episode is the candidate, under its last stay's setl_id (what a hospital applies for, the bureau decides)
      candidates.push({
        setlId: ec.last.setlId, mdtrtId: ec.last.mdtrtId, code: ec.last.code, groupCode: ec.last.dip?.group_code ?? null,
        medfeeFen: ec.costFen, points1e4: ec.points1e4, dip: ec.last.dip, episodeId: ec.episodeId,
      })
    }
  }

  const units = ctx.units ?? new Map<string, UnitTotals>()
  const unit = (code: string): UnitTotals => {
    const u = ctx.unitOf(code)
    let t = units.get(u)
    if (!t) { t = emptyUnit(); units.set(u, t) }
    return t
  }
  for (const [code, h] of byHospital) {
    const t = unit(code)
    t.points1e4 += BigInt(h.points1e4); t.discharges += h.discharges; t.medfeeFen += h.medfeeFen; t.hifpFen += h.hifpFen
  }

  const judged = judgeCandidates(candidates, new Map([...byHospital].map(([c, h]) => [c, h.discharges])), ctx.decisions, policy)
  for (const j of judged) {
    const t = unit(j.candidate.code)
    // an episode's extra points go to its last stay's hospital, which the candidate is filed under
    t.points1e4 += BigInt(j.paidPoints1e4 - j.candidate.points1e4)
    t.cases[j.status] += 1
  }
  for (const [code, t] of units) assert(t.points1e4 >= 0n, `negative points for ${code} in ${month}`)
  return { units, judged, episodes, hifpFen, medfeeFen }
}
