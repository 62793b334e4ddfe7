// The writes of the SQLite ledger: commit of prepared records (msgid check, person-version check, visit check, then
// the row, its line set and the accumulators) and reversal (the stored settlement negated by codec.ts). Every record
// is one savepoint inside the caller's transaction: a bug in one is that record's 'failed'; a storage fault throws
// and takes the whole transaction with it (nothing of it is written).
import { strict as assert } from 'node:assert'
import type { Database as Db } from 'better-sqlite3'
import Database from 'better-sqlite3'
import { reason } from '../../reasons.js'
import { COL, negateSettlement, setlIdOf, type PreparedRecord, type Row } from '../codec.js'
import { priorOutcome, type CommitOutcome } from '../outcome.js'
import type { ReversalRequest } from '../port.js'
import { answerOfMsgid } from './history.js'
import type { Statements } from './statements.js'
import { withSetlId } from '../codec.js'
import { appendVisitorRow, regionOfSettlement } from './cross-region.js'

export interface WriteContext {
  readonly db: Db
  readonly st: Statements
  readonly now: () => Date
}

/** Runs fn in a write transaction (BEGIN IMMEDIATE), or as a savepoint of the open one. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  const tx = db.transaction(fn)
  return db.inTransaction ? tx() : tx.immediate()
}

/** A person's appends in this commit so far (a record that absorbed k earlier ones needs exactly those k appended). */
interface Chain { readonly version: number; appended: number; lastSeq: number }

/** Commit records in one transaction (or inside the caller's open one), in order; one outcome each. */
export function commitRecords(w: WriteContext, records: readonly PreparedRecord[]): CommitOutcome[] {
  return inTransaction(w.db, () => {
    const chains = new Map<string, Chain>()
    // each record a savepoint of this transaction, through one wrapper made here: building better-sqlite3's wrapper
    // cost more than the SAVEPOINT and RELEASE it runs (bench/README.md "a savepoint wrapper per commit")
    const one = w.db.transaction((r: PreparedRecord) => commitOne(w, r, chains))
    return records.map((r) => {
      try {
        return one(r)
      } catch (e) {
        if (e instanceof Database.SqliteError) throw e
        return { status: 'failed', message: (e as Error).message } satisfies CommitOutcome
      }
    })
  })
}

function commitOne(w: WriteContext, p: PreparedRecord, chains: Map<string, Chain>): CommitOutcome {
  if (p.bodyHash === '' || (!p.msgidOnly && p.row[COL.body_hash] !== p.bodyHash)) assert.fail(`settlement ${p.msgid}: a record is committed with its body hash`)
  const prior = p.msgid === '' ? undefined : answerOfMsgid(w.st, p.msgid)
  if (prior !== undefined) return priorOutcome(prior, p.msgid, p.bodyHash)
  if (p.msgidOnly) return { status: 'stale' } // the earlier claim with this msgid was not appended: decide again
  const version = w.st.personVersion.get(p.psnNo) as number
  const chain = chains.get(p.psnNo)
  const current = p.absorbed === 0
    ? version === p.version
    : chain !== undefined && chain.version === p.version && chain.appended === p.absorbed && chain.lastSeq === version
  if (!current) return { status: 'stale' }
  const live = w.st.liveMdtrt.get(p.psnNo, p.mdtrtId) as string | undefined
  if (live !== undefined) {
    return { status: 'rejected', reasons: [reason('E_MDTRT_SETTLED', 'mdtrt_id', `mdtrt_id ${p.mdtrtId} is settled as ${live}: reverse it first`)] }
  }
  const seq = nextSeq(w)
  const setlId = setlIdOf(seq)
  const row = p.row.slice()
  row[COL.seq] = seq
  row[COL.setl_id] = setlId
  row[COL.recorded_at] = w.now().toISOString()
  row[COL.result_json] = withSetlId(p.headJson, setlId)
  w.st.insertSettlement.run(row)
  w.st.insertLineSet.run(setlId, p.linesJson)
  // a visitor's delta goes to the accumulators of their insuring region (SPEC §13)
  if (p.insuplcAdmdvs !== undefined) appendVisitorRow(w.db, setlId, p.insuplcAdmdvs, p.psnNo, p.year, p.accum)
  else w.st.addAccum.run({ psn_no: p.psnNo, year: p.year, ...p.accum })
  if (chain === undefined) chains.set(p.psnNo, { version: p.version, appended: 1, lastSeq: seq })
  else { chain.appended++; chain.lastSeq = seq }
  return { status: 'settled', setlId }
}

/** Reverse a live settlement in one transaction (or a savepoint of the open one). */
export function reverseSettlement(w: WriteContext, req: ReversalRequest): CommitOutcome {
  return inTransaction(w.db, (): CommitOutcome => {
    const prior = answerOfMsgid(w.st, req.msgid)
    if (prior !== undefined) return priorOutcome(prior, req.msgid, req.bodyHash)
    const orig = w.st.bySetlId.get(req.setlId) as Row | undefined
    if (orig === undefined) return { status: 'rejected', reasons: [reason('E_UNKNOWN_SETTLEMENT', 'setl_id')] }
    if (orig['kind'] === 'reversal') return { status: 'rejected', reasons: [reason('E_NOT_REVERSIBLE', 'setl_id')] }
    const by = w.st.reversalOf.get(req.setlId) as string | undefined
    if (by !== undefined) {
      return { status: 'rejected', reasons: [reason('E_ALREADY_REVERSED', 'setl_id', `the settlement was already reversed by ${by}`)] }
    }
    const rev = negateSettlement({ row: orig, linesJson: w.st.linesOf.get(req.setlId) as string | undefined }, {
      msgid: req.msgid, bodyHash: req.bodyHash, seq: nextSeq(w), recordedAt: w.now().toISOString(),
    })
    const setlId = rev.row[COL.setl_id] as string
    w.st.insertSettlement.run(rev.row)
    if (rev.linesJson !== undefined) w.st.insertLineSet.run(setlId, rev.linesJson)
    const region = regionOfSettlement(w.db, req.setlId)
    if (region !== undefined) appendVisitorRow(w.db, setlId, region, String(orig['psn_no']), orig['year'], rev.accum)
    else w.st.addAccum.run({ psn_no: String(orig['psn_no']), year: orig['year'], ...rev.accum })
    return { status: 'settled', setlId, result: rev.answer }
  })
}

function nextSeq(w: WriteContext): number {
  return (w.st.maxSeq.get() as number) + 1
}

