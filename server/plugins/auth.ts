// Who is calling: `Authorization: Bearer <token>` → a Principal, on every route whose config says `auth`. A missing or
// unknown token is 401 before the body is even read; ownership (403) is checked where the record is known.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { CredentialVerifier, Principal } from '../auth/credentials.js'
import { HttpError } from '../errors.js'

/** none: anyone; any: any credential; admin: the bureau's credential only. */
export type AuthRule = 'none' | 'any' | 'admin'

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRule
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

export function registerAuth(app: FastifyInstance, verifier: CredentialVerifier): void {
  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (req) => {
    const rule = req.routeOptions.config.auth ?? 'none'
    if (rule === 'none') return
    const header = req.headers.authorization
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
    const principal = m ? await verifier.verify(m[1] as string) : undefined
    if (!principal) throw new HttpError('E_UNAUTHENTICATED', 'authorization')
    if (rule === 'admin' && principal.role !== 'admin') {
      throw new HttpError('E_FORBIDDEN', '', 'this route needs the bureau\'s admin credential')
    }
    req.principal = principal
  })
}

/** The authenticated caller (401 when none: a route with `auth: 'any'` has one). */
export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === null) throw new HttpError('E_UNAUTHENTICATED', 'authorization')
  return req.principal
}

/** The caller must be the hospital `code` (writes: a claim or reversal of another hospital is refused, unrecorded). */
export function requireHospital(req: FastifyRequest, code: string | undefined, field = 'fixmedins_code'): string {
  const p = principalOf(req)
  const hospital = p.role === 'hospital' ? p.hospital : null
  const refused = hospitalRefusal(hospital, code, field)
  if (refused !== undefined) throw refused
  return hospital as string
}

/** requireHospital's test for a caller known by its hospital (null: not a hospital credential); the adjudicator threads use it too. */
export function hospitalRefusal(hospital: string | null, code: string | undefined, field = 'fixmedins_code'): HttpError | undefined {
  if (hospital === null) return new HttpError('E_FORBIDDEN', field, 'claims are submitted with a hospital\'s credential')
  if (code !== undefined && code !== hospital) return new HttpError('E_FORBIDDEN', field, `${field} ${code} is not the caller's hospital`)
  return undefined
}

/** Reads: the record's hospital or the admin. */
export function requireOwnerOrAdmin(req: FastifyRequest, code: string | undefined, field = 'fixmedins_code'): void {
  const p = principalOf(req)
  if (p.role === 'admin') return
  if (code !== p.hospital) throw new HttpError('E_FORBIDDEN', field, 'this record belongs to another hospital')
}
