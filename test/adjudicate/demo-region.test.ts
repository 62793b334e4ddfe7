// Integration: synthetic inpatient claims over the demo region's built tables (real catalogue, real DIP catalogue,
// the real grouping) all settle, with a DIP result, and keep the SPEC §3 step-8 identities.
import { describe, expect, it } from 'vitest'
import { syntheticClaimBodies } from '../../bench/engine.js'
import { adjudicate } from '../../engine/adjudicate/index.js'
import { EMPTY_HISTORY } from '../../engine/history.js'
import { loadDemoTables } from '../fixtures/tables.js'

describe('the demo region', () => {
  it('settles synthetic inpatient claims with a DIP result and the step-8 identities', () => {
    const tables = loadDemoTables()
    const ctx = { tables, policy: tables.policy, history: EMPTY_HISTORY }
    for (const body of syntheticClaimBodies(tables, 300)) {
      const o = adjudicate(body, ctx)
      if (o.status !== 'ok') throw new Error(`${body.msgid} rejected: ${JSON.stringify(o.reasons)}`)
      const i = o.settlement.setlinfo
      expect(i.medfee_sumamt_fen).toBe(i.fund_pay_sumamt_fen + i.psn_part_amt_fen)
      expect(i.medfee_sumamt_fen).toBe(i.fulamt_ownpay_amt_fen + i.overlmt_selfpay_fen + i.preselfpay_amt_fen + i.inscp_scp_amt_fen)
      expect(o.settlement.dip).not.toBeNull()
    }
  })
})
