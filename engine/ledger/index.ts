// The append-only ledger: the port (port.ts), decide/commit (decide.ts, outcome.ts), the record codec (codec.ts),
// the SQLite implementation (sqlite/), and the settle flow over it (settle.ts).
export { openLedger, SqliteLedger, NotALedgerError, verifyLedgerDb, formatDifference } from './sqlite.js'
export type { OpenLedgerOptions } from './sqlite.js'
export { setlIdOf } from './codec.js'
export { processClaim, processReversal, processBatch, processReversals, isFault } from './settle.js'
export type { SettleEnv, ReversalEnv } from './settle.js'
export { bodyHash, canonicalJson } from './hash.js'
export { decide, compute } from './decide.js'
export type { LedgerPort, LedgerDifference, CommitOutcome, PriorAnswer, ClaimHistory, ReversalRequest } from './port.js'
export { EMPTY_HISTORY, ZERO_YEAR } from '../history.js'
export type { History, PersonYear, StayRecord } from '../history.js'
