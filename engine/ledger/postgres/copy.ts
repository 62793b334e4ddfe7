// `dipsettle ledger copy --from FILE --to URL` (SPEC §11): an embedded SQLite ledger moved into PostgreSQL, whole
// and in one transaction — settlements in seq order (a reversal after what it reverses), their line sets, the
// accumulators as stored (so `verify` on the copy judges the original's bookkeeping too), month-end runs, special-case
// decisions and applications, the national interface's open stays and envelopes, credentials, insured persons and their import log — then each person's
// version (the seq of their latest row) and settlement_seq past the largest seq, so that new settlements continue the
// file's numbering. result_json and line sets are copied as text: an answer replays byte-for-byte from the copy.
//
// Refused, with nothing written: a file that is not a dipsettle ledger of this schema version, a file holding a
// table this copy does not know (it would be left behind), a target that already holds settlements.
import Database from 'better-sqlite3'
import type pg from 'pg'
import { SETTLEMENT_COLUMNS } from '../codec.js'
import { SCHEMA_VERSION } from '../schema.js'
import { LedgerRefused } from './migrate.js'
import { PgLedger } from './ledger.js'

/** The SQLite ledger's tables, in copy order, and whether a ledger must have them (the others appear with use). */
const TABLES: readonly { readonly name: string; readonly required: boolean; readonly orderBy: string }[] = [
  { name: 'settlements', required: true, orderBy: 'seq' },
  { name: 'settlement_line_sets', required: true, orderBy: 'setl_id' },
  { name: 'accumulators', required: true, orderBy: 'psn_no, year' },
  { name: 'cross_region_settlements', required: false, orderBy: 'setl_id' },
  { name: 'cross_region_accumulators', required: false, orderBy: 'psn_no, insuplc_admdvs, year' },
  { name: 'month_end_runs', required: false, orderBy: 'month, pool' },
  { name: 'month_end_hospitals', required: false, orderBy: 'month, pool, fixmedins_code' },
  { name: 'month_end_cases', required: false, orderBy: 'month, pool, setl_id' },
  { name: 'special_case_reviews', required: false, orderBy: 'setl_id' },
  { name: 'special_case_applications', required: false, orderBy: 'setl_id' },
  { name: 'national_stays', required: false, orderBy: 'seq' },
  { name: 'national_stay_fees', required: false, orderBy: 'mdtrt_id, seq' },
  { name: 'national_envelopes', required: false, orderBy: 'msgid' },
  { name: 'national_setl_lists', required: false, orderBy: 'setl_id' },
  { name: 'credentials', required: false, orderBy: 'key_id' },
  // SPEC §6, §15: personal account credits, 周转金, stored clearing and per-capita runs (postgres/schema.ts migration 2)
  { name: 'account_credits', required: false, orderBy: 'psn_no, month' },
  { name: 'turnover_advances', required: false, orderBy: 'year, pool, fixmedins_code' },
  { name: 'clearing_runs', required: false, orderBy: 'year, pool' },
  { name: 'clearing_hospitals', required: false, orderBy: 'year, pool, fixmedins_code' },
  { name: 'per_capita_runs', required: false, orderBy: 'month' },
  { name: 'per_capita_institutions', required: false, orderBy: 'month, fixmedins_code' },
  { name: 'person_versions', required: false, orderBy: 'psn_no, effective_from' },
  { name: 'person_imports', required: false, orderBy: 'seq' },
]

/** Parameters per INSERT (PostgreSQL takes at most 65,535 in one statement). */
const PARAMS_PER_INSERT = 60_000

export interface CopyReport {
  /** Rows copied, by table. */
  readonly rows: Readonly<Record<string, number>>
}

export async function copyLedger(file: string, url: string): Promise<CopyReport> {
  const src = openSource(file)
  try {
    const target = await PgLedger.open(url)
    try {
      return await target.importRows(async (c) => {
        const held = await c.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM settlements')
        if ((held.rows[0]?.n ?? 0) > 0) throw new LedgerRefused(`the target ledger already holds ${held.rows[0]?.n} settlement rows: copy only into an empty one; nothing was written`)
        const rows: Record<string, number> = {}
        for (const t of TABLES) {
          if (!src.tables.has(t.name)) continue
          rows[t.name] = await copyTable(src.db, c, t.name, t.orderBy)
        }
        // each person's version is the seq of their latest row; new settlements continue after the file's last seq
        await c.query('INSERT INTO ledger_persons (psn_no, version) SELECT psn_no, MAX(seq) FROM settlements GROUP BY psn_no')
        await c.query(`SELECT setval('settlement_seq', GREATEST((SELECT MAX(seq) FROM settlements), 1), (SELECT COUNT(*) > 0 FROM settlements))`)
        // the persons' generation (the last import's seq) continues too
        await c.query(`SELECT setval(pg_get_serial_sequence('person_imports', 'seq'), GREATEST((SELECT MAX(seq) FROM person_imports), 1), (SELECT COUNT(*) > 0 FROM person_imports))`)
        return { rows }
      })
    } finally {
      await target.close()
    }
  } finally {
    src.db.close()
  }
}

function openSource(file: string): { db: Database.Database; tables: Set<string> } {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[]))
    const missing = TABLES.filter((t) => t.required && !tables.has(t.name)).map((t) => t.name)
    const version = db.pragma('user_version', { simple: true }) as number
    if (missing.length > 0 || version !== SCHEMA_VERSION) {
      throw new LedgerRefused(`${file} is not a dipsettle ledger of schema version ${SCHEMA_VERSION} (user_version ${version}` +
        `${missing.length > 0 ? `, no ${missing.join(', ')}` : ''}); nothing was copied`)
    }
    const unknown = [...tables].filter((t) => !TABLES.some((k) => k.name === t))
    if (unknown.length > 0) throw new LedgerRefused(`${file} holds tables this copy does not know (${unknown.join(', ')}): they would be left behind; nothing was copied`)
    return { db, tables }
  } catch (e) {
    db.close()
    throw e
  }
}

/** Copy one table, its columns by name, in order; the rows copied. */
async function copyTable(src: Database.Database, c: pg.ClientBase, table: string, orderBy: string): Promise<number> {
  const columns = table === 'settlements' ? [...SETTLEMENT_COLUMNS]
    : (src.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[])
  const select = src.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${orderBy}`).raw(true)
  const rowsPerInsert = Math.floor(PARAMS_PER_INSERT / columns.length)
  let n = 0
  let batch: unknown[][] = []
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return
    const values: unknown[] = []
    const tuples = batch.map((row) => `(${row.map((v) => { values.push(v); return `$${values.length}` }).join(', ')})`)
    await c.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values)
    n += batch.length
    batch = []
  }
  for (const row of select.iterate() as Iterable<unknown[]>) {
    batch.push(row)
    if (batch.length >= rowsPerInsert) await flush()
  }
  await flush()
  return n
}
