// The one settlement core of a batch of claims, without I/O: read → decide (decide.ts) → commit → (stale: again).
// It is a generator that asks for what it needs — the round's reads, its commit, a pause after a stale round — so the
// SQLite thread's synchronous loop (settle.ts) and the Promise port's (settle-port.ts) run the SAME rounds, each
// answering the requests with its own ledger calls.
//
// A round reads each person once, over the union of the scopes of their claims in the round, with the msgid of the
// person's first claim (one statement on PostgreSQL); later claims of the person look their msgid up alone and absorb
// the earlier ones (decide.ts). Every record of the round is committed at once (one transaction); the claims whose
// commit answered 'stale' (another writer moved their person) form the next round, at most MAX_STALE_RETRIES more.
import { isObject } from '../claim.js'
import { HistorySnapshot, unionScope, type HistoryScope } from '../history.js'
import type { AdjudicationResult } from '../result.js'
import { claimIds, claimScope, decide, failedAnswer, type DecideEnv, type Decision } from './decide.js'
import { answerOf, type CommitOutcome, type PriorAnswer } from './outcome.js'
import type { ClaimHistory, PreparedRecord } from './port.js'

/** Decisions of a claim that a commit answered 'stale' this many times give up with E_FAILED (its person keeps moving). */
export const MAX_STALE_RETRIES = 8

export interface ClaimToSettle { readonly body: unknown; readonly hash: string | null }

/** One person's read of a round: their snapshot over `scope`, and the first answer of `msgid` (when not ''). */
export interface PersonRead { readonly psnNo: string; readonly msgid: string; readonly scope: HistoryScope }

/** What the rounds ask of the ledger; the driver answers each with the reply of the same kind. */
export type SettleRequest =
  | { readonly kind: 'read'; readonly persons: readonly PersonRead[]; readonly msgids: readonly string[] }
  | { readonly kind: 'commit'; readonly records: readonly PreparedRecord[] }
  | { readonly kind: 'backoff'; readonly attempt: number }

/** 'read': the persons' histories and the msgids' first answers, in the request's order; 'commit': one outcome a record. */
export type SettleReply =
  | { readonly histories: readonly ClaimHistory[]; readonly priors: readonly (PriorAnswer | undefined)[] }
  | readonly CommitOutcome[]
  | undefined

export type SettleRounds = Generator<SettleRequest, AdjudicationResult[], SettleReply>

/** Settle claims: their answers in input order. */
export function* settleRounds(claims: readonly ClaimToSettle[], env: DecideEnv): SettleRounds {
  const answers: (AdjudicationResult | undefined)[] = new Array(claims.length)
  let todo = claims.map((_, i) => i)
  for (let attempt = 0; todo.length > 0; attempt++) {
    if (attempt > MAX_STALE_RETRIES) {
      for (const i of todo) answers[i] = failedAnswer(claimIds(claims[i]!.body).msgid, new Error(`its person kept changing under ${attempt} attempts`))
      break
    }
    if (attempt > 0) yield { kind: 'backoff', attempt: attempt - 1 }
    const round = todo.map((i) => claims[i]!)
    const plan = readPlan(round, env)
    const read = (yield plan.request) as Extract<SettleReply, { histories: unknown }>
    const decisions = decideRound(round, plan, read, env)
    const records = decisions.flatMap((d) => (d.kind === 'record' ? [d.record] : []))
    const outcomes = records.length > 0 ? (yield { kind: 'commit', records }) as readonly CommitOutcome[] : []
    const stale: number[] = []
    let k = 0
    decisions.forEach((d, j) => {
      const i = todo[j]!
      if (d.kind === 'answer') { answers[i] = d.result; return }
      const o = outcomes[k++]
      if (o === undefined) throw new Error('commit answered fewer outcomes than records')
      if (o.status === 'stale') stale.push(i)
      else answers[i] = answerOf(o, d.record.msgid, d.result)
    })
    todo = stale
  }
  return answers as AdjudicationResult[]
}

/** Who reads what: each claim's person (its first claim's msgid goes with the read), or its msgid looked up alone. */
interface ReadPlan {
  readonly request: Extract<SettleRequest, { kind: 'read' }>
  /** Per claim: the index of its person's read (-1: not an object), and where its msgid's first answer comes from. */
  readonly personOf: readonly number[]
  readonly priorOf: readonly number[]
}

/** priorOf: the person's read carried the claim's msgid; else the index of its lookup, or NO_PRIOR (msgid ''). */
const WITH_READ = -2
const NO_PRIOR = -1

function readPlan(round: readonly ClaimToSettle[], env: DecideEnv): ReadPlan {
  const persons: { psnNo: string; msgid: string; scope: HistoryScope }[] = []
  const msgids: string[] = []
  const indexOf = new Map<string, number>()
  const personOf: number[] = []
  const priorOf: number[] = []
  for (const c of round) {
    if (!isObject(c.body)) { personOf.push(-1); priorOf.push(NO_PRIOR); continue }
    const { msgid, psnNo } = claimIds(c.body)
    const scope = claimScope(c.body, env.policy)
    const p = indexOf.get(psnNo)
    if (p === undefined) {
      indexOf.set(psnNo, persons.length)
      personOf.push(persons.length)
      priorOf.push(WITH_READ)
      persons.push({ psnNo, msgid, scope })
      continue
    }
    persons[p]!.scope = unionScope(persons[p]!.scope, scope)
    personOf.push(p)
    priorOf.push(msgid === '' ? NO_PRIOR : msgids.push(msgid) - 1)
  }
  return { request: { kind: 'read', persons, msgids }, personOf, priorOf }
}

/** Each claim decided against its person's snapshot (a later claim of the person absorbs the earlier ones). */
function decideRound(round: readonly ClaimToSettle[], plan: ReadPlan, read: Extract<SettleReply, { histories: unknown }>, env: DecideEnv): Decision[] {
  return round.map((c, j) => {
    const p = plan.personOf[j]!
    // decide() answers a non-object body (E_BAD_JSON) before looking at the history
    if (p < 0) return decide(c, EMPTY_SNAPSHOT, undefined, env)
    const h = read.histories[p]!
    const q = plan.priorOf[j]!
    return decide(c, h.history, q === WITH_READ ? h.prior : q === NO_PRIOR ? undefined : read.priors[q], env)
  })
}

const EMPTY_SNAPSHOT = new HistorySnapshot({ psnNo: '', version: 0, years: new Map(), stays: [] })
