// Credentials are stored hashed and verified by key id + constant-time hash compare.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { CredentialStore } from '../../server/auth/credentials.js'

describe('CredentialStore', () => {
  it('stores only the sha256 of a token and recognises the token, not a tampered one', () => {
    const db = new Database(':memory:')
    const store = new CredentialStore(db)
    const { token, principal } = store.add({ hospital: 'H15020300001' }, 'cashier 3')
    expect(principal).toMatchObject({ role: 'hospital', hospital: 'H15020300001' })
    const row = db.prepare('SELECT * FROM credentials').get() as { token_sha256: Buffer; label: string }
    expect(JSON.stringify(db.prepare('SELECT * FROM credentials').all())).not.toContain(token.split('_')[2])
    expect(row.token_sha256.equals(createHash('sha256').update(token).digest())).toBe(true)
    expect(store.verify(token)).toMatchObject({ role: 'hospital', hospital: 'H15020300001' })
    const last = token.at(-1) === 'A' ? 'B' : 'A'
    expect(store.verify(token.slice(0, -1) + last)).toBeUndefined()
    expect(store.verify('not-a-token')).toBeUndefined()
  })

  it('an admin credential is the admin; a revoked label no longer verifies', () => {
    const store = new CredentialStore(new Database(':memory:'))
    const admin = store.add({ admin: true }, 'demo')
    expect(store.verify(admin.token)).toMatchObject({ role: 'admin' })
    expect(store.revokeLabelled('demo')).toBe(1)
    expect(store.verify(admin.token)).toBeUndefined()
  })
})
