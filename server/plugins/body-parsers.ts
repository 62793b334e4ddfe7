// Batch bodies: application/x-ndjson (one claim per line) and application/x-msgpack (an array of claims, or claims
// one after another). Both become an array; the route's schema then validates each claim (`[3].fees[2].amount`).
import type { Buffer } from 'node:buffer'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { unpackMultiple } from 'msgpackr'
import secureJson from 'secure-json-parse'
import { HttpError } from '../errors.js'

/** A request body as received: its bytes, and its text (without a leading byte-order mark). */
export interface ReceivedJson { readonly bytes: Buffer; readonly text: string }

/** The body of each request parsed by a parser from keepJsonText. */
const received = new WeakMap<FastifyRequest, ReceivedJson>()

export function receivedJsonOf(req: FastifyRequest): ReceivedJson | undefined {
  return received.get(req)
}

/**
 * In this (encapsulated) context, application/json is parsed as fastify's default parser does (secure-json-parse, a
 * `__proto__` or `constructor.prototype` key refused) and the bytes and text are kept for receivedJsonOf: the settlement route hands
 * it to the ledger writer thread, which hashes it off the event loop.
 */
export function keepJsonText(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, raw, done) => {
    const bytes = raw as Buffer
    // secure-json-parse skips a leading byte-order mark; JSON.parse (the writer thread's) does not
    let text = bytes.toString('utf8')
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    let body: unknown
    try {
      body = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
    } catch (e) {
      done(e as Error, undefined) // a SyntaxError: E_BAD_JSON (app.ts), the answer the default parser's error gets
      return
    }
    received.set(req, { bytes, text })
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
