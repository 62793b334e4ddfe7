// SPEC §13: visitors' (异地就医) DIP points enter this region's month-end unless the policy's
// `dip.include_cross_region` is false. Then month-end reads the ledger through this view of its reports port, which
// leaves the visitors' rows (marked by their insuring region: cross-region-port.ts) out of every read a run and its
// feedback make: the month's sums, episodes, 特例单议 candidates, carried rows and cases.
import type { CrossRegionReportsPort, CrossRegionRow } from '../ledger/cross-region-port.js'
import type { HospitalSums, Pool, ReportsPort } from '../ledger/reports-port.js'
import type { Policy } from '../policy/types.js'

/** Whether visitors' points enter month-end (default true: 纳入就医地 DIP 管理). */
export function includesCrossRegion(policy: Policy): boolean {
  return policy.dip.include_cross_region !== false
}

function hasCrossRegion(p: ReportsPort): p is ReportsPort & CrossRegionReportsPort {
  return typeof (p as Partial<CrossRegionReportsPort>).crossRegionRows === 'function'
}

/** The port month-end reads: `port` itself, or, when the policy leaves visitors out, the view without them. */
export function monthEndView(port: ReportsPort, policy: Policy): ReportsPort {
  if (includesCrossRegion(policy)) return port
  if (!hasCrossRegion(port)) throw new Error('dip.include_cross_region is false, but this ledger\'s reports port cannot tell visitors\' rows apart')
  return withoutVisitors(port)
}

/** Σ of the visitors' inpatient rows of a pool per hospital, as monthSums counts them. */
function visitorSums(rows: readonly CrossRegionRow[], pool: Pool): Map<string, HospitalSums> {
  const out = new Map<string, HospitalSums>()
  for (const r of rows) {
    if (!r.inpatient || r.insutype !== pool) continue
    const s = out.get(r.code) ?? { code: r.code, points1e4: 0, medfeeFen: 0, hifpFen: 0, discharges: 0 }
    out.set(r.code, {
      code: r.code, points1e4: s.points1e4 + r.points1e4, medfeeFen: s.medfeeFen + r.medfeeFen, hifpFen: s.hifpFen + r.hifpFen,
      discharges: s.discharges + (r.kind === 'settlement' ? 1 : -1),
    })
  }
  return out
}

function withoutVisitors(port: ReportsPort & CrossRegionReportsPort): ReportsPort {
  const visitorIds = async (month: string, uptoSeq: number): Promise<Set<string>> =>
    new Set((await port.crossRegionRows(month, uptoSeq)).map((r) => r.setlId))
  const overrides: Partial<ReportsPort> = {
    async monthSums(month: string, pool: Pool, uptoSeq: number): Promise<HospitalSums[]> {
      const [sums, rows] = await Promise.all([port.monthSums(month, pool, uptoSeq), port.crossRegionRows(month, uptoSeq)])
      const minus = visitorSums(rows, pool)
      const out: HospitalSums[] = []
      for (const s of sums) {
        const v = minus.get(s.code)
        if (v === undefined) { out.push(s); continue }
        const left = {
          code: s.code, points1e4: s.points1e4 - v.points1e4, medfeeFen: s.medfeeFen - v.medfeeFen, hifpFen: s.hifpFen - v.hifpFen,
          discharges: s.discharges - v.discharges,
        }
        // a hospital that had only visitors is not in the month at all
        if (left.discharges !== 0 || left.points1e4 !== 0 || left.medfeeFen !== 0 || left.hifpFen !== 0) out.push(left)
      }
      return out
    },
    async episodeRows(month: string, pool: Pool, uptoSeq: number) {
      const [rows, ids] = await Promise.all([port.episodeRows(month, pool, uptoSeq), visitorIds(month, uptoSeq)])
      return rows.filter((r) => !ids.has(r.setlId))
    },
    async reviewCandidates(month: string, pool: Pool, uptoSeq: number) {
      const [rows, ids] = await Promise.all([port.reviewCandidates(month, pool, uptoSeq), visitorIds(month, uptoSeq)])
      return rows.filter((r) => !ids.has(r.setlId))
    },
    async carriedRows(month: string, pool: Pool, afterSeq: number, uptoSeq: number) {
      const [rows, ids] = await Promise.all([port.carriedRows(month, pool, afterSeq, uptoSeq), visitorIds(month, uptoSeq)])
      return rows.filter((r) => !ids.has(r.setlId))
    },
    async liveCases(month: string, pool: Pool, uptoSeq: number, codes: readonly string[]) {
      const [rows, ids] = await Promise.all([port.liveCases(month, pool, uptoSeq, codes), visitorIds(month, uptoSeq)])
      return rows.filter((r) => !ids.has(r.setl_id))
    },
  }
  // every other read and write goes to the port itself (bound to it: its own fields, private ones too)
  return new Proxy(port, {
    get(target, key, receiver) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof ReportsPort]
      const v = Reflect.get(target, key, receiver) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}
