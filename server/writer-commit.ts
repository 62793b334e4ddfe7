// The real-time path of POST /v1/settlements, one straight line (engine/ledger/README.md):
//   route → PersonQueue (one claim per person at a time, in arrival order)
//         → the ledger port's readHistory (the person's snapshot + the msgid's first answer)
//         → decide (engine/ledger/decide.ts: an answer, or a prepared record)
//         → commit: SQLite, in the ledger writer thread (engine/ledger/writer.ts: msgid, person version, append;
//           grouped with whatever else is queued into one transaction and one fsync); PostgreSQL, the port's own
//           commit (one transaction on one pooled connection, under the person's row lock: no single writer)
//         → the answer, only after its commit.
// The decide → commit → 'stale': again rounds are the batch paths' own (engine/ledger/settle-rounds.ts), for one claim.
// 'stale' (another process, or a reversal, moved this person since the read) → a random pause, read and decide again.
// A full disk: the claim is answered 503 E_STORAGE_FULL (nothing written), and the state stays 'storage full' —
// for /healthz and /metrics — until a commit succeeds again (each new claim tries: it resumes by itself).
import type { AdjudicationContext, Outcome } from '../engine/adjudicate/types.js'
import { claimIds } from '../engine/ledger/decide.js'
import { bodyHash } from '../engine/ledger/hash.js'
import type { CommitOutcome, LedgerPort, PreparedRecord } from '../engine/ledger/port.js'
import { driveRounds } from '../engine/ledger/settle-port.js'
import { settleRounds } from '../engine/ledger/settle-rounds.js'
import type { LedgerWriter } from '../engine/ledger/writer.js'
import type { Policy } from '../engine/policy/types.js'
import { reason } from '../engine/reasons.js'
import { rejectionToResult, type AdjudicationResult } from '../engine/result.js'
import type { Tables } from '../engine/tables/types.js'
import { PersonQueue } from './person-queue.js'
import { isObject } from '../engine/claim.js'

/** How the settlement route hands a claim over to be settled and recorded. */
export interface ClaimCommitter {
  /**
   * The claim's answer once it is recorded (or rejected); a storage fault rejects the promise (StorageFullError for
   * a full disk). `text`: the body's JSON as received (the ledger writer thread hashes it off the event loop).
   */
  submit(body: unknown, text?: string): Promise<AdjudicationResult>
  /** Claims submitted and not yet answered. */
  readonly pending: number
  /** Since when commits fail for a full disk (ms since the epoch), or null. */
  readonly storageFullSince: number | null
  /** Resolves once every submitted claim is answered (shutdown). */
  drain(): Promise<void>
  /** Releases what the committer holds (the writer thread), after drain; the app calls it on close. */
  close(): Promise<void>
}

/** A commit refused because the disk is full: nothing of the claim was written (HTTP 503 E_STORAGE_FULL). */
export class StorageFullError extends Error {
  constructor(readonly reason: string) {
    super(`the ledger's disk is full: ${reason}`)
    this.name = 'StorageFullError'
  }
}

/**
 * Where a decided record is committed: `commit(record, text)` answers its outcome; `hashesText` — it hashes the body
 * text itself (the SQLite writer thread), else the body is hashed here; `close` releases it after the drain.
 */
export interface RecordCommit {
  readonly commit: (record: PreparedRecord, text: string | undefined) => Promise<CommitOutcome>
  readonly hashesText: boolean
  readonly close: () => Promise<void>
}

/** The SQLite ledger writer thread: group commit, the body text hashed off the event loop. */
export function writerCommit(writer: LedgerWriter): RecordCommit {
  return { commit: (r, text) => writer.submit(r, text), hashesText: true, close: () => writer.close() }
}

/** Records of one group commit at most (a transaction holds its persons' row locks until COMMIT). */
const MAX_GROUP = 64

/**
 * The port's own commit (PostgreSQL: this process commits directly, on its own connections), grouped: at most
 * `inFlight` transactions at once; the records that arrive meanwhile go together into the next one (one BEGIN, one
 * lock statement, one COMMIT and its WAL flush for all of them). The person queue keeps one claim per person in flight,
 * so a group holds each person once; a fault of the transaction answers every record of it.
 */
export function portCommit(port: LedgerPort, inFlight: number): RecordCommit {
  const queue: { readonly record: PreparedRecord; readonly resolve: (o: CommitOutcome) => void; readonly reject: (e: unknown) => void }[] = []
  let running = 0
  const flush = (): void => {
    while (queue.length > 0 && running < inFlight) {
      const group = queue.splice(0, MAX_GROUP)
      running++
      port.commit(group.map((g) => g.record)).then(
        (outcomes) => group.forEach((g, i) => {
          const o = outcomes[i]
          if (o === undefined) g.reject(new Error(`settlement ${g.record.msgid}: the commit answered nothing`))
          else g.resolve(o)
        }),
        (e: unknown) => { for (const g of group) g.reject(e) },
      ).finally(() => {
        running--
        flush()
      })
    }
  }
  return {
    commit: (record) => new Promise<CommitOutcome>((resolve, reject) => {
      queue.push({ record, resolve, reject })
      // the claims decided in this event-loop turn go together
      if (queue.length === 1) setImmediate(flush)
    }),
    hashesText: false,
    close: async () => {},
  }
}

export interface WriterCommitterEnv {
  readonly tables: Tables
  readonly policy: Policy
  /** The reads of the path (this process's own connection behind the port). */
  readonly ledger: LedgerPort
  /** Where records are committed: writerCommit (SQLite) or portCommit (PostgreSQL). */
  readonly writer: RecordCommit
  readonly adjudicate?: (input: unknown, ctx: AdjudicationContext) => Outcome
}

export class WriterCommitter implements ClaimCommitter {
  private readonly queue = new PersonQueue()
  storageFullSince: number | null = null

  constructor(private readonly env: WriterCommitterEnv) {}

  get pending(): number {
    return this.queue.pending
  }

  async submit(body: unknown, text?: string): Promise<AdjudicationResult> {
    if (!isObject(body)) return rejectionToResult('', [reason('E_BAD_JSON', '')])
    const { psnNo } = claimIds(body)
    return this.queue.run(psnNo, () => this.settle(body, text))
  }

  /** Resolves when no claim is in flight. */
  drain(): Promise<void> {
    return this.queue.drain()
  }

  /** Closes the ledger writer thread, if any (after what it holds is committed). */
  close(): Promise<void> {
    return this.env.writer.close()
  }

  /**
   * `text` given: the writer thread hashes it (the body hash is ~45 µs of the event loop's time per claim). That hash
   * equals bodyHash(body) only while validation leaves the body as parsed: a `default` in the Claim schema (Ajv fills
   * defaults in) would make every replay a 409 — the idempotency tests in test/server/ledger-writer.test.ts catch it.
   */
  private async settle(body: Record<string, unknown>, text: string | undefined): Promise<AdjudicationResult> {
    const claim = { body, hash: text === undefined || !this.env.writer.hashesText ? bodyHash(body) : null }
    const [answer] = await driveRounds(settleRounds([claim], this.env), this.env.ledger, async ([record]) => {
      if (record === undefined) throw new Error('a round of one claim commits one record')
      const o = await this.env.writer.commit(record, claim.hash === null ? text : undefined)
      if (o.status === 'failed' && o.storageFull === true) {
        this.storageFullSince ??= Date.now()
        throw new StorageFullError(o.message)
      }
      if (o.status !== 'failed') this.storageFullSince = null
      return [o]
    })
    if (answer === undefined) throw new Error('the rounds answered nothing')
    return answer
  }
}
