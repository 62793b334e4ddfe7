// Test-only crash injection for the pool's workers (engine/pool/protocol.ts PoolTestHook): exit the worker thread
// while it holds a batch, to prove that a crash loses and doubles nothing. Plain JS: the workers import it as it is.
// data: { exitOnMsgid, when: 'before' | 'during' | 'after', onceFile: path | null }
import { closeSync, openSync } from 'node:fs'

export default function faultHook(spec) {
  const crash = () => {
    if (spec.onceFile) {
      try {
        closeSync(openSync(spec.onceFile, 'wx'))
      } catch {
        return // another worker already crashed once: the retry goes through
      }
    }
    process.exit(70) // in a worker thread this ends the thread only, like a crash would
  }
  const holds = (batch) => batch.indexOf(spec.exitOnMsgid) >= 0
  return {
    before: spec.when === 'before' ? (batch) => { if (holds(batch)) crash() } : undefined,
    // inside the batch's open transaction, its records appended, before COMMIT
    during: spec.when === 'during' ? (msgids) => { if (msgids.includes(spec.exitOnMsgid)) crash() } : undefined,
    after: spec.when === 'after' ? (batch) => { if (holds(batch)) crash() } : undefined,
  }
}
