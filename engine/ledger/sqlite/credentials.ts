// The credentials part of the reports port (engine/ledger/reports-port.ts) in the SQLite ledger file: a
// `credentials` table holding the key id in clear and sha256 of the whole token (server/auth/credentials.ts).
import type { Database, Statement } from 'better-sqlite3'
import type { CredentialRow, CredentialsPort } from '../reports-port.js'
import { CREDENTIALS_SCHEMA_SQL } from './reports-schema.js'

export class SqliteCredentials implements CredentialsPort {
  private readonly byKey: Statement<[string], CredentialRow>
  private readonly insert: Statement
  private readonly revoke: Statement

  constructor(db: Database) {
    db.exec(CREDENTIALS_SCHEMA_SQL)
    this.byKey = db.prepare<[string], CredentialRow>('SELECT key_id, token_sha256, role, hospital, revoked FROM credentials WHERE key_id = ?')
    this.insert = db.prepare('INSERT INTO credentials (key_id, token_sha256, role, hospital, label, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    this.revoke = db.prepare('UPDATE credentials SET revoked = 1 WHERE label = ? AND revoked = 0')
  }

  async insertCredential(r: Omit<CredentialRow, 'revoked'> & { label: string; created_at: string }): Promise<void> {
    this.insert.run(r.key_id, r.token_sha256, r.role, r.hospital, r.label, r.created_at)
  }

  async credentialByKeyId(keyId: string): Promise<CredentialRow | undefined> {
    return this.byKey.get(keyId)
  }

  async revokeCredentials(label: string): Promise<number> {
    return this.revoke.run(label).changes
  }
}

export function sqliteCredentials(db: Database): SqliteCredentials {
  return new SqliteCredentials(db)
}
