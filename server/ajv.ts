// The one Ajv set-up of the service: fastify's route validation (app.ts) and the adjudicator threads
// (adjudicator-thread.ts), which validate claim bodies themselves, must accept and refuse exactly the same bodies.
import { Ajv } from 'ajv'
import type { DataValidationCxt } from 'ajv/dist/types/index.js'
import { parseYuan } from '../engine/money.js'
import { numberTextOf } from '../engine/strict-json.js'

/** Bodies are checked as sent: no type coercion ("12.5" is not a number), no silent dropping of unknown keys. */
export const AJV_OPTIONS = { coerceTypes: false, removeAdditional: false, allErrors: false, useDefaults: true, strict: false } as const

/**
 * `x-yuan`: a money field, checked by the one money parser (≤ 2 decimals, not negative, ≤ 10^10 yuan) on the number's
 * text as sent when the strict parser kept it (SPEC §1).
 */
export function addYuanKeyword(ajv: Ajv): Ajv {
  ajv.addKeyword({
    keyword: 'x-yuan', type: 'number', schemaType: 'boolean', errors: false,
    validate: (_s: boolean, data: number, _p?: unknown, cxt?: DataValidationCxt) => {
      const parent = cxt?.parentData as object | undefined
      const text = parent !== undefined && cxt !== undefined ? numberTextOf(parent, String(cxt.parentDataProperty)) : undefined
      return parseYuan(data, false, text).ok
    },
  })
  return ajv
}

/** A standalone Ajv configured as the routes' one. */
export function serviceAjv(): Ajv {
  return addYuanKeyword(new Ajv(AJV_OPTIONS))
}
