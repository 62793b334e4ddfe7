// The worker-thread pool for bulk adjudication (README.md beside this file explains the design).
export { AdjudicationPool } from './pool.js'
export type { PoolProgress, RunSummary, RunOptions } from './pool.js'
export { defaultWorkers } from './options.js'
export type { PoolOptions } from './options.js'
export type { ResultFormat, FaultSpec } from './protocol.js'
export { FAULT_ENV } from './fault.js'
