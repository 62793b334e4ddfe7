// Work on one pooled connection of the PostgreSQL ledger, run again when it lost a race to another process (a unique
// violation on a key the caller names, a deadlock, a serialization failure) — its own checks then see the winner's
// row. `onConnection`: statements that are each their own transaction (the commit function's call); `inTransaction`:
// BEGIN … COMMIT, ROLLBACK on any error. Every port of the PostgreSQL ledger writes through these two.
import pg from 'pg'

/** Runs of one unit of work before its error is let through (each rerun follows another transaction that won). */
const MAX_RUNS = 5

/**
 * fn on one pooled connection, run again (up to MAX_RUNS) when it lost a race; `retryOn`: the unique constraints
 * whose violation means "another process wrote it first". An error the server answered leaves the connection whole;
 * any other (a dropped connection, a fault of fn) destroys it rather than return it to the pool in doubt.
 */
export async function onConnection<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, retryOn: readonly string[] = []): Promise<T> {
  for (let run = 1; ; run++) {
    const c = await pool.connect()
    let broken: Error | undefined
    try {
      return await fn(c)
    } catch (e) {
      if (!(e instanceof pg.DatabaseError)) broken = e instanceof Error ? e : new Error(String(e))
      if (run < MAX_RUNS && lostRace(e, retryOn)) continue
      throw e
    } finally {
      c.release(broken)
    }
  }
}

/** fn in BEGIN … COMMIT (rolled back on any error), run again as onConnection runs it. */
export function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, retryOn: readonly string[] = []): Promise<T> {
  return onConnection(pool, async (c) => {
    await c.query('BEGIN')
    try {
      const out = await fn(c)
      await c.query('COMMIT')
      return out
    } catch (e) {
      // a failed ROLLBACK means a broken connection: fn's error (not the server's answer) then destroys it
      await c.query('ROLLBACK').catch(() => {})
      throw e
    }
  }, retryOn)
}

function lostRace(e: unknown, retryOn: readonly string[]): boolean {
  if (!(e instanceof pg.DatabaseError)) return false
  if (e.code === '40P01' || e.code === '40001') return true
  return e.code === '23505' && e.constraint !== undefined && retryOn.includes(e.constraint)
}
