// Batch bodies: application/x-ndjson (one claim per line) and application/x-msgpack (an array of claims, or claims
// one after another). Both become an array; the route's schema then validates each claim (`[3].fees[2].amount`).
import type { FastifyInstance } from 'fastify'
import { unpackMultiple } from 'msgpackr'
import { HttpError } from '../errors.js'

export function registerBatchParsers(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => {
    const out: unknown[] = []
    const lines = (body as string).split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).trim()
      if (line === '') continue
      try {
        out.push(JSON.parse(line))
      } catch {
        done(new HttpError('E_BAD_JSON', `[${out.length}]`, `line ${i + 1} is not JSON`), undefined)
        return
      }
    }
    done(null, out)
  })
  app.addContentTypeParser('application/x-msgpack', { parseAs: 'buffer' }, (_req, body, done) => {
    let values: unknown[]
    try {
      values = unpackMultiple(body as Buffer) as unknown[]
    } catch {
      done(new HttpError('E_BAD_JSON', '', 'the body is not valid msgpack'), undefined)
      return
    }
    done(null, values.length === 1 && Array.isArray(values[0]) ? values[0] : values)
  })
}
