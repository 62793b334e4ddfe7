// The test server itself: reachable, and a fresh database per suite is empty and dropped after.
import { afterAll, beforeAll, expect, it } from 'vitest'
import pg from 'pg'
import { describePg, freshDatabase } from './pg-server.js'

describePg('PostgreSQL test server', (url) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>
  beforeAll(async () => { db = await freshDatabase(url, 'smoke') })
  afterAll(async () => { await db.drop() })

  it('gives each suite an empty database of its own', async () => {
    const c = new pg.Client({ connectionString: db.url })
    await c.connect()
    try {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`)
      expect(r.rows[0]?.n).toBe('0')
    } finally {
      await c.end()
    }
  })
})
