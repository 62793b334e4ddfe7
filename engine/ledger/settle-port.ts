// Settling over the Promise-returning ledger port (port.ts), whichever the backend: the HTTP service's paths (real-time
// settlement through a committer, pre-settlement, reversal, POST /v1/batches) and the PostgreSQL command lines. The
// rounds of settle-rounds.ts, the same settle.ts runs synchronously inside one SQLite thread, answered over the port:
//
//   settleBatch    many claims: one read per person, every record of a round committed in ONE transaction, the stale
//                  ones again after a random pause
//   settleClaim    settleBatch of one claim
//   presettleClaim 2303: computed against the person's committed history, nothing recorded
//   reverseClaim   2305: `{ setl_id, msgid }` → the port's reverse
//
// On PostgreSQL a commit takes the row locks of its persons in psn_no order (postgres/commit.ts), so concurrent
// processes never deadlock on a batch and never serialise on anything but a shared person.
import { isObject } from '../claim.js'
import { EMPTY_HISTORY } from '../history.js'
import { rejectionToResult } from '../result.js'
import type { AdjudicationResult } from '../result.js'
import { claimIds, claimScope, compute, type DecideEnv } from './decide.js'
import { bodyHash } from './hash.js'
import { answerOf } from './outcome.js'
import type { CommitOutcome } from './outcome.js'
import type { LedgerPort, PreparedRecord } from './port.js'
import { reversalFields } from './settle.js'
import { settleRounds, type SettleReply, type SettleRequest, type SettleRounds } from './settle-rounds.js'

/**
 * After a stale round, wait a random 0 … 2^attempt ms (at most 64): writers of one person in several processes that
 * keep reading the same version and losing the commit to each other (optimistic concurrency's livelock) spread out.
 */
function staleBackoff(attempt: number): Promise<undefined> {
  const ms = Math.random() * Math.min(64, 2 ** attempt)
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms))
}

/** One claim settled and recorded (or rejected, or answered from its msgid). A storage fault rejects the promise. */
export async function settleClaim(body: unknown, ledger: LedgerPort, env: DecideEnv): Promise<AdjudicationResult> {
  return (await settleBatch([body], ledger, env))[0]!
}

/** Many claims, answered in order, committed in one transaction per round (settle-rounds.ts over the port). */
export function settleBatch(bodies: readonly unknown[], ledger: LedgerPort, env: DecideEnv): Promise<AdjudicationResult[]> {
  const claims = bodies.map((b) => ({ body: b, hash: isObject(b) ? bodyHash(b) : null }))
  return driveRounds(settleRounds(claims, env), ledger, (records) => ledger.commit(records))
}

/**
 * Answer the rounds' requests over the port: reads in parallel, `commit` for a round's records (the port's own, or
 * the real-time path's committer: server/writer-commit.ts), a random pause after a stale round.
 */
export async function driveRounds(rounds: SettleRounds, ledger: LedgerPort, commit: (records: readonly PreparedRecord[]) => Promise<readonly CommitOutcome[]>): Promise<AdjudicationResult[]> {
  for (let step = rounds.next(undefined); ; ) {
    if (step.done === true) return step.value
    const req = step.value
    step = rounds.next(req.kind === 'read' ? await readRound(req, ledger)
      : req.kind === 'commit' ? await commit(req.records) : await staleBackoff(req.attempt))
  }
}

/** A round's reads, every person's and msgid's in parallel (a PostgreSQL pool's connections). */
async function readRound(req: Extract<SettleRequest, { kind: 'read' }>, ledger: LedgerPort): Promise<SettleReply> {
  const [histories, priors] = await Promise.all([
    Promise.all(req.persons.map((p) => ledger.readHistory(p.psnNo, p.msgid, p.scope))),
    Promise.all(req.msgids.map((m) => ledger.answerOfMsgid(m))),
  ])
  return { histories, priors }
}

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
