// The SQLite implementation of the ledger port (engine/ledger/sqlite/): one entry point for its users.
export { SqliteLedger, openLedger, openBulkLedger } from './sqlite/ledger.js'
export { NotALedgerError, LEDGER_APPLICATION_ID } from './sqlite/connection.js'
export type { OpenLedgerOptions } from './sqlite/connection.js'
export { verifyLedgerDb, formatDifference, DERIVED_ACCUM_SQL } from './sqlite/verify.js'
export { isStorageFull } from './sqlite/errors.js'
