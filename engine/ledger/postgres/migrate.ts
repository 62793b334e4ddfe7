// Schema creation and migration by dipsettle itself (SPEC §11): the dipsettle_schema table records every applied
// version. Checked before anything is written, in one transaction that rolls back whole on a refusal:
//   - no dipsettle_schema and no other relation in the schema → a new ledger: every migration applied;
//   - no dipsettle_schema but other tables, views or sequences → not a dipsettle database: refused, left unchanged;
//   - a version newer than this build knows → written by a newer dipsettle: refused;
//   - an older version → the missing migrations applied in order.
// Several processes starting at once on a new database take a transaction-scoped advisory lock first, so exactly one
// creates the schema and the others find it made.
import type pg from 'pg'
import { MIGRATIONS, PG_SCHEMA_VERSION, SCHEMA_TABLE_SQL } from './schema.js'

/** The database is not a dipsettle ledger (or one this build cannot read): nothing was written to it. */
export class LedgerRefused extends Error {
  override readonly name = 'LedgerRefused'
}

/** pg_advisory_xact_lock key of schema migration ('dips' 'migr' as two int4). */
const MIGRATION_LOCK = [0x64697073, 0x6d696772] as const

/**
 * Bring the database to PG_SCHEMA_VERSION, or refuse it. `readonly`: never create or migrate (for `ledger verify`):
 * the database must already be at this version.
 */
export async function migrate(c: pg.ClientBase, opts: { readonly readonly?: boolean } = {}): Promise<void> {
  await c.query('BEGIN')
  try {
    await c.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK])
    const have = await c.query<{ t: string | null }>(`SELECT to_regclass('dipsettle_schema')::text AS t`)
    let version = 0
    if (have.rows[0]?.t == null) {
      const other = await c.query<{ relname: string }>(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          ORDER BY c.relname LIMIT 5`)
      if (other.rows.length > 0) {
        throw new LedgerRefused(`${await where(c)} is not a dipsettle ledger: it holds other relations ` +
          `(${other.rows.map((r) => r.relname).join(', ')}) and no dipsettle_schema table; nothing was written`)
      }
      if (opts.readonly === true) throw new LedgerRefused(`${await where(c)} holds no dipsettle ledger`)
      await c.query(SCHEMA_TABLE_SQL)
    } else {
      const v = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM dipsettle_schema')
      version = v.rows[0]?.v ?? 0
      if (version > PG_SCHEMA_VERSION) {
        throw new LedgerRefused(`${await where(c)} is a dipsettle ledger of schema version ${version}; this dipsettle ` +
          `reads version ${PG_SCHEMA_VERSION} (upgrade dipsettle); nothing was written`)
      }
      if (version < PG_SCHEMA_VERSION && opts.readonly === true) {
        throw new LedgerRefused(`${await where(c)} is a dipsettle ledger of schema version ${version}, older than ` +
          `${PG_SCHEMA_VERSION}: open it once for writing to migrate it`)
      }
    }
    for (let next = version + 1; next <= PG_SCHEMA_VERSION; next++) {
      const sql = MIGRATIONS.get(next)
      if (sql === undefined) throw new Error(`no migration to schema version ${next}`)
      await c.query(sql)
      await c.query('INSERT INTO dipsettle_schema (version) VALUES ($1)', [next])
    }
    await c.query('COMMIT')
  } catch (e) {
    await c.query('ROLLBACK')
    throw e
  }
}

async function where(c: pg.ClientBase): Promise<string> {
  const r = await c.query<{ db: string; schema: string }>('SELECT current_database() AS db, current_schema() AS schema')
  return `PostgreSQL database ${r.rows[0]?.db ?? '?'} (schema ${r.rows[0]?.schema ?? '?'})`
}
