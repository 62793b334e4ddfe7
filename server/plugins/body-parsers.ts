// Request bodies, parsed strictly (SPEC §1; engine/strict-json.ts, engine/strict-msgpack.ts): application/json for
// every route; batch bodies application/x-ndjson (one claim per line) and application/x-msgpack (an array of claims,
// or claims one after another). Both batch forms become an array; the route's schema then validates each claim
// (`[3].fees[2].amount`).
import type { Buffer } from 'node:buffer'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { unpackMultiple } from 'msgpackr'
import { forEachLine, scannedMsgid } from '../../engine/pool/lines.js'
import { checkStrictMsgpack } from '../../engine/strict-msgpack.js'
import { parseStrictJson, type StrictJson } from '../../engine/strict-json.js'
import { reason } from '../../engine/reasons.js'
import { rejectionToResult, type AdjudicationResult } from '../../engine/result.js'
import { HttpError } from '../errors.js'

/** A request body as received: its bytes, and its text (without a leading byte-order mark). */
export interface ReceivedJson { readonly bytes: Buffer; readonly text: string }

/** The body of each request parsed by a parser from keepJsonText. */
const received = new WeakMap<FastifyRequest, ReceivedJson>()

export function receivedJsonOf(req: FastifyRequest): ReceivedJson | undefined {
  return received.get(req)
}

/** A strict-parse refusal (engine/strict-json.ts) as the route's 400, naming the field or the byte offset (SPEC §1). */
export function refusal(r: Extract<StrictJson, { ok: false }>): HttpError {
  return new HttpError(r.code, r.field, r.message)
}

/**
 * application/json for every route of the app: parsed strictly in one pass over the bytes (engine/strict-json.ts: UTF-8,
 * repeated keys, `__proto__`, nesting deeper than 32, numbers' text kept for the money check), never repaired.
 */
export function registerStrictJson(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, raw, done) => {
    const r = parseStrictJson(raw as Buffer)
    if (r.ok) done(null, r.value)
    else done(refusal(r), undefined)
  })
}

/**
 * In this (encapsulated) context, application/json is parsed strictly as registerStrictJson does and the bytes and
 * text are kept for receivedJsonOf: the settlement route hands it to the ledger writer thread, which hashes it off
 * the event loop.
 */
export function keepJsonText(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, raw, done) => {
    const bytes = raw as Buffer
    const r = parseStrictJson(bytes)
    if (!r.ok) { done(refusal(r), undefined); return }
    // the strict parser skips a leading byte-order mark; JSON.parse (the writer thread's) does not
    const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
    received.set(req, { bytes, text: bytes.toString('utf8', bom ? 3 : 0) })
    done(null, r.value)
  })
}

/** The answers of /v1/batches lines refused by the strict parse, by line (each answers alone: #14). */
export interface RefusedLine { readonly index: number; readonly result: AdjudicationResult }
const refusedLines = new WeakMap<FastifyRequest, RefusedLine[]>()

/** The lines of a batch the strict parse refused (not in req.body), each with its answer and place among the lines. */
export function refusedLinesOf(req: FastifyRequest): readonly RefusedLine[] {
  return refusedLines.get(req) ?? []
}

/** A refused line's answer: a rejection naming the field (the msgid as far as a byte scan finds it). */
function refusedLine(line: Uint8Array, r: Extract<StrictJson, { ok: false }>): AdjudicationResult {
  return rejectionToResult(scannedMsgid(line), [reason(r.code, r.field, r.message)])
}

export function registerBatchParsers(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer' }, (req, body, done) => {
    const out: unknown[] = []
    const refused: RefusedLine[] = []
    let n = 0
    let failed: HttpError | undefined
    forEachLine(body as Buffer, (s, e) => {
      if (failed !== undefined) return
      const line = (body as Buffer).subarray(s, e)
      const r = parseStrictJson(line)
      if (r.ok) out.push(r.value)
      // a line that is not JSON at all refuses the batch; one refused by strict input answers alone (#14)
      else if (r.code === 'E_BAD_JSON') failed = new HttpError('E_BAD_JSON', `[${n}]`, `line ${n + 1} is not JSON: ${r.message}`)
      else refused.push({ index: n, result: refusedLine(line, r) })
      n++
    })
    if (failed !== undefined) { done(failed, undefined); return }
    if (refused.length > 0) refusedLines.set(req, refused)
    done(null, out)
  })
  app.addContentTypeParser('application/x-msgpack', { parseAs: 'buffer' }, (_req, body, done) => {
    // strict input before decoding: msgpackr would keep the last of repeated keys and replace bytes that are not UTF-8
    const strict = checkStrictMsgpack(body as Buffer)
    if (strict !== null) { done(new HttpError('E_FIELD_FORMAT', strict.field, strict.message), undefined); return }
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
