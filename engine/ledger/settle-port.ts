// Settling over the Promise-returning ledger port (port.ts), whichever the backend: the HTTP service's paths (real-time
// settlement through a committer, pre-settlement, reversal, POST /v1/batches) and the PostgreSQL command lines. The
// same decide → commit → (stale: again) loop as settle.ts runs synchronously inside one SQLite thread:
//
//   settleClaim    one claim: read its person's snapshot and its msgid's first answer, decide, commit alone
//   settleBatch    many claims: one read per person (over the union of their claims' scopes; a person's later claims
//                  absorb the earlier ones), every record committed in ONE transaction; the stale ones again
//   presettleClaim 2303: computed against the person's committed history, nothing recorded
//   reverseClaim   2305: `{ setl_id, msgid }` → the port's reverse
//
// On PostgreSQL a commit takes the row locks of its persons in psn_no order (postgres/commit.ts), so concurrent
// processes never deadlock on a batch and never serialise on anything but a shared person.
import { isObject } from '../claim.js'
import { EMPTY_HISTORY, HistorySnapshot, unionScope, type HistoryScope } from '../history.js'
import { rejectionToResult } from '../result.js'
import type { AdjudicationResult } from '../result.js'
import { claimIds, claimScope, compute, decide, failedAnswer, type DecideEnv, type Decision } from './decide.js'
import { bodyHash } from './hash.js'
import { answerOf } from './outcome.js'
import type { LedgerPort } from './port.js'
import { MAX_STALE_RETRIES, reversalFields } from './settle.js'

/**
 * After a stale round, wait a random 0 … 2^attempt ms (at most 64): writers of one person in several processes that
 * keep reading the same version and losing the commit to each other (optimistic concurrency's livelock) spread out.
 */
function staleBackoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(64, 2 ** attempt)
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** One claim settled and recorded (or rejected, or answered from its msgid). A storage fault rejects the promise. */
export async function settleClaim(body: unknown, ledger: LedgerPort, env: DecideEnv): Promise<AdjudicationResult> {
  const { msgid, psnNo } = claimIds(body)
  const hash = isObject(body) ? bodyHash(body) : null
  const scope = claimScope(body, env.policy)
  for (let attempt = 0; attempt <= MAX_STALE_RETRIES; attempt++) {
    const { history, prior } = await ledger.readHistory(psnNo, msgid, scope)
    const d = decide({ body, hash }, history, prior, env)
    if (d.kind === 'answer') return d.result
    const [o] = await ledger.commit([d.record])
    if (o === undefined) throw new Error(`settlement ${msgid}: the commit answered nothing`)
    if (o.status !== 'stale') return answerOf(o, msgid, d.result)
    await staleBackoff(attempt)
  }
  return failedAnswer(msgid, new Error(`the person's history kept changing (${MAX_STALE_RETRIES + 1} reads)`))
}

/** Many claims, answered in order, committed in one transaction per round (settle.ts settleBodies over the port). */
export async function settleBatch(bodies: readonly unknown[], ledger: LedgerPort, env: DecideEnv): Promise<AdjudicationResult[]> {
  const claims = bodies.map((b) => ({ body: b, hash: isObject(b) ? bodyHash(b) : null }))
  const answers: (AdjudicationResult | undefined)[] = new Array(claims.length)
  let todo = claims.map((_, i) => i)
  for (let attempt = 0; todo.length > 0; attempt++) {
    if (attempt > MAX_STALE_RETRIES) {
      for (const i of todo) answers[i] = failedAnswer(claimIds(bodies[i]).msgid, new Error(`its person kept changing under ${attempt} attempts`))
      break
    }
    const decisions = await decideAll(todo.map((i) => claims[i]!), ledger, env)
    const records = decisions.flatMap((d) => (d.kind === 'record' ? [d.record] : []))
    const outcomes = records.length > 0 ? await ledger.commit(records) : []
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
    if (stale.length > 0) await staleBackoff(attempt)
  }
  return answers as AdjudicationResult[]
}

/** Each claim decided against its person's snapshot, read once per person; later claims absorb the earlier ones. */
async function decideAll(claims: readonly { readonly body: unknown; readonly hash: string | null }[], ledger: LedgerPort, env: DecideEnv): Promise<Decision[]> {
  const scopes = new Map<string, HistoryScope>()
  for (const c of claims) {
    if (!isObject(c.body)) continue
    const { psnNo } = claimIds(c.body)
    const s = claimScope(c.body, env.policy)
    const had = scopes.get(psnNo)
    scopes.set(psnNo, had === undefined ? s : unionScope(had, s))
  }
  // the reads of different persons in parallel (a PostgreSQL pool's connections); decided in input order after
  const firsts = new Map<string, Promise<{ history: HistorySnapshot }>>()
  for (const c of claims) {
    if (!isObject(c.body)) continue
    const { psnNo } = claimIds(c.body)
    if (!firsts.has(psnNo)) firsts.set(psnNo, ledger.readHistory(psnNo, undefined, scopes.get(psnNo)))
  }
  const priors = await Promise.all(claims.map((c) => {
    const { msgid } = claimIds(c.body)
    return isObject(c.body) && msgid !== '' ? ledger.answerOfMsgid(msgid) : Promise.resolve(undefined)
  }))
  const snapshots = new Map<string, HistorySnapshot>()
  for (const [psnNo, read] of firsts) snapshots.set(psnNo, (await read).history)
  return claims.map((c, i) => {
    if (!isObject(c.body)) return decide(c, EMPTY_SNAPSHOT, undefined, env)
    return decide(c, snapshots.get(claimIds(c.body).psnNo)!, priors[i], env)
  })
}

/** decide() answers a non-object body (E_BAD_JSON) before looking at the history: an empty snapshot does. */
const EMPTY_SNAPSHOT = new HistorySnapshot({ psnNo: '', version: 0, years: new Map(), stays: [] })

/** 2303: the claim computed against its person's committed history; nothing recorded. */
export async function presettleClaim(body: unknown, ledger: LedgerPort, env: DecideEnv): Promise<AdjudicationResult> {
  if (!isObject(body)) return compute(body, EMPTY_HISTORY, env)
  const { history } = await ledger.readHistory(claimIds(body).psnNo, undefined, claimScope(body, env.policy))
  return compute(body, history, env)
}

/** 2305: reverse (撤销/冲正) one settlement, `{ setl_id, msgid }` (msgid: the reversal's own idempotency key). */
export async function reverseClaim(body: unknown, ledger: LedgerPort): Promise<AdjudicationResult> {
  const f = reversalFields(body)
  if ('reasons' in f) return rejectionToResult(f.msgid, f.reasons)
  return answerOf(await ledger.reverse({ setlId: f.setlId, msgid: f.msgid, bodyHash: bodyHash(body) }), f.msgid)
}
