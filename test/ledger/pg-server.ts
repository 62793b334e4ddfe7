// The PostgreSQL server the PostgreSQL ledger's tests run against (SPEC §11): DIPSETTLE_TEST_PG, a URL of a database
// on it whose role may CREATE DATABASE (`.ci/pg-cluster start` prints one; `.ci/run` starts it). Each suite gets a
// database of its own (freshDatabase), dropped after it.
//
// Without a server: in CI (CI set) the PostgreSQL suites FAIL — a skipped backend is a defect there; on a laptop they
// skip, saying how to run them.
import { randomBytes } from 'node:crypto'
import { describe, it } from 'vitest'
import pg from 'pg'

export const PG_TEST_URL: string | undefined = process.env['DIPSETTLE_TEST_PG'] || undefined

const HOW = 'DIPSETTLE_TEST_PG is not set: run `eval "$(.ci/pg-cluster start)"` first'

/** describe() for a suite that needs the PostgreSQL server: fails in CI, skips elsewhere, when there is none. */
export function describePg(name: string, fn: (url: string) => void): void {
  if (PG_TEST_URL !== undefined) {
    describe(name, () => fn(PG_TEST_URL))
  } else if (process.env['CI']) {
    describe(name, () => {
      it('has a PostgreSQL server to run against', () => {
        throw new Error(`${HOW} (CI must run the PostgreSQL ledger's tests)`)
      })
    })
  } else {
    console.warn(`${name}: skipped (${HOW})`)
    describe.skip(name, () => fn(''))
  }
}

/** A new, empty database on the test server; drop() removes it (closing whatever still holds it). */
export async function freshDatabase(baseUrl: string, tag = 't'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `dipsettle_${tag}_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const u = new URL(baseUrl)
  u.pathname = '/' + name
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}
