// The concurrency tests' load: 12 persons × 20 claims (14 inpatient, 6 outpatient each), every claim with its own
// msgid and visit. In-scope amounts are the same within a kind, so a person's year totals do not depend on the order
// in which their claims commit (the fake's deductible and cap give the same multiset of amounts in any order): a run
// of several writers must then equal a one-process run exactly.
import type { MiniClaim } from './fixtures.js'
import { mini } from './fixtures.js'

export const PERSONS = 12
export const PER_PERSON = 20

export function overlapLoad(): MiniClaim[] {
  const out: MiniClaim[] = []
  for (let p = 0; p < PERSONS; p++) {
    for (let k = 0; k < PER_PERSON; k++) {
      const n = p * PER_PERSON + k
      const inpatient = k % 10 < 7
      out.push(mini(n, {
        msgid: `CONC-${n}`, psn_no: `P${String(p).padStart(4, '0')}`, mdtrt_id: `V${n}`, inpatient, day: k * 5,
        total_fen: (inpatient ? 120_000 : 400) + (n * 7919) % 9_000, inscope_fen: inpatient ? 100_000 : 200,
      }))
    }
  }
  return out
}

/** A deterministic shuffle (mulberry32): each writer sends the load in its own order. */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  let s = seed >>> 0
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const a = xs.slice()
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[a[i], a[j]] = [a[j] as T, a[i] as T]
  }
  return a
}
