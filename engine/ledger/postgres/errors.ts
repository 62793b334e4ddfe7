// Which PostgreSQL failures mean "the ledger database cannot be reached now" (a restart, a failover to the streaming
// replica, a network cut) rather than a fault of the request: the HTTP service answers them 503 E_LEDGER_UNAVAILABLE
// and the client resends with the same msgid — the msgid replay answers what was recorded, if the COMMIT got through
// before the connection died (docs/scale-out.md).
import pg from 'pg'

/** Socket errors of a connection that cannot be made or was cut. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'])
/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, read_only_sql_transaction (a standby not yet promoted). */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '25006'])

export function isUnreachable(e: unknown): boolean {
  if (!(e instanceof Error)) return false
  if (e instanceof pg.DatabaseError) return e.code !== undefined && (e.code.startsWith('08') || UNAVAILABLE_STATES.has(e.code))
  const code = (e as { code?: unknown }).code
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true
  // pg's own errors for a connection lost mid-query or a pool that cannot connect in time carry no code
  return /^Connection terminated|^timeout exceeded when trying to connect/.test(e.message)
}

/** The database server's disk is full (SQLSTATE 53100 disk_full): HTTP 503 E_STORAGE_FULL, nothing written. */
export function isDiskFull(e: unknown): boolean {
  return e instanceof pg.DatabaseError && e.code === '53100'
}
