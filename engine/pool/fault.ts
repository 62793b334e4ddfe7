// Test-only fault injection: make a worker thread exit while it holds a batch, to prove that a crash loses and
// doubles nothing. Off unless DIPSETTLE_POOL_FAULT is set (JSON of FaultSpec) or the option is passed.
import { closeSync, openSync } from 'node:fs'
import type { FaultSpec } from './protocol.js'

export const FAULT_ENV = 'DIPSETTLE_POOL_FAULT'

export function faultFromEnv(env: NodeJS.ProcessEnv = process.env): FaultSpec | null {
  const raw = env[FAULT_ENV]
  if (raw === undefined || raw === '') return null
  const v = JSON.parse(raw) as Partial<FaultSpec>
  if (typeof v.exitOnMsgid !== 'string' || (v.when !== 'before' && v.when !== 'during' && v.when !== 'after')) {
    throw new TypeError(`${FAULT_ENV} must be JSON {"exitOnMsgid": string, "when": "before"|"during"|"after", "onceFile"?: path}`)
  }
  return { exitOnMsgid: v.exitOnMsgid, when: v.when, onceFile: v.onceFile ?? null }
}

/** Inside a worker: exit the thread now if the fault applies to this batch (or claim) at this point. */
export function maybeCrash(fault: FaultSpec | null, when: FaultSpec['when'], batch: Buffer | string): void {
  if (fault === null || fault.when !== when) return
  if (batch.indexOf(fault.exitOnMsgid) < 0) return
  if (fault.onceFile !== null) {
    try {
      closeSync(openSync(fault.onceFile, 'wx'))
    } catch {
      return // another worker already crashed once: the retry goes through
    }
  }
  process.exit(70) // in a worker thread this ends the thread only, like a crash would
}
