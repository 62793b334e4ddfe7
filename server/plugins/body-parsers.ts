// Batch bodies: application/x-ndjson (one claim per line) and application/x-msgpack (an array of claims, or claims
// one after another). Both become an array; the route's schema then validates each claim (`[3].fees[2].amount`).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { unpackMultiple } from 'msgpackr'
import secureJson from 'secure-json-parse'
import { HttpError } from '../errors.js'

/** The JSON text of each request parsed by a parser from keepJsonText (its body as received). */
const texts = new WeakMap<FastifyRequest, string>()

export function jsonTextOf(req: FastifyRequest): string | undefined {
  return texts.get(req)
}

/**
 * In this (encapsulated) context, application/json is parsed as fastify's default parser does (secure-json-parse, a
 * `__proto__` or `constructor.prototype` key refused) and the text is kept for jsonTextOf: the settlement route hands
 * it to the ledger writer thread, which hashes it off the event loop.
 */
export function keepJsonText(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, text, done) => {
    let body: unknown
    try {
      body = secureJson.parse(text as string, undefined, { protoAction: 'error', constructorAction: 'error' })
    } catch (e) {
      done(e as Error, undefined) // a SyntaxError: E_BAD_JSON (app.ts), the answer the default parser's error gets
      return
    }
    // secure-json-parse skips a leading byte-order mark; JSON.parse (the writer thread's) does not
    const t = text as string
    texts.set(req, t.charCodeAt(0) === 0xfeff ? t.slice(1) : t)
    done(null, body)
  })
}

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
