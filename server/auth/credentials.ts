// Bearer credentials: one per hospital (it sees and writes only its own records) and the bureau's admin (month-end).
// Stored in a `credentials` table of the ledger file, hashed: a token is `dps_<key id>_<secret>`; the row holds the key
// id in clear (to find the row) and sha256 of the whole token (random 32-byte secrets need no slow hash). The presented
// token's hash is compared with crypto.timingSafeEqual. A row read is reused for up to a second (ROW_CACHE_MS): a
// revocation by another process (or by `dipsettle credentials`) takes effect within that second.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type Database from 'better-sqlite3'

export type Principal =
  | { readonly role: 'hospital'; readonly hospital: string; readonly keyId: string }
  | { readonly role: 'admin'; readonly keyId: string }

export interface IssuedCredential {
  /** Shown once: only its hash is stored. */
  readonly token: string
  readonly principal: Principal
}

/** What the auth hook needs: a token → who it belongs to, or undefined. */
export interface CredentialVerifier {
  verify(token: string): Principal | undefined
}

const TOKEN_RE = /^dps_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest()
}

interface Row { key_id: string; token_sha256: Buffer; role: 'hospital' | 'admin'; hospital: string | null; revoked: number }

/** How long a credential row read from the file is reused (a revocation takes effect within this time). */
const ROW_CACHE_MS = 1000
const ROW_CACHE_MAX = 10_000

export class CredentialStore implements CredentialVerifier {
  /** key id → the row as read, and when: every request is authenticated, and a row lookup costs a SQLite read. */
  private readonly rows = new Map<string, { readonly row: Row | undefined; readonly at: number }>()
  private readonly byKey
  private readonly insert
  private readonly revokeLabel

  /** `now` (ms, monotonic): the row cache's clock; tests pass their own. */
  constructor(private readonly db: Database.Database, private readonly now: () => number = () => performance.now()) {
    db.exec(`CREATE TABLE IF NOT EXISTS credentials (
      key_id TEXT PRIMARY KEY,
      token_sha256 BLOB NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('hospital', 'admin')),
      hospital TEXT,
      label TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL,
      revoked INTEGER NOT NULL DEFAULT 0,
      CHECK ((role = 'hospital') = (hospital IS NOT NULL))
    )`)
    this.byKey = db.prepare<[string], Row>('SELECT key_id, token_sha256, role, hospital, revoked FROM credentials WHERE key_id = ?')
    this.insert = db.prepare('INSERT INTO credentials (key_id, token_sha256, role, hospital, label, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    this.revokeLabel = db.prepare('UPDATE credentials SET revoked = 1 WHERE label = ? AND revoked = 0')
  }

  /** Create a credential; the token is returned once and never stored. */
  add(who: { hospital: string } | { admin: true }, label = ''): IssuedCredential {
    const keyId = randomBytes(8).toString('hex')
    const token = `dps_${keyId}_${randomBytes(32).toString('base64url')}`
    const hospital = 'hospital' in who ? who.hospital : null
    this.insert.run(keyId, sha256(token), hospital === null ? 'admin' : 'hospital', hospital, label, new Date().toISOString())
    this.rows.delete(keyId)
    const principal: Principal = hospital === null ? { role: 'admin', keyId } : { role: 'hospital', hospital, keyId }
    return { token, principal }
  }

  /** Revoke every live credential with this label (the demo re-issues its tokens on each start). */
  revokeLabelled(label: string): number {
    this.rows.clear()
    return this.revokeLabel.run(label).changes
  }

  private row(keyId: string): Row | undefined {
    const now = this.now()
    const hit = this.rows.get(keyId)
    if (hit !== undefined && now - hit.at < ROW_CACHE_MS) return hit.row
    const row = this.byKey.get(keyId)
    if (this.rows.size >= ROW_CACHE_MAX) this.rows.clear()
    this.rows.set(keyId, { row, at: now })
    return row
  }

  verify(token: string): Principal | undefined {
    const m = TOKEN_RE.exec(token)
    if (!m) return undefined
    const keyId = m[1] as string
    const row = this.row(keyId)
    const presented = sha256(token)
    // compare even when the row is missing, so a miss and a wrong secret take the same time
    const stored = row?.token_sha256 ?? Buffer.alloc(presented.length)
    const equal = stored.length === presented.length && timingSafeEqual(stored, presented)
    if (!row || !equal || row.revoked !== 0) return undefined
    if (row.role === 'admin') return { role: 'admin', keyId }
    return { role: 'hospital', hospital: row.hospital as string, keyId }
  }
}
