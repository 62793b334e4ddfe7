// Credentials in the PostgreSQL ledger (the reports port's CredentialsPort): stored by key id with the token's
// sha256, read back byte-for-byte, revoked by label (only live ones counted).
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { PgLedger } from '../../engine/ledger/postgres/ledger.js'
import { describePg, freshDatabase } from './pg-server.js'

describePg('PostgreSQL ledger credentials', (server) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>
  let ledger: PgLedger
  beforeEach(async () => {
    db = await freshDatabase(server, 'cred')
    ledger = await PgLedger.open(db.url)
  })
  afterEach(async () => {
    await ledger.close()
    await db.drop()
  })

  it('stores, finds and revokes by label', async () => {
    const sha = createHash('sha256').update('dps_0123456789abcdef_secret').digest()
    const at = '2026-12-04T14:30:00.000Z'
    await ledger.credentials.insertCredential({ key_id: '0123456789abcdef', token_sha256: sha, role: 'hospital', hospital: 'H15020300003', label: 'demo', created_at: at })
    await ledger.credentials.insertCredential({ key_id: 'fedcba9876543210', token_sha256: sha, role: 'admin', hospital: null, label: 'demo', created_at: at })
    expect(await ledger.credentials.credentialByKeyId('0123456789abcdef')).toEqual({
      key_id: '0123456789abcdef', token_sha256: sha, role: 'hospital', hospital: 'H15020300003', revoked: 0,
    })
    expect(await ledger.credentials.credentialByKeyId('nope')).toBeUndefined()
    expect(await ledger.credentials.revokeCredentials('demo')).toBe(2)
    expect(await ledger.credentials.revokeCredentials('demo')).toBe(0)
    expect((await ledger.credentials.credentialByKeyId('fedcba9876543210'))?.revoked).toBe(1)
    // a hospital credential names its hospital, an admin none (the table's CHECK)
    await expect(ledger.credentials.insertCredential({ key_id: 'x', token_sha256: sha, role: 'admin', hospital: 'H1', label: '', created_at: at })).rejects.toThrow(/check constraint/)
  })
})
