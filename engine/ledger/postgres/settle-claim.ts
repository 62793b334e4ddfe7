// Settle one claim body over the Promise-returning ledger port (port.ts) — the flow the PostgreSQL ledger needs and
// that settle.ts runs synchronously for SQLite: read the person's snapshot and the msgid's first answer, decide
// (decide.ts: the first answer, a rejection, or a prepared record), commit; 'stale' (another process settled or
// reversed a claim of this person since the read) reads and decides again, up to MAX_STALE_RETRIES times.
//
// MERGE NOTE: when settle.ts grows its own flow over LedgerPort (the HTTP route on PostgreSQL needs one), use that
// and delete this file.
import type { AdjudicationResult } from '../../result.js'
import { isObject } from '../../claim.js'
import { claimIds, decide, failedAnswer } from '../decide.js'
import type { DecideEnv } from '../decide.js'
import { bodyHash } from '../hash.js'
import { answerOf } from '../outcome.js'
import type { LedgerPort } from '../port.js'
import { MAX_STALE_RETRIES } from '../settle.js'

export async function settleClaim(body: unknown, ledger: LedgerPort, env: DecideEnv): Promise<AdjudicationResult> {
  const { msgid, psnNo } = claimIds(body)
  const hash = isObject(body) ? bodyHash(body) : null
  for (let attempt = 0; attempt <= MAX_STALE_RETRIES; attempt++) {
    const { history, prior } = await ledger.readHistory(psnNo, msgid)
    const d = decide({ body, hash }, history, prior, env)
    if (d.kind === 'answer') return d.result
    const [o] = await ledger.commit([d.record])
    if (o === undefined) throw new Error(`settlement ${msgid}: the commit answered nothing`)
    if (o.status !== 'stale') return answerOf(o, msgid, d.result)
  }
  return failedAnswer(msgid, new Error(`the person's history kept changing (${MAX_STALE_RETRIES + 1} reads)`))
}
