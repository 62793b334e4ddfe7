// Credentials are stored hashed and verified by key id + constant-time hash compare.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CredentialStore } from '../../server/auth/credentials.js'

describe('CredentialStore', () => {
  it('stores only the sha256 of a token and recognises the token, not a tampered one', async () => {
    const db = new Database(':memory:')
    const store = new CredentialStore(db)
    const { token, principal } = await store.add({ hospital: 'H15020300001' }, 'cashier 3')
    expect(principal).toMatchObject({ role: 'hospital', hospital: 'H15020300001' })
    const row = db.prepare('SELECT * FROM credentials').get() as { token_sha256: Buffer; label: string }
    // the secret is what follows `dps_<16 hex key id>_` (base64url: it may itself hold `_`)
    expect(JSON.stringify(db.prepare('SELECT * FROM credentials').all())).not.toContain(token.slice('dps_'.length + 16 + 1))
    expect(row.token_sha256.equals(createHash('sha256').update(token).digest())).toBe(true)
    expect(await store.verify(token)).toMatchObject({ role: 'hospital', hospital: 'H15020300001' })
    const last = token.at(-1) === 'A' ? 'B' : 'A'
    expect(await store.verify(token.slice(0, -1) + last)).toBeUndefined()
    expect(await store.verify('not-a-token')).toBeUndefined()
  })

  it('an admin credential is the admin; a revoked label no longer verifies', async () => {
    const store = new CredentialStore(new Database(':memory:'))
    const admin = await store.add({ admin: true }, 'demo')
    expect(await store.verify(admin.token)).toMatchObject({ role: 'admin' })
    expect(await store.revokeLabelled('demo')).toBe(1)
    expect(await store.verify(admin.token)).toBeUndefined()
  })

  it('a revocation written by another connection takes effect once the cached row is a second old', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dipsettle-cred-'))
    try {
      let now = 0
      const store = new CredentialStore(new Database(join(dir, 'l.sqlite')), () => now)
      const { token } = await store.add({ hospital: 'H15020300001' }, 'cashier 3')
      expect(await store.verify(token)).toBeDefined()
      // another process (the credentials CLI) revokes it in the file
      const other = new Database(join(dir, 'l.sqlite'))
      other.prepare("UPDATE credentials SET revoked = 1 WHERE label = 'cashier 3'").run()
      other.close()
      now = 999
      expect(await store.verify(token)).toBeDefined()
      now = 1001
      expect(await store.verify(token)).toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a token whose hash is kept is still checked against its row: a tampered twin, a revocation, a flood', async () => {
    let now = 0
    const store = new CredentialStore(new Database(':memory:'), () => now)
    const { token } = await store.add({ hospital: 'H15020300001' }, 'cashier 3')
    const twin = token.slice(0, -1) + (token.at(-1) === 'A' ? 'B' : 'A')
    // the real token first (its hash kept), then the same key id with another secret, then the real one again
    expect(await store.verify(token)).toMatchObject({ hospital: 'H15020300001' })
    expect(await store.verify(twin)).toBeUndefined()
    expect(await store.verify(token)).toMatchObject({ hospital: 'H15020300001' })
    // more well-formed tokens than the kept hashes (10,000): the cache is cleared and the real one still verifies
    for (let i = 0; i < 10_050; i++) expect(await store.verify(`dps_${'0'.repeat(16)}_${String(i).padStart(43, 'x')}`)).toBeUndefined()
    expect(await store.verify(token)).toMatchObject({ hospital: 'H15020300001' })
    await store.revokeLabelled('cashier 3')
    now = 5000
    expect(await store.verify(token)).toBeUndefined()
  })
})
