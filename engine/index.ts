// dipsettle's public surface: adjudicate and group a claim, settle it against a ledger, load the tables.
export { adjudicate, parseClaim } from './adjudicate/index.js'
export type { AdjudicationContext, Outcome, ParseOutcome } from './adjudicate/types.js'
export { groupClaim } from './grouping/index.js'
export type { DipResult } from './grouping/types.js'
export { loadTables } from './tables/load.js'
export type { Tables } from './tables/types.js'
export { loadPolicyFile, validatePolicy } from './policy/validate.js'
export type { Policy } from './policy/types.js'
export {
  openLedger, processClaim, processReversal, processBatch, processReversals, EMPTY_HISTORY,
} from './ledger/index.js'
export type { History, LedgerPort, LedgerDifference, PersonYear, SettleEnv } from './ledger/index.js'
export type { ClaimInput } from './claim.js'
export type { AdjudicationResult, Settlement } from './result.js'
export type { Reason } from './reasons.js'
export { settleMonth } from './settlement/index.js'
export type { MonthEndOutcome, MonthEndReport } from './settlement/index.js'
