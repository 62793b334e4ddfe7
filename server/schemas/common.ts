// Schemas shared by the routes: the error answer, ids in the path, money.
import { Type } from 'typebox'

/** Yuan as a JSON number with at most 2 decimals, 0 … 10^10 (SPEC §1); `x-yuan` is checked by parseYuan (app.ts). */
export const Yuan = Type.Number({ 'x-yuan': true, description: 'yuan, at most 2 decimals' })

/** Every answer that is not a 200 (server/errors.ts). */
export const ErrorBody = Type.Object({
  code: Type.String(),
  field: Type.String({ description: 'the path of the offending field (`fees[3].amount`), empty when none' }),
  message: Type.String(),
})

/** Answers every route may give besides its 200. */
export const errorResponses = {
  400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody,
  500: ErrorBody, 503: ErrorBody,
} as const

/** msgid = fixmedins_code (12) + yyyyMMddHHmmss (14) + 4-digit sequence (SPEC §1). */
export const Msgid = Type.String({ pattern: '^[A-Za-z0-9]{12}[0-9]{18}$', description: 'hospital code + yyyyMMddHHmmss + 4-digit sequence' })
export const HospitalCode = Type.String({ pattern: '^[A-Za-z0-9]{12}$' })
export const SetlId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })
