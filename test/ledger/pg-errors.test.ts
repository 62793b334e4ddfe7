// Which PostgreSQL failures the HTTP service answers 503 (engine/ledger/postgres/errors.ts): a database that cannot be
// reached (socket errors, a server shutting down, a standby not yet promoted) and a full disk — never a 500 — and not
// an ordinary fault of the statement.
import { expect, it } from 'vitest'
import pg from 'pg'
import { isDiskFull, isUnreachable } from '../../engine/ledger/postgres/errors.js'
import { toHttpError } from '../../server/app.js'

function dbError(code: string): pg.DatabaseError {
  const e = new pg.DatabaseError('x', 1, 'error')
  e.code = code
  return e
}

function sysError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code })
}

it('names an unreachable ledger database and a full disk, and nothing else', () => {
  for (const e of [sysError('ECONNREFUSED'), sysError('ECONNRESET'), dbError('57P01'), dbError('08006'), dbError('25006'),
    new Error('Connection terminated unexpectedly'), new Error('timeout exceeded when trying to connect')]) {
    expect(isUnreachable(e), e.message).toBe(true)
    expect(toHttpError(e).body().code).toBe('E_LEDGER_UNAVAILABLE')
    expect(toHttpError(e).status).toBe(503)
  }
  expect(isDiskFull(dbError('53100'))).toBe(true)
  expect(toHttpError(dbError('53100')).body().code).toBe('E_STORAGE_FULL')
  // a constraint violation, a syntax error, a plain bug: a fault (500), not "retry later"
  for (const e of [dbError('23505'), dbError('42601'), new TypeError('x is undefined')]) {
    expect(isUnreachable(e) || isDiskFull(e)).toBe(false)
    expect(toHttpError(e).status).toBe(500)
  }
})
