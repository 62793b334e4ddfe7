// The append-only ledger: settle, reverse, accumulators, verify.
export { openLedger, SqliteLedger, setlIdOf } from './sqlite.js'
export type { OpenLedgerOptions } from './sqlite.js'
export { processClaim, processReversal, processBatch, processReversals, bodyHash, canonicalJson, isFault } from './settle.js'
export type { SettleEnv, ReversalEnv } from './settle.js'
export { verifyLedgerDb, formatDifference } from './verify.js'
export { EMPTY_HISTORY, ZERO_YEAR } from './types.js'
export type { History, Ledger, LedgerDifference, PersonYear, RecordOutcome, StayRecord } from './types.js'
