// Opening a SQLite ledger file: its identity first (SPEC §11: a file that is not a dipsettle ledger is refused with
// its bytes unchanged — another application's database, or a copy of the tables file), then the pragmas that make a
// commit durable, then the schema (engine/ledger/schema.ts) on a new file.
//
// Identity: PRAGMA application_id = LEDGER_APPLICATION_ID and user_version = SCHEMA_VERSION. A ledger written before
// the application id was set (id 0, our schema version, a `settlements` table) is adopted; an empty file becomes a
// ledger. Everything else is refused before anything is written (the reads below write nothing; WAL comes after).
import Database from 'better-sqlite3'
import type { Database as Db } from 'better-sqlite3'
import { ACCOUNTS_SCHEMA_SQL, CLEARING_SCHEMA_SQL, CROSS_REGION_SCHEMA_SQL, SCHEMA_SQL, SCHEMA_VERSION } from '../schema.js'

/** 'DIPL' as a big-endian 32-bit integer: the header field (offset 68) that names the file a dipsettle ledger. */
export const LEDGER_APPLICATION_ID = 0x4449504c

export interface OpenLedgerOptions {
  /** Open an existing ledger only (no schema creation); for read-only tools such as `ledger verify`. */
  readonly readonly?: boolean
  /** ms to wait for another process's write lock before failing with SQLITE_BUSY. */
  readonly busyTimeoutMs?: number
  /** Clock for recorded_at (tests pass a fixed one). */
  readonly now?: () => Date
  /**
   * WAL pages after which a commit on this connection checkpoints them into the file (SQLite's default: 1,000). A
   * bulk run passes BULK_CHECKPOINT_PAGES; `serve` keeps the default, whose checkpoints are shorter pauses.
   */
  readonly checkpointPages?: number
}

/**
 * The checkpoint interval of bulk runs (the pool's workers, `adjudicate --ledger` in one thread): a settlement writes
 * ~6 scattered pages, and each checkpoint writes every page the WAL holds back into the file, re-reading it from the
 * WAL, so that at 1,000 pages a ledger page changed in two commits was written to the file twice. A larger interval
 * merges those writes: fewer writes, reads and fsyncs for the same claims (bench/README.md "WAL checkpoints of bulk
 * runs"). Paid for by a WAL file of up to ~40 MB and a longer pause at the commit that checkpoints, which `serve`'s
 * p99 showed and a file of claims does not.
 */
export const BULK_CHECKPOINT_PAGES = 10_000

/** The file is not a dipsettle ledger (or one of another schema version); nothing was written to it. */
export class NotALedgerError extends Error {
  constructor(readonly file: string, why: string) {
    super(`${file} is not a dipsettle ledger (${why}); it was left unchanged`)
    this.name = 'NotALedgerError'
  }
}

type Identity = 'ledger' | 'empty' | 'adopt'

/** What the file is, read without writing; throws NotALedgerError for anything but a ledger or an empty file. */
function identityOf(db: Db, file: string): Identity {
  let appId: number, version: number, objects: number, settlements: number
  try {
    appId = db.pragma('application_id', { simple: true }) as number
    version = db.pragma('user_version', { simple: true }) as number
    objects = db.prepare('SELECT COUNT(*) FROM sqlite_master').pluck().get() as number
    settlements = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'settlements'").pluck().get() as number
  } catch (e) {
    throw new NotALedgerError(file, (e as Error).message)
  }
  if (appId === LEDGER_APPLICATION_ID) {
    if (version !== SCHEMA_VERSION) throw new NotALedgerError(file, `schema version ${version}, this build reads ${SCHEMA_VERSION}`)
    return 'ledger'
  }
  if (appId !== 0) throw new NotALedgerError(file, `application_id ${appId}`)
  if (objects === 0 && version === 0) return 'empty'
  if (settlements === 1 && version === SCHEMA_VERSION) return 'adopt'
  throw new NotALedgerError(file, settlements === 1 ? `schema version ${version}, this build reads ${SCHEMA_VERSION}` : 'no settlements table')
}

/** Opens the file as a ledger: identity, pragmas, schema. Refuses (NotALedgerError) before writing anything. */
export function openLedgerDb(file: string, opts: OpenLedgerOptions): Db {
  const readonly = opts.readonly ?? false
  const db = new Database(file, { readonly, fileMustExist: readonly })
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`)
    const identity = file === ':memory:' || file === '' ? 'empty' : identityOf(db, file)
    if (readonly) {
      if (identity === 'empty') throw new NotALedgerError(file, 'an empty database')
      return db
    }
    // WAL + FULL: a commit is durable once it returns (a settled claim must survive a power cut)
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    // savepoints (one per claim in a batch) keep their statement journal in memory, not in a temp file
    db.pragma('temp_store = MEMORY')
    if (opts.checkpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${opts.checkpointPages}`)
    if (identity !== 'ledger') {
      db.transaction(() => {
        db.exec(SCHEMA_SQL)
        db.pragma(`user_version = ${SCHEMA_VERSION}`)
        db.pragma(`application_id = ${LEDGER_APPLICATION_ID}`)
      }).immediate()
    } else {
      db.exec(CROSS_REGION_SCHEMA_SQL) // 异地就医 tables of a ledger made before them (IF NOT EXISTS)
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'per_capita_institutions'").get() === undefined) {
        // a ledger made before the personal account credits and the stored clearing (additive: nothing else changes)
        db.transaction(() => { db.exec(ACCOUNTS_SCHEMA_SQL + CLEARING_SCHEMA_SQL) }).immediate()
      }
    }
    return db
  } catch (e) {
    db.close()
    throw e
  }
}
