// The worker-thread pool for bulk adjudication (README.md beside this file explains the design).
export { AdjudicationPool } from './pool.js'
export type { PoolProgress, RunSummary, RunOptions } from './pool.js'
export { defaultWorkers } from './options.js'
export type { PoolOptions } from './options.js'
export type { PoolTestHook, PoolHooks } from './protocol.js'
export { TEST_HOOK_ENV } from './protocol.js'
