// The ledger stores each answer without its lines (rebuilt from settlement_line_sets on read): a replayed msgid, and
// getSettlement, must still give the first answer exactly — for real demo claims (the real adjudicator, DIP results,
// line reasons) and for their reversals.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { processClaim, processReversal } from '../../engine/ledger/settle.js'
import { loadDemoTables } from '../fixtures/tables.js'
import { tempDir } from './fixtures.js'

let tmp: ReturnType<typeof tempDir>
beforeAll(() => { tmp = tempDir() })
afterAll(() => tmp.cleanup())

it('a replayed settlement or reversal is strictly equal to the first answer, and so is getSettlement', () => {
  const tables = loadDemoTables()
  const claims = [...generateDemoClaims(tables, { count: 120, seed: 3, month: '2026-10', outpatientShare: 0.3, referralShare: 0.2 })]
  const l = openLedger(tmp.file('replay.sqlite'))
  try {
    const env = { tables, policy: tables.policy, ledger: l }
    let settled = 0
    let reversed = 0
    for (const c of claims) {
      const first = processClaim(c, env)
      if (first.status !== 'settled' || first.setl_id === undefined) continue
      settled++
      // the same body, re-parsed (another object, same JSON): the first answer, setl_id included
      expect(processClaim(JSON.parse(JSON.stringify(c)), env)).toStrictEqual(first)
      expect(l.getSettlement(first.setl_id)).toStrictEqual(first)
      if (settled % 3 !== 0) continue
      const body = { setl_id: first.setl_id, msgid: `R${first.setl_id}` }
      const rev = processReversal(body, { ledger: l })
      expect(rev.reverses).toBe(first.setl_id)
      reversed++
      expect(processReversal({ ...body }, { ledger: l })).toStrictEqual(rev)
      expect(l.getSettlement(rev.setl_id ?? '')).toStrictEqual(rev)
      // the original's msgid after the reversal still replays the original answer
      expect(processClaim(c, env)).toStrictEqual(first)
    }
    expect(settled).toBeGreaterThan(60)
    expect(reversed).toBeGreaterThan(20)
    expect(l.verify()).toEqual([])
  } finally {
    l.close()
  }
})
