// The HTTP error catalogue: every answer that is not a 200 carries `{ code, field, message }` with a stable code from
// here (SPEC §9 status codes). Field-level codes reuse the claim reason codes of engine/reasons.ts, so a malformed
// `fees[3].amount` reads the same over HTTP as on the CLI. No stack trace ever leaves the process.
import type { ErrorObject } from 'ajv'
import { REJECTIONS } from '../engine/reasons.js'

export const HTTP_ERRORS = {
  E_BAD_JSON: { status: 400, message: REJECTIONS.E_BAD_JSON },
  E_FIELD_MISSING: { status: 400, message: REJECTIONS.E_FIELD_MISSING },
  E_FIELD_TYPE: { status: 400, message: REJECTIONS.E_FIELD_TYPE },
  E_FIELD_FORMAT: { status: 400, message: REJECTIONS.E_FIELD_FORMAT },
  E_FIELD_UNKNOWN: { status: 400, message: 'the field is not part of this request' },
  E_UNKNOWN_FIELD: { status: 400, message: REJECTIONS.E_UNKNOWN_FIELD },
  E_MONEY_FORMAT: { status: 400, message: REJECTIONS.E_MONEY_FORMAT },
  E_MSGID_HOSPITAL: { status: 400, message: 'msgid must start with the caller\'s fixmedins_code' },
  E_BAD_REQUEST: { status: 400, message: 'the request is malformed' },
  E_UNAUTHENTICATED: { status: 401, message: 'no or unknown bearer token' },
  E_FORBIDDEN: { status: 403, message: 'this credential may not see or write this record' },
  E_NOT_FOUND: { status: 404, message: 'no such resource' },
  E_UNKNOWN_SETTLEMENT: { status: 404, message: REJECTIONS.E_UNKNOWN_SETTLEMENT },
  E_UNKNOWN_PERSON: { status: 404, message: REJECTIONS.E_UNKNOWN_PERSON },
  E_NO_REPORT: { status: 404, message: 'no month-end run for this month and pool includes this hospital' },
  E_MSGID_CONFLICT: { status: 409, message: REJECTIONS.E_MSGID_CONFLICT },
  E_MONTH_CLOSED: { status: 409, message: 'the month is closed: a closed month-end run cannot be repeated' },
  E_NOT_CANDIDATE: { status: 409, message: 'the settlement is not a live 特例单议 candidate' },
  E_BODY_TOO_LARGE: { status: 413, message: 'the request body is above the limit of this route' },
  E_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'unsupported Content-Type for this route' },
  E_INTERNAL: { status: 500, message: 'internal error: nothing was recorded for this request' },
  E_SHUTTING_DOWN: { status: 503, message: 'the service is shutting down: retry on another instance' },
  E_STORAGE_FULL: { status: 503, message: 'the ledger\'s disk is full: nothing was recorded; retry later' },
  E_LEDGER_UNAVAILABLE: { status: 503, message: 'the ledger database cannot be reached: retry with the same msgid (it answers what was recorded)' },
  E_NOT_ON_BACKEND: { status: 501, message: 'this route does not run on this ledger backend yet' },
} as const

export type HttpErrorCode = keyof typeof HTTP_ERRORS

/** The body of every error answer. */
export interface ErrorBody {
  readonly code: HttpErrorCode
  readonly field: string
  readonly message: string
}

/** An answer that is not a 200, thrown from a handler or hook and turned into its body by the error handler. */
export class HttpError extends Error {
  readonly status: number
  constructor(readonly code: HttpErrorCode, readonly field = '', message?: string) {
    super(message ?? HTTP_ERRORS[code].message)
    this.name = 'HttpError'
    this.status = HTTP_ERRORS[code].status
  }

  body(): ErrorBody {
    return { code: this.code, field: this.field, message: this.message }
  }
}

/** `/fees/3/amount` (JSON pointer) → `fees[3].amount` (the path form of claim reasons). */
export function pointerToPath(pointer: string): string {
  let out = ''
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (/^\d+$/.test(seg)) out += `[${seg}]`
    else out += out === '' ? seg : `.${seg}`
  }
  return out
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

/** One ajv validation error → the HTTP error naming the field. `prefix` names the part: '' for a body, 'query.' … */
export function fromAjvError(e: ErrorObject, prefix = ''): HttpError {
  const at = prefix + pointerToPath(e.instancePath)
  switch (e.keyword) {
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty
      return new HttpError('E_FIELD_MISSING', join(at, key), `${join(at, key)} is required`)
    }
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty
      // SPEC §1 names the code E_UNKNOWN_FIELD (E_FIELD_UNKNOWN stays in the catalogue, no longer answered)
      return new HttpError('E_UNKNOWN_FIELD', join(at, key), `${join(at, key)} is not part of this request`)
    }
    case 'type':
      return new HttpError('E_FIELD_TYPE', at, `${at || 'body'} ${e.message ?? 'has the wrong type'}`)
    case 'x-yuan':
      return new HttpError('E_MONEY_FORMAT', at, `${at}: ${REJECTIONS.E_MONEY_FORMAT}`)
    default:
      // pattern, enum, minLength, maxItems, minimum …: the value has the right type but not the right form
      return new HttpError('E_FIELD_FORMAT', at, `${at || 'body'} ${e.message ?? 'is not in the required format'}`)
  }
}
