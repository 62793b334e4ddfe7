// The one place the national gateway reaches the settlement core: every amount of 2303/2304/2305, 2206/2207/2208 and
// every line classification of 2301/2204 comes from here, i.e. from the same entry points POST /v1/presettlements,
// /v1/settlements and /v1/settlements/:id/reversal use (engine/ledger/settle-port.ts presettleClaim, the app's
// committer, reverseClaim), over the ledger port and the reports port — whichever the backend (SPEC §11, §12): one code
// path, so a stay begun on one process (SQLite file or PostgreSQL) finishes on another. No money rule lives in
// server/national. When the settlement core's entry points change (decide/commit), only this file is rewired.
import type { ClaimInput } from '../../engine/claim.js'
import { parseClaim } from '../../engine/adjudicate/index.js'
import { groupClaim, type DipResult } from '../../engine/grouping/index.js'
import { claimScope, type DecideEnv } from '../../engine/ledger/decide.js'
import { bodyHash } from '../../engine/ledger/hash.js'
import type { LedgerPort } from '../../engine/ledger/port.js'
import type { ReportsPort } from '../../engine/ledger/reports-port.js'
import { presettleClaim, reverseClaim } from '../../engine/ledger/settle-port.js'
import type { Person } from '../../engine/tables/types.js'
import { accountBalanceFen } from '../../engine/accounts/balance.js'
import type { Reason } from '../../engine/reasons.js'
import type { AdjudicationResult } from '../../engine/result.js'
import type { ClaimCommitter } from '../writer-commit.js'

export interface NationalEngine {
  /** 2303 / 2206 and the classification of uploaded lines: computed against the ledger's history, nothing recorded. */
  presettle(claim: ClaimInput): Promise<AdjudicationResult>
  /** 2304 / 2207: settled and recorded as POST /v1/settlements records it (claim.msgid is its idempotency key). */
  settle(claim: ClaimInput): Promise<AdjudicationResult>
  /** 2305 / 2208: the reversal POST /v1/settlements/:setl_id/reversal makes (msgid: the reversal's own). */
  reverse(setlId: string, msgid: string): Promise<AdjudicationResult>
  /** The recorded answer of a settlement. */
  settlement(setlId: string): Promise<AdjudicationResult | undefined>
  /** 4101A: DIP grouping of a settled stay's claim with the settlement list's diagnoses and procedures. */
  group(claim: ClaimInput): Promise<{ readonly dip: DipResult } | { readonly reasons: readonly Reason[] }>
  /** 1101's personal account balance, fen: opening + credits − acct_pay, from the ledger (SPEC §15). */
  accountBalanceFen(person: Person): Promise<number>
  /** The idempotency hash of a body (the ledger's: canonical JSON, sha256). */
  hashOf(body: unknown): string
  /** 4101A: the month and pool a settlement counts in at month-end, and when that month's run was closed (null: open). */
  monthOf(setlId: string): Promise<{ readonly month: string; readonly pool: string; readonly closedAt: string | null } | undefined>
}

/** What the gateway settles with: the app's ledger port, its real-time committer, decide's env and the reports port. */
export interface NationalCore {
  readonly port: LedgerPort
  readonly committer: ClaimCommitter
  readonly env: DecideEnv
  readonly reports: ReportsPort
}

export function nationalEngine({ port, committer, env, reports }: NationalCore): NationalEngine {
  return {
    presettle: (claim) => presettleClaim(claim, port, env),
    settle: (claim) => committer.submit(claim),
    reverse: (setlId, msgid) => reverseClaim({ setl_id: setlId, msgid }, port),
    settlement: (setlId) => port.settlement(setlId),
    group: async (claim) => {
      const p = parseClaim(claim, env.tables)
      if (p.status === 'rejected') return { reasons: p.reasons }
      // the person's committed history as settlement reads it (the claim's scope); the stay's own record is never its
      // own readmission (grouping/flags.ts skips its mdtrt_id)
      const { history } = await port.readHistory(claim.psn_no, undefined, claimScope(claim, env.policy))
      return { dip: groupClaim(p.claim, { tables: env.tables, policy: env.policy, history }) }
    },
    accountBalanceFen: async (person) => accountBalanceFen(person, (await port.readHistory(person.psnNo)).history),
    hashOf: bodyHash,
    monthOf: async (setlId) => {
      const f = await reports.settlementFacts(setlId)
      if (f === undefined) return undefined
      const run = f.insutype === '310' || f.insutype === '390' ? await reports.getRun(f.month, f.insutype) : undefined
      return { month: f.month, pool: f.insutype, closedAt: run?.status === 'closed' ? (run.closed_at ?? run.run_at) : null }
    },
  }
}
