// The writes of the PostgreSQL ledger (port.ts commit, reverse), inside one transaction on one connection.
//
// Per-person serialisation, never global: a commit locks its persons' ledger_persons rows (FOR UPDATE, in psn_no
// order) and holds them to COMMIT; commits of other persons run in parallel in other processes. Per record, as the
// SQLite ledger does (sqlite/append.ts): msgid seen → the first answer or the conflict (outcome.ts priorOutcome),
// whatever the version; the person's version moved since the decision (or the records it absorbed were not appended
// just before it in this commit) → 'stale'; the visit has a live settlement → E_MDTRT_SETTLED; else the row, its
// line set and the accumulators, and the person's version becomes the row's seq.
//
// setl_id: 'S' + the seq from settlement_seq (schema.ts): unique and increasing per person, but not gap-free.
import { strict as assert } from 'node:assert'
import type pg from 'pg'
import { reason } from '../../reasons.js'
import { COL, negateSettlement, setlIdOf, withSetlId } from '../codec.js'
import type { PreparedRecord, Row } from '../codec.js'
import { priorOutcome } from '../outcome.js'
import type { CommitOutcome, PriorAnswer } from '../outcome.js'
import type { ReversalRequest } from '../port.js'
import { ACCUM_FIELDS } from '../schema.js'
import { answerOfRow } from './read.js'
import { appendVisitorRow, regionOfSettlement } from './cross-region.js'
import {
  ADD_ACCUM_SQL, BY_MSGID_SQL, INSERT_LINES_SQL, INSERT_SETTLEMENT_SQL, LINES_OF_SQL, LIVE_MDTRT_SQL, LOCK_PERSONS_SQL,
  NEW_PERSONS_SQL, NEXT_SEQ_SQL, REVERSAL_OF_SQL, SET_VERSIONS_SQL, SETTLEMENT_ROW_SQL,
} from './statements.js'

/** A person's appends in this commit so far (a record that absorbed k earlier ones needs exactly those k appended). */
interface Chain { readonly version: number; appended: number; lastSeq: number }

/** The persons' versions as locked, and as this transaction leaves them. */
interface Locked { readonly versions: Map<string, number>; readonly changed: Set<string> }

/** Commit records in the open transaction, in order; one outcome each. */
export async function commitRecords(c: pg.ClientBase, records: readonly PreparedRecord[], now: () => Date): Promise<CommitOutcome[]> {
  const locked = await lockPersons(c, records.map((r) => r.psnNo))
  const chains = new Map<string, Chain>()
  const out: CommitOutcome[] = []
  for (const r of records) out.push(await commitOne(c, r, locked, chains, now))
  await saveVersions(c, locked)
  return out
}

async function commitOne(c: pg.ClientBase, p: PreparedRecord, locked: Locked, chains: Map<string, Chain>, now: () => Date): Promise<CommitOutcome> {
  if (p.bodyHash === '' || (!p.msgidOnly && p.row[COL.body_hash] !== p.bodyHash)) assert.fail(`settlement ${p.msgid}: a record is committed with its body hash`)
  const prior = p.msgid === '' ? undefined : await answerOfMsgid(c, p.msgid)
  if (prior !== undefined) return priorOutcome(prior, p.msgid, p.bodyHash)
  if (p.msgidOnly) return { status: 'stale' } // the earlier claim with this msgid was not appended: decide again
  const version = locked.versions.get(p.psnNo)
  assert(version !== undefined, `person ${p.psnNo} was not locked`)
  const chain = chains.get(p.psnNo)
  const current = p.absorbed === 0
    ? version === p.version
    : chain !== undefined && chain.version === p.version && chain.appended === p.absorbed && chain.lastSeq === version
  if (!current) return { status: 'stale' }
  const live = await c.query<{ setl_id: string }>({ name: 'live-mdtrt', text: LIVE_MDTRT_SQL, values: [p.psnNo, p.mdtrtId] })
  if (live.rows[0] !== undefined) {
    return { status: 'rejected', reasons: [reason('E_MDTRT_SETTLED', 'mdtrt_id', `mdtrt_id ${p.mdtrtId} is settled as ${live.rows[0].setl_id}: reverse it first`)] }
  }
  const seq = await nextSeq(c)
  const setlId = setlIdOf(seq)
  const row = p.row.slice()
  row[COL.seq] = seq
  row[COL.setl_id] = setlId
  row[COL.recorded_at] = now().toISOString()
  row[COL.result_json] = withSetlId(p.headJson, setlId)
  await c.query({ name: 'ins-settlement', text: INSERT_SETTLEMENT_SQL, values: row })
  await c.query({ name: 'ins-lines', text: INSERT_LINES_SQL, values: [setlId, p.linesJson] })
  // a visitor's delta goes to the accumulators of their insuring region (SPEC §13)
  if (p.insuplcAdmdvs !== undefined) await appendVisitorRow(c, setlId, p.insuplcAdmdvs, p.psnNo, p.year, p.accum)
  else await c.query({ name: 'add-accum', text: ADD_ACCUM_SQL, values: [p.psnNo, p.year, ...ACCUM_FIELDS.map((f) => p.accum[f])] })
  locked.versions.set(p.psnNo, seq)
  locked.changed.add(p.psnNo)
  if (chain === undefined) chains.set(p.psnNo, { version: p.version, appended: 1, lastSeq: seq })
  else { chain.appended++; chain.lastSeq = seq }
  return { status: 'settled', setlId }
}

/** Reverse a live settlement in the open transaction: codec.ts negateSettlement appended under the person's lock. */
export async function reverseSettlement(c: pg.ClientBase, req: ReversalRequest, now: () => Date): Promise<CommitOutcome> {
  const found = await c.query<Row>({ name: 'settlement-row', text: SETTLEMENT_ROW_SQL, values: [req.setlId] })
  const orig = found.rows[0]
  const locked = orig === undefined ? undefined : await lockPersons(c, [String(orig['psn_no'])])
  const prior = await answerOfMsgid(c, req.msgid)
  if (prior !== undefined) return priorOutcome(prior, req.msgid, req.bodyHash)
  if (orig === undefined || locked === undefined) return { status: 'rejected', reasons: [reason('E_UNKNOWN_SETTLEMENT', 'setl_id')] }
  if (orig['kind'] === 'reversal') return { status: 'rejected', reasons: [reason('E_NOT_REVERSIBLE', 'setl_id')] }
  const by = await c.query<{ setl_id: string }>({ name: 'reversal-of', text: REVERSAL_OF_SQL, values: [req.setlId] })
  if (by.rows[0] !== undefined) {
    return { status: 'rejected', reasons: [reason('E_ALREADY_REVERSED', 'setl_id', `the settlement was already reversed by ${by.rows[0].setl_id}`)] }
  }
  const lines = await c.query<{ lines: string }>({ name: 'lines-of', text: LINES_OF_SQL, values: [req.setlId] })
  const seq = await nextSeq(c)
  const rev = negateSettlement({ row: orig, linesJson: lines.rows[0]?.lines }, {
    msgid: req.msgid, bodyHash: req.bodyHash, seq, recordedAt: now().toISOString(),
  })
  const setlId = rev.row[COL.setl_id] as string
  const psnNo = String(orig['psn_no'])
  await c.query({ name: 'ins-settlement', text: INSERT_SETTLEMENT_SQL, values: rev.row })
  if (rev.linesJson !== undefined) await c.query({ name: 'ins-lines', text: INSERT_LINES_SQL, values: [setlId, rev.linesJson] })
  const region = await regionOfSettlement(c, req.setlId)
  if (region !== undefined) await appendVisitorRow(c, setlId, region, psnNo, orig['year'], rev.accum)
  else await c.query({ name: 'add-accum', text: ADD_ACCUM_SQL, values: [psnNo, orig['year'], ...ACCUM_FIELDS.map((f) => rev.accum[f])] })
  locked.versions.set(psnNo, seq)
  locked.changed.add(psnNo)
  await saveVersions(c, locked)
  return { status: 'settled', setlId, result: rev.answer }
}

/** Create (at version 0) and lock the persons' rows, in psn_no order; their versions as locked. */
async function lockPersons(c: pg.ClientBase, psnNos: readonly string[]): Promise<Locked> {
  const persons = [...new Set(psnNos)].sort()
  await c.query({ name: 'new-persons', text: NEW_PERSONS_SQL, values: [persons] })
  const r = await c.query<{ psn_no: string; version: number }>({ name: 'lock-persons', text: LOCK_PERSONS_SQL, values: [persons] })
  assert(r.rows.length === persons.length, `locked ${r.rows.length} of ${persons.length} persons`)
  return { versions: new Map(r.rows.map((x) => [x.psn_no, x.version])), changed: new Set() }
}

async function saveVersions(c: pg.ClientBase, locked: Locked): Promise<void> {
  if (locked.changed.size === 0) return
  const persons = [...locked.changed]
  await c.query({ name: 'set-versions', text: SET_VERSIONS_SQL, values: [persons, persons.map((p) => locked.versions.get(p))] })
}

async function nextSeq(c: pg.ClientBase): Promise<number> {
  const r = await c.query<{ seq: number }>({ name: 'seq', text: NEXT_SEQ_SQL })
  return r.rows[0]!.seq
}

export async function answerOfMsgid(q: pg.ClientBase | pg.Pool, msgid: string): Promise<PriorAnswer | undefined> {
  const r = await q.query<{ body_hash: string; result_json: string; lines: string | null }>({ name: 'by-msgid', text: BY_MSGID_SQL, values: [msgid] })
  const row = r.rows[0]
  return row === undefined ? undefined : { bodyHash: row.body_hash, result: answerOfRow(row.result_json, row.lines) }
}
