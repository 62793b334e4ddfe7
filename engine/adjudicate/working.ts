// The working state of one claim while the rules run (SPEC §3 steps 2–8). validate.ts builds it from the body; each
// rule in pipeline.ts reads what the earlier rules left and writes its own part; index.ts turns it into a Settlement.
// Everything is integer fen. The state never leaves adjudicate(): the Settlement is built from it, immutable.
import type { Claim } from '../claim.js'
import type { PersonYear } from '../history.js'
import type { Policy } from '../policy/types.js'
import type { Reason } from '../reasons.js'
import type { LineResultFen, SetlDetailFen, SetlInfoFen } from '../result.js'
import type { Hospital, Person } from '../tables/types.js'
import type { AdjudicationContext } from './types.js'

/** The admission this stay counts as (医共体 单次住院: a merged stay keeps its episode's). */
export interface Episode {
  /** mdtrt_id of the episode's first stay (this stay's own when not merged). */
  readonly id: string
  /** The episode's nth inpatient admission of the year. */
  readonly n: number
  /** Deductible already charged in the episode before this stay. */
  readonly priorDedcFen: number
  readonly merged: boolean
}

export interface Working {
  readonly claim: Claim
  readonly ctx: AdjudicationContext
  readonly hospital: Hospital
  readonly person: Person
  /** The policy the claim settles under (a visitor's: visitor.ts). */
  readonly policy: Policy
  /** The person's accumulators of the claim's year (enddate), before this claim (a visitor's: of the insuring region). */
  readonly year: PersonYear

  // step 2, catalogue
  lines: LineResultFen[]
  medfeeFen: number
  fulamtFen: number
  overlmtFen: number
  preselfpayFen: number
  inscpFen: number

  // step 3, deductible and alliance (outpatient: the year's outpatient deductible)
  episode: Episode | null
  actPayDedcFen: number

  // steps 4–7
  hifpFen: number
  /** What this claim adds to the year's serious-illness base (in scope, not paid by the basic fund). */
  seriousBaseAddFen: number
  seriousFen: number
  mafFen: number
  acctFen: number

  // step 8
  setlinfo: SetlInfoFen | null
  setldetail: SetlDetailFen[]
}

/** A rule: reads and writes the working state; returns reasons only when the claim cannot be settled. */
export type Rule = (w: Working) => readonly Reason[] | undefined

/** `policy`: the one the claim settles under (visitor.ts: a visitor's mixes in the insuring region's); ctx.policy by default. */
export function startWorking(claim: Claim, ctx: AdjudicationContext, hospital: Hospital, person: Person, policy: Policy = ctx.policy): Working {
  return {
    // a visitor's accumulators are kept per insuring region (SPEC §13)
    claim, ctx, policy, hospital, person, year: ctx.history.personYear(claim.psnNo, claim.year, person.insuplcAdmdvs ?? null),
    lines: [], medfeeFen: 0, fulamtFen: 0, overlmtFen: 0, preselfpayFen: 0, inscpFen: 0,
    episode: null, actPayDedcFen: 0,
    hifpFen: 0, seriousBaseAddFen: 0, seriousFen: 0, mafFen: 0, acctFen: 0,
    setlinfo: null, setldetail: [],
  }
}

/** An impossible state is a bug, not a reason: stop loudly. */
export function assert(ok: boolean, what: string): asserts ok {
  if (!ok) invariantBroken(what)
}

/** Throws for a broken invariant; for hot checks written `if (!ok) invariantBroken(\`…\`)`, whose message is built only then. */
export function invariantBroken(what: string): never {
  throw new Error(`adjudicate: invariant broken: ${what}`)
}

/** Hospital level as the policy's key ("1" | "2" | "3"). */
export function levelKey(level: 1 | 2 | 3): '1' | '2' | '3' {
  return level === 1 ? '1' : level === 2 ? '2' : '3'
}
