// The writes of the PostgreSQL ledger (port.ts commit, reverse): each ONE call of the commit function
// (commit-function.ts, migration 6), a transaction of its own on one pooled connection — one round trip.
//
// Per-person serialisation, never global: the function locks its persons' ledger_persons rows (FOR UPDATE, in psn_no
// order) and holds them to its COMMIT; commits of other persons run in parallel in other processes. Per record, as the
// SQLite ledger does (sqlite/append.ts): msgid seen → the first answer or the conflict (outcome.ts priorOutcome, here:
// the function returns the stored hash and answer), whatever the version; the person's version moved since the
// decision (or the records it absorbed were not appended just before it in this commit) → 'stale'; the visit has a
// live settlement → E_MDTRT_SETTLED; else the row, its line set and the accumulators, and the person's version
// becomes the row's seq.
//
// A reversal is two round trips: the original's row, line set and region read first (immutable once written), so
// that codec.ts negateSettlement — the one negation — runs here; then the function appends it under the person's
// lock, checking the msgid and that no other reversal came first.
//
// setl_id: 'S' + the seq from settlement_seq (schema.ts): unique and increasing per person, but not gap-free.
import { strict as assert } from 'node:assert'
import type pg from 'pg'
import { reason } from '../../reasons.js'
import { COL, negateSettlement, SETTLEMENT_COLUMNS } from '../codec.js'
import type { PreparedRecord, Row } from '../codec.js'
import { priorOutcome } from '../outcome.js'
import type { CommitOutcome, PriorAnswer } from '../outcome.js'
import type { ReversalRequest } from '../port.js'
import type { PersonYear } from '../../history.js'
import { answerOfRow } from './read.js'
import { COMMIT_SQL } from './commit-function.js'
import { BY_MSGID_SQL, REVERSAL_READ_SQL } from './statements.js'

/** One record as the commit function reads it (commit-function.ts). */
interface CommitArgument {
  readonly psn: string
  readonly msgid: string
  readonly only?: true
  readonly version?: number
  readonly absorbed?: number
  readonly mdtrt?: string
  readonly reverses?: string
  readonly row?: Row
  readonly lines?: string | null
  readonly accum?: PersonYear
  readonly region?: string
}

/** One row the commit function returns per record. */
interface OutcomeRow {
  readonly outcome: 'prior' | 'reversed' | 'stale' | 'visit_settled' | 'settled'
  readonly setl: string | null
  readonly prior_hash: string | null
  readonly prior_json: string | null
  readonly prior_lines: string | null
}

/** Commit records in one statement (its own transaction), in order; one outcome each. */
export async function commitRecords(c: pg.ClientBase, records: readonly PreparedRecord[], now: () => Date): Promise<CommitOutcome[]> {
  for (const p of records) {
    if (p.bodyHash === '' || (!p.msgidOnly && p.row[COL.body_hash] !== p.bodyHash)) assert.fail(`settlement ${p.msgid}: a record is committed with its body hash`)
  }
  const rows = await callCommit(c, records.map((p) => commitArgument(p, now)))
  return rows.map((o, i) => {
    const p = records[i]!
    switch (o.outcome) {
      case 'prior': return priorOutcome(priorOf(o), p.msgid, p.bodyHash)
      case 'stale': return { status: 'stale' }
      case 'visit_settled':
        return { status: 'rejected', reasons: [reason('E_MDTRT_SETTLED', 'mdtrt_id', `mdtrt_id ${p.mdtrtId} is settled as ${o.setl}: reverse it first`)] }
      case 'settled': return { status: 'settled', setlId: setlOf(o) }
      default: return assert.fail(`commit of ${p.msgid}: outcome ${o.outcome}`)
    }
  })
}

function commitArgument(p: PreparedRecord, now: () => Date): CommitArgument {
  if (p.msgidOnly) return { psn: p.psnNo, msgid: p.msgid, only: true }
  const row = p.row.slice()
  row[COL.recorded_at] = now().toISOString()
  row[COL.result_json] = p.headJson
  return {
    psn: p.psnNo, msgid: p.msgid, version: p.version, absorbed: p.absorbed, mdtrt: p.mdtrtId, row: rowObject(row),
    lines: p.linesJson, accum: p.accum, ...(p.insuplcAdmdvs !== undefined ? { region: p.insuplcAdmdvs } : {}),
  }
}

/**
 * Reverse a live settlement: the original read (with the msgid's first answer and the reversal that names it, if
 * any), negated (codec.ts), then appended by the commit function under the person's lock, which checks the msgid and
 * the reversal again.
 */
export async function reverseSettlement(c: pg.ClientBase, req: ReversalRequest, now: () => Date): Promise<CommitOutcome> {
  const found = await c.query<ReversalRead>({ name: 'reversal-read', text: REVERSAL_READ_SQL, values: [req.setlId, req.msgid] })
  const { prior_hash, prior_json, prior_lines, orig_lines, orig_region, reversed_by, ...orig } = found.rows[0]!
  if (prior_hash !== null) return priorOutcome(priorOf({ prior_hash, prior_json, prior_lines }), req.msgid, req.bodyHash)
  if (orig['setl_id'] === null) return { status: 'rejected', reasons: [reason('E_UNKNOWN_SETTLEMENT', 'setl_id')] }
  if (orig['kind'] === 'reversal') return { status: 'rejected', reasons: [reason('E_NOT_REVERSIBLE', 'setl_id')] }
  if (reversed_by !== null) return alreadyReversed(reversed_by)
  const rev = negateSettlement({ row: orig, linesJson: orig_lines ?? undefined }, {
    msgid: req.msgid, bodyHash: req.bodyHash, seq: null, recordedAt: now().toISOString(),
  })
  const [o] = await callCommit(c, [{
    psn: String(orig['psn_no']), msgid: req.msgid, reverses: req.setlId, row: rowObject(rev.row), lines: rev.linesJson ?? null,
    accum: rev.accum, ...(orig_region !== null ? { region: orig_region } : {}),
  }])
  switch (o!.outcome) {
    case 'prior': return priorOutcome(priorOf(o!), req.msgid, req.bodyHash)
    case 'reversed': return alreadyReversed(setlOf(o!))
    case 'settled': return { status: 'settled', setlId: setlOf(o!), result: { ...rev.answer, setl_id: setlOf(o!) } }
    default: return assert.fail(`reversal ${req.msgid}: outcome ${o!.outcome}`)
  }
}

type ReversalRead = Row & {
  readonly prior_hash: string | null; readonly prior_json: string | null; readonly prior_lines: string | null
  readonly orig_lines: string | null; readonly orig_region: string | null; readonly reversed_by: string | null
}

function alreadyReversed(by: string): CommitOutcome {
  return { status: 'rejected', reasons: [reason('E_ALREADY_REVERSED', 'setl_id', `the settlement was already reversed by ${by}`)] }
}

async function callCommit(c: pg.ClientBase, args: readonly CommitArgument[]): Promise<OutcomeRow[]> {
  const r = await c.query<OutcomeRow>({ name: 'commit', text: COMMIT_SQL, values: [JSON.stringify(args)] })
  assert(r.rows.length === args.length, `the commit answered ${r.rows.length} outcomes for ${args.length} records`)
  return r.rows
}

/** A row's values by column name (SETTLEMENT_COLUMNS, the codec's one description of a row). */
function rowObject(row: readonly (string | number | null)[]): Row {
  const out: Row = {}
  SETTLEMENT_COLUMNS.forEach((c, i) => { out[c] = row[i] ?? null })
  return out
}

function priorOf(o: Pick<OutcomeRow, 'prior_hash' | 'prior_json' | 'prior_lines'>): PriorAnswer {
  assert(o.prior_hash !== null && o.prior_json !== null, 'a prior answer without its hash or answer')
  return { bodyHash: o.prior_hash, result: answerOfRow(o.prior_json, o.prior_lines) }
}

function setlOf(o: OutcomeRow): string {
  assert(o.setl !== null, `outcome ${o.outcome} without its setl_id`)
  return o.setl
}

export async function answerOfMsgid(q: pg.ClientBase | pg.Pool, msgid: string): Promise<PriorAnswer | undefined> {
  const r = await q.query<{ body_hash: string; result_json: string; lines: string | null }>({ name: 'by-msgid', text: BY_MSGID_SQL, values: [msgid] })
  const row = r.rows[0]
  return row === undefined ? undefined : { bodyHash: row.body_hash, result: answerOfRow(row.result_json, row.lines) }
}
