// One transaction on one pooled connection for the ports beside the settlements (reports, stays, clearing,
// per-capita, persons): BEGIN … COMMIT, ROLLBACK on any error, and the whole function run again when it lost a race
// to another process (a unique violation on a key the caller names, a deadlock, a serialization failure) — its own
// checks then see the winner's row. The settlement side has its own (ledger.ts), which also holds the seq watermark.
import pg from 'pg'

/** Runs of one transaction before its error is let through (each rerun follows another transaction that won). */
const MAX_RUNS = 5

/**
 * fn in BEGIN … COMMIT. `retryOn`: the unique constraints whose violation means "another process wrote it first":
 * rolled back and run again. Deadlocks (40P01) and serialization failures (40001) are always run again.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, retryOn: readonly string[] = []): Promise<T> {
  for (let run = 1; ; run++) {
    const c = await pool.connect()
    let broken: Error | undefined
    try {
      await c.query('BEGIN')
      const out = await fn(c)
      await c.query('COMMIT')
      return out
    } catch (e) {
      await c.query('ROLLBACK').catch((r: Error) => { broken = r })
      if (run < MAX_RUNS && lostRace(e, retryOn)) continue
      throw e
    } finally {
      // a connection whose ROLLBACK failed is in an unknown state: destroyed, not reused
      c.release(broken)
    }
  }
}

function lostRace(e: unknown, retryOn: readonly string[]): boolean {
  if (!(e instanceof pg.DatabaseError)) return false
  if (e.code === '40P01' || e.code === '40001') return true
  return e.code === '23505' && e.constraint !== undefined && retryOn.includes(e.constraint)
}
