// Real-time settlements with the ledger writer thread (engine/ledger/writer.ts): the event loop adjudicates, the
// writer thread appends and commits. A claim's way:
//   1. wait for the person's previous claim still in flight (one claim per person at a time, in arrival order);
//   2. against the committed ledger: msgid seen? → the first answer (same body) or E_MSGID_CONFLICT;
//      else the person's history version, and the adjudication against that history;
//   3. the prepared row goes to the writer thread, which checks the msgid and the version again inside its
//      transaction (another process, or a reversal, may have written this person meanwhile: 'stale' → back to 2),
//      appends, commits together with whatever else was queued, and answers;
//   4. the answer leaves only after its commit.
// While one group of claims is being committed, the event loop parses and adjudicates the next ones; in
// GroupCommitter (group-commit.ts) the loop waited for every fsync.
import type { AdjudicationContext, Outcome } from '../engine/adjudicate/types.js'
import { bodyHash, faultAnswer } from '../engine/ledger/settle.js'
import type { SqliteLedger } from '../engine/ledger/sqlite.js'
import { MAX_STALE_RETRIES, readForAppend, writtenAnswer, type LedgerWriter } from '../engine/ledger/writer.js'
import type { Policy } from '../engine/policy/types.js'
import { reason } from '../engine/reasons.js'
import { rejectionToResult, type AdjudicationResult } from '../engine/result.js'
import type { Tables } from '../engine/tables/types.js'
import type { ClaimCommitter } from './group-commit.js'
import { PersonQueue } from './person-queue.js'
import { isObject } from '../engine/claim.js'

export interface WriterCommitterEnv {
  readonly tables: Tables
  readonly policy: Policy
  /** This process's own connection: the reads of step 2 (never written through while the writer runs). */
  readonly ledger: SqliteLedger
  readonly writer: LedgerWriter
  readonly adjudicate?: (input: unknown, ctx: AdjudicationContext) => Outcome
}

export class WriterCommitter implements ClaimCommitter {
  private readonly queue = new PersonQueue()

  constructor(private readonly env: WriterCommitterEnv) {}

  get pending(): number {
    return this.queue.pending
  }

  async submit(body: unknown, text?: string): Promise<AdjudicationResult> {
    if (!isObject(body)) return rejectionToResult('', [reason('E_BAD_JSON', '')])
    const msgid = typeof body['msgid'] === 'string' ? body['msgid'] : ''
    const psnNo = typeof body['psn_no'] === 'string' ? body['psn_no'] : ''
    return this.queue.run(psnNo, () => this.settle(body, msgid, psnNo, text))
  }

  /** Resolves when no claim is in flight. */
  drain(): Promise<void> {
    return this.queue.drain()
  }

  /** Closes the ledger writer thread (after what it holds is committed). */
  close(): Promise<void> {
    return this.env.writer.close()
  }

  /**
   * `text` given: the writer thread hashes it (the body hash is ~45 µs of the event loop's time per claim). That hash
   * equals bodyHash(body) only while validation leaves the body as parsed: a `default` in the Claim schema (Ajv fills
   * defaults in) would make every replay a 409 — the idempotency tests in test/server/ledger-writer.test.ts catch it.
   */
  private async settle(body: Record<string, unknown>, msgid: string, psnNo: string, text: string | undefined): Promise<AdjudicationResult> {
    const ids = { msgid, psnNo, hash: text === undefined ? bodyHash(body) : null }
    for (let attempt = 0; attempt <= MAX_STALE_RETRIES; attempt++) {
      const read = readForAppend(body, ids, this.env)
      if (read.kind === 'answer') return read.result
      const w = await this.env.writer.submit(read.record, read.version, ids.hash === null ? text : undefined)
      if (w.status === 'appended') return { ...read.result, setl_id: w.setlId }
      if (w.status !== 'stale') return writtenAnswer(w, msgid)
    }
    return faultAnswer(msgid, new Error(`person ${psnNo} kept changing under ${MAX_STALE_RETRIES + 1} attempts`))
  }

}
