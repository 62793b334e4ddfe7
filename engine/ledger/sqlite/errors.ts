// Which SQLite failures are the storage's, not one claim's: they abort the whole transaction (nothing of it written).
import Database from 'better-sqlite3'

/** A fault of the storage (disk full, I/O, busy, corrupt): not one claim's problem. */
export function isStorageFault(e: unknown): boolean {
  return e instanceof Database.SqliteError
}

/** SQLITE_FULL: the disk (or the file's size limit) is full; answered 503 E_STORAGE_FULL until space returns. */
export function isStorageFull(e: unknown): boolean {
  return e instanceof Database.SqliteError && (e.code === 'SQLITE_FULL' || e.code.startsWith('SQLITE_FULL_'))
}
