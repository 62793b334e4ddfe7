// Property tests of the ledger's bookkeeping over random settle / reverse / duplicate sequences (fake adjudicator,
// real SQLite file).
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openLedger } from '../../engine/ledger/sqlite.js'
import type { SqliteLedger } from '../../engine/ledger/sqlite.js'
import { processClaim, processReversal } from '../../engine/ledger/settle.js'
import { ACCUM_FIELDS } from '../../engine/ledger/schema.js'
import type { AdjudicationResult } from '../../engine/result.js'
import { env, mini, tempDir } from './fixtures.js'
import type { MiniClaim } from './fixtures.js'

type Op =
  | { op: 'settle'; psn: number; inpatient: boolean; day: number; total: number; inscopePct: number; refer: number | null }
  | { op: 'reverse'; pick: number }
  | { op: 'dup'; pick: number; sameBody: boolean }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({
    op: fc.constant('settle' as const), psn: fc.integer({ min: 0, max: 2 }), inpatient: fc.boolean(),
    day: fc.integer({ min: 0, max: 360 }), total: fc.integer({ min: 0, max: 3_000_000 }),
    inscopePct: fc.integer({ min: 0, max: 100 }), refer: fc.option(fc.nat(), { nil: null }),
  }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reverse' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dup' as const), pick: fc.nat(), sameBody: fc.boolean() }) },
)

let tmp: ReturnType<typeof tempDir>
let runNo = 0
beforeAll(() => { tmp = tempDir() })
afterAll(() => tmp.cleanup())

function freshLedger(): SqliteLedger {
  return openLedger(tmp.file(`p${++runNo}.sqlite`))
}

interface Run { ledger: SqliteLedger; bodies: MiniClaim[]; answers: AdjudicationResult[]; n: number }

/** Apply ops through processClaim / processReversal; returns what was submitted and answered. */
function apply(ledger: SqliteLedger, ops: readonly Op[], start = 0): Run {
  const run: Run = { ledger, bodies: [], answers: [], n: start }
  for (const o of ops) {
    if (o.op === 'settle') {
      const psn = `P000${o.psn}`
      const mine = run.bodies.filter((b) => b.psn_no === psn && b.inpatient)
      const refer = o.inpatient && o.refer !== null && mine.length > 0 ? mine[o.refer % mine.length]?.mdtrt_id ?? null : null
      const n = ++run.n
      const body = mini(n, {
        psn_no: psn, inpatient: o.inpatient, day: o.day, total_fen: o.total,
        inscope_fen: Math.floor((o.total * o.inscopePct) / 100), referral_from: refer,
      })
      run.bodies.push(body)
      run.answers.push(processClaim(body, env(ledger)))
    } else if (o.op === 'reverse') {
      const settled = run.answers.filter((a) => a.status === 'settled' && a.reverses === undefined)
      const target = settled[o.pick % Math.max(1, settled.length)]
      if (target?.setl_id !== undefined) {
        run.answers.push(processReversal({ setl_id: target.setl_id, msgid: `R${++run.n}` }, { ledger }))
      }
    } else {
      const b = run.bodies[o.pick % Math.max(1, run.bodies.length)]
      if (b !== undefined) processClaim(o.sameBody ? b : { ...b, total_fen: b.total_fen + 1 }, env(ledger))
    }
  }
  return run
}

function accumulators(l: SqliteLedger): unknown[] {
  // an all-zero row (a person whose only claim was reversed) means the same as no row
  return l.db.prepare(`SELECT * FROM accumulators WHERE ${ACCUM_FIELDS.map((f) => `${f} <> 0`).join(' OR ')} ORDER BY psn_no, year`).all()
}

function dump(l: SqliteLedger): unknown {
  return {
    settlements: l.db.prepare('SELECT * FROM settlements ORDER BY seq').all(),
    lines: l.db.prepare('SELECT * FROM settlement_lines ORDER BY setl_id, feedetl_sn').all(),
    accumulators: l.db.prepare('SELECT * FROM accumulators ORDER BY psn_no, year').all(),
  }
}

const opsArb = fc.array(opArb, { maxLength: 25 })
const RUNS = { numRuns: 25 }

describe('ledger properties', () => {
  it('verify finds no difference after any settle / reverse / duplicate sequence', () => {
    fc.assert(fc.property(opsArb, (ops) => {
      const l = freshLedger()
      try {
        apply(l, ops)
        expect(l.verify()).toEqual([])
      } finally { l.close() }
    }), RUNS)
  })

  it('settling a claim then reversing it leaves the accumulators as if it never happened, and re-submitting it pays the same', () => {
    fc.assert(fc.property(opsArb, fc.boolean(), fc.integer({ min: 0, max: 2_000_000 }), (ops, inpatient, total) => {
      const l = freshLedger()
      try {
        const run = apply(l, ops)
        const before = accumulators(l)
        const x = mini(10_000, { psn_no: 'P0001', inpatient, total_fen: total, inscope_fen: Math.floor(total / 2), day: 200 })
        const first = processClaim(x, env(l))
        expect(first.status).toBe('settled')
        expect(processReversal({ setl_id: first.setl_id, msgid: `R${run.n + 1}` }, { ledger: l }).status).toBe('settled')
        expect(accumulators(l)).toEqual(before)
        const again = processClaim({ ...x, msgid: 'AGAIN' }, env(l))
        expect(again.setlinfo).toEqual(first.setlinfo)
        expect(l.verify()).toEqual([])
      } finally { l.close() }
    }), RUNS)
  })

  it('a duplicate msgid never changes the ledger: the same body replays, another body conflicts', () => {
    fc.assert(fc.property(opsArb, fc.nat(), fc.boolean(), (ops, pick, sameBody) => {
      const l = freshLedger()
      try {
        const run = apply(l, ops)
        const settled = new Map(run.answers.filter((a) => a.status === 'settled' && a.reverses === undefined).map((a) => [a.msgid, a]))
        const candidates = run.bodies.filter((b) => settled.has(b.msgid))
        const b = candidates[pick % Math.max(1, candidates.length)]
        if (b === undefined) return
        const before = dump(l)
        const r = processClaim(sameBody ? b : { ...b, inscope_fen: b.inscope_fen === 0 ? 1 : 0 }, env(l))
        if (sameBody) expect(r).toEqual(settled.get(b.msgid))
        else expect(r.reasons.map((x) => x.code)).toEqual(['E_MSGID_CONFLICT'])
        expect(dump(l)).toEqual(before)
      } finally { l.close() }
    }), RUNS)
  })

  it('verify reports a tampered accumulator, naming its person, year and field', () => {
    fc.assert(fc.property(opsArb, fc.nat(), fc.constantFrom(...ACCUM_FIELDS), fc.integer({ min: -1000, max: 1000 }).filter((k) => k !== 0),
      (ops, pick, field, k) => {
        const l = freshLedger()
        try {
          apply(l, ops)
          const rows = l.db.prepare('SELECT psn_no, year FROM accumulators ORDER BY psn_no, year').all() as { psn_no: string; year: number }[]
          const row = rows[pick % Math.max(1, rows.length)]
          if (row === undefined) return
          l.db.prepare(`UPDATE accumulators SET ${field} = ${field} + ? WHERE psn_no = ? AND year = ?`).run(k, row.psn_no, row.year)
          expect(l.verify()).toContainEqual(expect.objectContaining({ psn_no: row.psn_no, year: row.year, field }))
        } finally { l.close() }
      }), RUNS)
  })
})
