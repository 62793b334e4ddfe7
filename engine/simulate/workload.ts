// A month of a province's settlements: how many, and the claims themselves as JSON lines.
// Volumes are simulation parameters, not policy: SPEC §10 gives ~20 admissions per 100 insured per year; the
// outpatient rate comes from the national platform's ~18 M settlements a day over ~1.33 billion insured
// (18e6 × 365 ÷ 1.33e9 ≈ 4.9 settlements per insured per year, of which ~0.2 inpatient).
import type { Tables } from '../tables/types.js'
import { generateDemoClaims } from '../demo/claims.js'

export interface WorkloadRates {
  /** Inpatient admissions per insured per year. */
  readonly admissionsPerYear: number
  /** Outpatient settlements per insured per year. */
  readonly outpatientPerYear: number
}

export const DEFAULT_RATES: WorkloadRates = { admissionsPerYear: 0.2, outpatientPerYear: 4.7 }

export interface MonthVolume {
  readonly inpatient: number
  readonly outpatient: number
  readonly total: number
}

/** Expected claims of one month for `persons` insured (N × rate ÷ 12, rounded). */
export function monthVolume(persons: number, rates: WorkloadRates = DEFAULT_RATES): MonthVolume {
  const inpatient = Math.round((persons * rates.admissionsPerYear) / 12)
  const outpatient = Math.round((persons * rates.outpatientPerYear) / 12)
  return { inpatient, outpatient, total: inpatient + outpatient }
}

/** YYYY-MM `i` months after `start`. */
export function addMonths(start: string, i: number): string {
  const [y, m] = start.split('-').map(Number) as [number, number]
  const k = y * 12 + (m - 1) + i
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`
}

export interface MonthStream {
  /** JSON lines in ~64 KB strings, for AdjudicationPool.run. */
  readonly chunks: AsyncIterable<string>
  /** Main-thread seconds spent generating so far (overlaps the workers' settling). */
  generateSeconds(): number
  /** Claims generated so far, by kind (an alliance referral's second stay counts as inpatient). */
  generated(): { readonly inpatient: number; readonly outpatient: number }
}

const CHUNK_CHARS = 64 * 1024

/**
 * The month's claims (case mix and fee lines from engine/demo/claims.ts), in chunks. `seqOffset` keeps msgid and
 * mdtrt_id unique across months (pass the number of claims generated before this month).
 */
export function monthClaims(tables: Tables, o: { month: string; volume: MonthVolume; seed: number; seqOffset: number }): MonthStream {
  let genNs = 0n
  let inpatient = 0
  let outpatient = 0
  const share = o.volume.total === 0 ? 0 : o.volume.outpatient / o.volume.total
  async function* chunks(): AsyncGenerator<string> {
    const it = generateDemoClaims(tables, { count: o.volume.total, month: o.month, seed: o.seed, outpatientShare: share, msgidOffset: o.seqOffset })
    let buf = ''
    for (;;) {
      const t0 = process.hrtime.bigint()
      let done = false
      while (buf.length < CHUNK_CHARS) {
        const n = it.next()
        if (n.done === true) { done = true; break }
        if (n.value.med_type === '21') inpatient++
        else outpatient++
        buf += JSON.stringify(n.value) + '\n'
      }
      genNs += process.hrtime.bigint() - t0
      if (buf.length > 0) yield buf
      buf = ''
      if (done) return
    }
  }
  return { chunks: chunks(), generateSeconds: () => Number(genNs) / 1e9, generated: () => ({ inpatient, outpatient }) }
}
