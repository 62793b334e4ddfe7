// The credentials part of the reports port (engine/ledger/reports-port.ts CredentialsPort) in the PostgreSQL ledger:
// the `credentials` table of schema.ts, the key id in clear and sha256 of the whole token (server/auth/credentials.ts).
import type pg from 'pg'
import type { CredentialRow, CredentialsPort } from '../reports-port.js'

/** The row as the port defines it (the name kept for callers of the PostgreSQL branch). */
export type PgCredentialRow = CredentialRow

export class PgCredentials implements CredentialsPort {
  constructor(private readonly pool: pg.Pool) {}

  async insertCredential(r: Omit<PgCredentialRow, 'revoked'> & { readonly label: string; readonly created_at: string }): Promise<void> {
    await this.pool.query({
      name: 'cred-insert', values: [r.key_id, r.token_sha256, r.role, r.hospital, r.label, r.created_at],
      text: 'INSERT INTO credentials (key_id, token_sha256, role, hospital, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
    })
  }

  async credentialByKeyId(keyId: string): Promise<PgCredentialRow | undefined> {
    const r = await this.pool.query<PgCredentialRow>({
      name: 'cred-by-key', values: [keyId],
      text: 'SELECT key_id, token_sha256, role, hospital, revoked FROM credentials WHERE key_id = $1',
    })
    return r.rows[0]
  }

  /** Revoke every live credential with this label; how many were. */
  async revokeCredentials(label: string): Promise<number> {
    const r = await this.pool.query({ name: 'cred-revoke', text: 'UPDATE credentials SET revoked = 1 WHERE label = $1 AND revoked = 0', values: [label] })
    return r.rowCount ?? 0
  }
}
