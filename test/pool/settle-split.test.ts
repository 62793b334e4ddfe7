// The pool's recording path (settleBodies: decide outside the write lock, commit in one transaction) answers and records what
// processBatch does, claim for claim: new claims, a replayed msgid, a reused msgid with another body, a rejection, an
// adjudication that throws, a body that is not an object. Fake adjudicator (test/ledger/fixtures.ts), real SQLite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AdjudicationContext } from '../../engine/adjudicate/types.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import type { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { processBatch, processClaim } from '../../engine/ledger/settle.js'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { loadDemoTables } from '../fixtures/tables.js'
import { settleBodies } from '../../engine/ledger/settle.js'
import { bodyHash } from '../../engine/ledger/hash.js'
import { isObject } from '../../engine/claim.js'
import { adjudicate } from '../../engine/adjudicate/index.js'

/** The pool worker's call: bodies hashed, then decide → commit. */
function settleBatchSplit(bodies: readonly unknown[], e: Parameters<typeof settleBodies>[2] & { ledger: SqliteLedger }) {
  return settleBodies(bodies.map((b) => ({ body: b, hash: isObject(b) ? bodyHash(b) : null })), e.ledger, e)
}
import { env, fakeAdjudicate, mini, tempDir } from '../ledger/fixtures.js'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => { tmp = tempDir() })
afterEach(() => tmp.cleanup())

const FIXED_NOW = (): Date => new Date('2026-02-01T08:00:00Z')

/** An adjudicator with a bug on one claim (the pool and processBatch must both answer it E_FAILED). */
function buggyOn(msgid: string) {
  return (input: unknown, ctx: AdjudicationContext) => {
    if ((input as { msgid: string }).msgid === msgid) throw new Error('bug in a rule')
    return fakeAdjudicate(input, ctx)
  }
}

function dump(l: SqliteLedger): unknown {
  return {
    settlements: l.db.prepare('SELECT * FROM settlements ORDER BY seq').all(),
    lines: l.db.prepare('SELECT * FROM settlement_line_sets ORDER BY setl_id').all(),
    accumulators: l.db.prepare('SELECT * FROM accumulators ORDER BY psn_no, year').all(),
  }
}

describe('settleBatchSplit', () => {
  it('gives processBatch\'s answers and rows for every kind of claim in a batch of distinct persons', () => {
    // a first batch, so that the second can replay and conflict with it
    const earlier = [mini(1, { psn_no: 'P1' }), mini(2, { psn_no: 'P2' })]
    const batch: unknown[] = [
      mini(3, { psn_no: 'P3' }), // new
      mini(1, { psn_no: 'P1' }), // same msgid, same body: the first answer
      mini(2, { psn_no: 'P2', total_fen: 1 }), // same msgid, another body: E_MSGID_CONFLICT
      mini(4, { psn_no: 'P4', reject: true }), // rejected by the adjudicator
      mini(5, { psn_no: 'P5' }), // the adjudicator throws: E_FAILED
      [1, 2], // not an object: E_BAD_JSON
      mini(6, { psn_no: 'P6', inpatient: false, total_fen: 5_000, inscope_fen: 5_000 }), // new, outpatient
    ]
    const run = (split: boolean): { answers: unknown; rows: unknown } => {
      const l = openLedger(tmp.file(split ? 'split.sqlite' : 'inline.sqlite'), { now: FIXED_NOW })
      try {
        const e = { ...env(l), adjudicate: buggyOn(mini(5).msgid) }
        processBatch(earlier, e)
        const answers = split ? settleBatchSplit(batch, { ...e, ledger: l }) : processBatch(batch, e)
        return { answers, rows: dump(l) }
      } finally { l.close() }
    }
    const inline = run(false)
    const split = run(true)
    expect(split.answers).toStrictEqual(inline.answers)
    expect(split.rows).toEqual(inline.rows)
    const statuses = (inline.answers as { status: string; reasons: { code: string }[] }[]).map((a) => [a.status, a.reasons[0]?.code])
    expect(statuses).toEqual([
      ['settled', undefined], ['settled', undefined], ['rejected', 'E_MSGID_CONFLICT'], ['rejected', 'E_AMOUNT_MISMATCH'],
      ['rejected', 'E_FAILED'], ['rejected', 'E_BAD_JSON'], ['settled', undefined],
    ])
  })
})

describe('settleBatchSplit with another writer on the ledger', () => {
  it('adjudicates a claim again when its person was settled by someone else between reading and recording', () => {
    // the real adjudicator on the demo region: the same 职工 person's two stays. Sequentially the second is the 2nd
    // admission of the year (deductible factor 0.5); the split path read its history before the first was written
    // by "another process" (here: inside the transaction, just before the record), so it must notice and redo it.
    const tables = loadDemoTables()
    const worker = [...tables.persons.values()].find((p) => p.insutype === '310' && p.psnKind === 'in_service')!
    const claims = [...generateDemoClaims(tables, { count: 400, seed: 3 })]
      .filter((c) => c.med_type === '21' && c.insutype === '310' && c.referral_from === null).slice(0, 2)
      .map((c, i) => ({ ...c, psn_no: worker.psnNo, mdtrt_id: `MV${i}`, msgid: c.msgid.slice(0, -4) + `99${i}0` }))
    const [first, second] = claims as [ClaimInput, ClaimInput]
    const e = (l: SqliteLedger) => ({ tables, policy: tables.policy, ledger: l })

    const seqL = openLedger(tmp.file('sequential.sqlite'), { now: FIXED_NOW })
    const expected = processBatch([first, second], e(seqL))
    seqL.close()

    const l = openLedger(tmp.file('split.sqlite'), { now: FIXED_NOW })
    try {
      let other: unknown
      // "another process" on the same file settles `first` after this batch's decision read the history
      const otherL = openLedger(tmp.file('split.sqlite'), { now: FIXED_NOW })
      let calls = 0
      const answers = settleBatchSplit([second], {
        ...e(l),
        adjudicate: (input, ctx) => {
          const out = adjudicate(input, ctx)
          if (++calls === 1) other = processClaim(first, e(otherL))
          return out
        },
      })
      otherL.close()
      expect(calls).toBe(2)
      expect(other).toStrictEqual(expected[0])
      expect(answers[0]).toStrictEqual(expected[1])
      expect(l.verify()).toEqual([])
    } finally {
      l.close()
    }
  })
})
