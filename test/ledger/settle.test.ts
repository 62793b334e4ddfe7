import { existsSync, readFileSync, statSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { processBatch, processClaim, processReversal } from '../../engine/ledger/settle.js'
import { bodyHash, canonicalJson, iterativeCanonicalJson } from '../../engine/ledger/hash.js'
import { env, fakeAdjudicate, mini, tempDir } from './fixtures.js'
import type { AdjudicationContext } from '../../engine/adjudicate/types.js'

let tmp: ReturnType<typeof tempDir>
let file: string
beforeEach(() => {
  tmp = tempDir()
  file = tmp.file('ledger.sqlite')
})
afterEach(() => tmp.cleanup())

/** The ledger's bytes on disk after close (WAL checkpointed): what "nothing was written" compares. */
function bytesAfterClose(): Buffer {
  expect(existsSync(file + '-wal') ? statSync(file + '-wal').size : 0).toBe(0)
  return readFileSync(file)
}

function withLedger<T>(fn: (l: ReturnType<typeof openLedger>) => T): T {
  const l = openLedger(file)
  try {
    return fn(l)
  } finally {
    l.close()
  }
}

describe('canonical body hash', () => {
  it('ignores key order at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}')
    // objects with the same keys one after the other (fee lines), in the same and in another order
    expect(canonicalJson([{ b: 1, a: 2 }, { b: 3, a: 4 }, { a: 5, b: 6 }, { b: 7, c: 8 }]))
      .toBe('[{"a":2,"b":1},{"a":4,"b":3},{"a":5,"b":6},{"b":7,"c":8}]')
    expect(canonicalJson(JSON.parse('{"z":1,"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1},"z":1}')
    expect(bodyHash({ a: 1, b: 2 })).toBe(bodyHash({ b: 2, a: 1 }))
    expect(bodyHash({ a: [1, 2] })).not.toBe(bodyHash({ a: [2, 1] }))
  })

  /** A body nested `depth` levels: {"msgid":…,"x":[{"a":[{"a":…}]}]} built as text (no recursion here either). */
  const deep = (depth: number): unknown => JSON.parse('{"msgid":"M1","x":' + '[{"b":1,"a":'.repeat(depth) + 'null' + '}]'.repeat(depth) + '}')

  it('the iterative walk writes the same text as the fast path, for every shape', () => {
    const bodies = [{ b: 1, a: { d: [2, 1, { z: 'é"\\', y: [] }], c: null } }, [], {}, 'x', 1.5, null, JSON.parse('{"z":1,"__proto__":{"x":1}}'), deep(20)]
    for (const b of bodies) expect(iterativeCanonicalJson(b)).toBe(canonicalJson(b))
  })

  it('a body nested 2,000 or 10,000 levels hashes without overflowing the stack, the same every time', () => {
    for (const depth of [2_000, 10_000]) {
      const h = bodyHash(deep(depth))
      expect(h).toMatch(/^[0-9a-f]{64}$/)
      expect(bodyHash(deep(depth))).toBe(h)
      expect(bodyHash(deep(depth + 1))).not.toBe(h)
    }
  })
})

describe('processClaim', () => {
  it('without a ledger computes against an empty history (status computed, no setl_id)', () => {
    const r = processClaim(mini(1), env())
    expect(r.status).toBe('computed')
    expect(r.setl_id).toBeUndefined()
  })

  it('answers a body that is not a JSON object with E_BAD_JSON on field ""', () => {
    expect(processClaim([1, 2], env()).reasons).toEqual([expect.objectContaining({ code: 'E_BAD_JSON', field: '' })])
  })

  it('settles against the ledger history: the second admission pays the lower deductible', () => {
    withLedger((l) => {
      const a = processClaim(mini(1), env(l))
      const b = processClaim(mini(2), env(l))
      expect([a.status, a.setl_id, b.status, b.setl_id]).toEqual(['settled', 'S000000000001', 'settled', 'S000000000002'])
      // fake policy: 1st admission deductible 10.00 yuan, 2nd 5.00
      expect(a.setlinfo?.act_pay_dedc).toBe(10)
      expect(b.setlinfo?.act_pay_dedc).toBe(5)
    })
  })

  it('a repeated msgid with the same body (any key order) replays the first answer with the same setl_id', () => {
    withLedger((l) => {
      const first = processClaim(mini(1), env(l))
      const reordered = Object.fromEntries(Object.entries(mini(1)).reverse())
      expect(processClaim(reordered, env(l))).toEqual(first)
      expect(l.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(1)
    })
  })

  it('a repeated msgid with another body is E_MSGID_CONFLICT and leaves the file byte-identical', () => {
    withLedger((l) => processClaim(mini(1), env(l)))
    const before = bytesAfterClose()
    const r = withLedger((l) => processClaim(mini(1, { total_fen: 999_999 }), env(l)))
    expect(r.status).toBe('rejected')
    expect(r.reasons.map((x) => [x.code, x.field])).toEqual([['E_MSGID_CONFLICT', 'msgid']])
    expect(bytesAfterClose().equals(before)).toBe(true)
  })

  it('a rejected claim leaves the ledger file byte-identical', () => {
    withLedger((l) => processClaim(mini(1), env(l)))
    const before = bytesAfterClose()
    const r = withLedger((l) => processClaim(mini(2, { reject: true }), env(l)))
    expect(r.status).toBe('rejected')
    expect(bytesAfterClose().equals(before)).toBe(true)
  })

  it('a dry run computes against the history and leaves the file byte-identical', () => {
    withLedger((l) => processClaim(mini(1), env(l)))
    const before = bytesAfterClose()
    const r = withLedger((l) => processClaim(mini(2), env(l, true)))
    expect(r.status).toBe('computed')
    expect(r.setl_id).toBeUndefined()
    expect(r.setlinfo?.act_pay_dedc).toBe(5) // the 2nd admission: the history was read
    expect(bytesAfterClose().equals(before)).toBe(true)
  })
})

describe('processBatch', () => {
  it('runs claims in order in one transaction; a rejection or a failing claim does not undo the others', () => {
    let calls = 0
    const flaky = (input: unknown, ctx: AdjudicationContext) => {
      if (++calls === 3) throw new Error('bug in a rule')
      return fakeAdjudicate(input, ctx)
    }
    withLedger((l) => {
      const out = processBatch([mini(1), mini(2, { reject: true }), mini(3), mini(4), mini(1)], { ...env(l), adjudicate: flaky })
      expect(out.map((r) => r.status)).toEqual(['settled', 'rejected', 'rejected', 'settled', 'settled'])
      expect(out[2]?.reasons[0]?.code).toBe('E_FAILED')
      expect(out[2]?.msgid).toBe(mini(3).msgid)
      expect(out[4]).toEqual(out[0]) // msgid of line 1 repeated in the same batch: replayed
      expect(out[3]?.setl_id).toBe('S000000000002')
      expect(l.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(2)
      expect(l.verify()).toEqual([])
    })
  })
})

describe('processReversal', () => {
  it('reverses, then refuses the second reversal; a body without setl_id is E_FIELD_MISSING', () => {
    withLedger((l) => {
      const s = processClaim(mini(1), env(l))
      const r = processReversal({ setl_id: s.setl_id, msgid: 'R1' }, { ledger: l })
      expect(r).toMatchObject({ status: 'settled', msgid: 'R1', setl_id: 'S000000000002', reverses: 'S000000000001' })
      expect(r.setlinfo?.medfee_sumamt).toBe(-(s.setlinfo?.medfee_sumamt ?? 0))
      // the same reversal request again: the first answer
      expect(processReversal({ msgid: 'R1', setl_id: s.setl_id }, { ledger: l })).toEqual(r)
      expect(processReversal({ setl_id: s.setl_id, msgid: 'R2' }, { ledger: l }).reasons[0]?.code).toBe('E_ALREADY_REVERSED')
      expect(processReversal({ msgid: 'R3' }, { ledger: l }).reasons).toEqual([expect.objectContaining({ code: 'E_FIELD_MISSING', field: 'setl_id' })])
    })
  })
})
