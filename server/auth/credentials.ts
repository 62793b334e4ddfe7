// Bearer credentials: one per hospital (it sees and writes only its own records) and the bureau's admin (month-end).
// Stored in a `credentials` table of the ledger file, hashed: a token is `dps_<key id>_<secret>`; the row holds the key
// id in clear (to find the row) and sha256 of the whole token (random 32-byte secrets need no slow hash). The presented
// token's hash is compared with crypto.timingSafeEqual. A row read is reused for up to a second (ROW_CACHE_MS): a
// revocation by another process (or by `dipsettle credentials`) takes effect within that second. A token's sha256 is
// kept once computed (a pure function of the token: every request of a hospital presents the same one), so a
// request costs a Map lookup instead of a hash; it is still compared with the row as read, so revocation and a
// replaced row work as before.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { CredentialRow, CredentialsPort } from '../../engine/ledger/reports-port.js'
import { sqliteCredentials } from '../../engine/ledger/sqlite/credentials.js'

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
  verify(token: string): Promise<Principal | undefined>
}

const TOKEN_RE = /^dps_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest()
}

type Row = CredentialRow

/** How long a credential row read from the file is reused (a revocation takes effect within this time). */
const ROW_CACHE_MS = 1000
const ROW_CACHE_MAX = 10_000
/** Presented tokens whose sha256 is kept (cleared when full, as the row cache). */
const TOKEN_HASH_MAX = 10_000

export class CredentialStore implements CredentialVerifier {
  /** key id → the row as read, and when: every request is authenticated, and a row lookup costs a ledger read. */
  private readonly rows = new Map<string, { readonly row: Row | undefined; readonly at: number }>()
  private readonly port: CredentialsPort
  /** token → its sha256: the hash is what the row holds, and hashing every request's token costs the event loop. */
  private readonly tokenHashes = new Map<string, Buffer>()

  /** The ledger's credentials (a SQLite handle: its `credentials` table); `now` (ms, monotonic): the row cache's clock. */
  constructor(source: CredentialsPort | Database.Database, private readonly now: () => number = () => performance.now()) {
    this.port = 'credentialByKeyId' in source ? source : sqliteCredentials(source)
  }

  /** Create a credential; the token is returned once and never stored. */
  async add(who: { hospital: string } | { admin: true }, label = ''): Promise<IssuedCredential> {
    const keyId = randomBytes(8).toString('hex')
    const token = `dps_${keyId}_${randomBytes(32).toString('base64url')}`
    const hospital = 'hospital' in who ? who.hospital : null
    await this.port.insertCredential({
      key_id: keyId, token_sha256: sha256(token), role: hospital === null ? 'admin' : 'hospital', hospital, label,
      created_at: new Date().toISOString(),
    })
    this.rows.delete(keyId)
    const principal: Principal = hospital === null ? { role: 'admin', keyId } : { role: 'hospital', hospital, keyId }
    return { token, principal }
  }

  /** Revoke every live credential with this label (the demo re-issues its tokens on each start). */
  async revokeLabelled(label: string): Promise<number> {
    this.rows.clear()
    return this.port.revokeCredentials(label)
  }

  private async row(keyId: string): Promise<Row | undefined> {
    const now = this.now()
    const hit = this.rows.get(keyId)
    if (hit !== undefined && now - hit.at < ROW_CACHE_MS) return hit.row
    const row = await this.port.credentialByKeyId(keyId)
    if (this.rows.size >= ROW_CACHE_MAX) this.rows.clear()
    this.rows.set(keyId, { row, at: now })
    return row
  }

  /** sha256 of a well-formed token, computed once per token. */
  private hashOf(token: string): Buffer {
    let h = this.tokenHashes.get(token)
    if (h === undefined) {
      if (this.tokenHashes.size >= TOKEN_HASH_MAX) this.tokenHashes.clear()
      this.tokenHashes.set(token, h = sha256(token))
    }
    return h
  }

  async verify(token: string): Promise<Principal | undefined> {
    const m = TOKEN_RE.exec(token)
    if (!m) return undefined
    const keyId = m[1] as string
    const row = await this.row(keyId)
    const presented = this.hashOf(token)
    // compare even when the row is missing, so a miss and a wrong secret take the same time
    const stored = row?.token_sha256 ?? Buffer.alloc(presented.length)
    const equal = stored.length === presented.length && timingSafeEqual(stored, presented)
    if (!row || !equal || row.revoked !== 0) return undefined
    if (row.role === 'admin') return { role: 'admin', keyId }
    return { role: 'hospital', hospital: row.hospital as string, keyId }
  }
}
