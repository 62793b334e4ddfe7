// Main-thread side of the pool: cut stdin bytes into lines and find each line's person without parsing JSON.
// The main thread only routes; the worker does the real parse (strict: SPEC §1) and validation (SPEC §3 step 1).
import { Buffer } from 'node:buffer'
import { reason, type RejectionCode } from '../reasons.js'
import { parseStrictJson } from '../strict-json.js'
import { rejectionToResult, type AdjudicationResult } from '../result.js'
import { isObject } from '../claim.js'

const NL = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === CR || b === NL
}

/**
 * Calls `fn(start, end)` for each line of `buf` by the splitter's rules: LF or CRLF (one CR stripped), lines of only
 * whitespace skipped, the last line may lack its newline. The worker splits a batch this way whichever way the main
 * thread cut it, and so does the answer for a batch no worker could finish.
 */
export function forEachLine(buf: Buffer, fn: (start: number, end: number) => void): void {
  let s = 0
  while (s < buf.length) {
    let e = buf.indexOf(NL, s)
    if (e < 0) e = buf.length
    let end = e
    if (end > s && buf[end - 1] === CR) end--
    if (!isBlank(buf, s, end)) fn(s, end)
    s = e + 1
  }
}

/** A line with only whitespace is skipped, as readLines (engine/cli/jsonl.ts) does: it gets no output line. */
export function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(buf[i] as number)) return false
  return true
}

/**
 * Splits a byte stream into lines (LF or CRLF). Chunks come in whole; a line cut by a chunk boundary is carried.
 * `onLine` gets a view of the line's bytes without its line ending; it must copy what it keeps beyond the chunk
 * (the lane batcher copies a batch's lines into its shared buffer when the batch is dispatched, and holds the chunk
 * until then).
 */
export class LineSplitter {
  /** The pieces of a line cut by chunk boundaries (kept as a list: a very long line is joined once, not per chunk). */
  private carry: Buffer[] = []

  constructor(private readonly onLine: (line: Buffer) => void) {}

  push(chunk: Buffer): void {
    let start = 0
    if (this.carry.length > 0) {
      // only the line cut by the boundary is copied (carry + the chunk up to its first newline), not the whole chunk
      const nl = chunk.indexOf(NL)
      if (nl < 0) {
        this.carry.push(chunk)
        return
      }
      this.carry.push(chunk.subarray(0, nl))
      const line = Buffer.concat(this.carry)
      this.carry = []
      this.emit(line, 0, line.length)
      start = nl + 1
    }
    for (;;) {
      const nl = chunk.indexOf(NL, start)
      if (nl < 0) break
      this.emit(chunk, start, nl)
      start = nl + 1
    }
    if (start < chunk.length) this.carry.push(chunk.subarray(start))
  }

  /** End of input: the last line may lack its newline. */
  end(): void {
    if (this.carry.length > 0) {
      const c = Buffer.concat(this.carry)
      this.carry = []
      this.emit(c, 0, c.length)
    }
  }

  private emit(buf: Buffer, start: number, end: number): void {
    let e = end
    if (e > start && buf[e - 1] === CR) e--
    if (isBlank(buf, start, e)) return
    this.onLine(buf.subarray(start, e))
  }
}

const PSN_KEY = Buffer.from('"psn_no"')
const MSGID_KEY = Buffer.from('"msgid"')

/**
 * The raw bytes of the string value of a top-level-looking `"key": "…"` in a JSON line, or null. Not a JSON parser:
 * it finds the first `"key"` followed by a colon and a string. Inside a JSON string a quote is always escaped, so
 * `"psn_no":` can only match a key; a nested or duplicated key could fool it, which the worker detects (it compares
 * the routed person with the parsed one) — see README "routing".
 */
export function findStringValue(line: Uint8Array, key: Uint8Array): Uint8Array | null {
  const buf = Buffer.isBuffer(line) ? line : Buffer.from(line.buffer, line.byteOffset, line.byteLength)
  let from = 0
  for (;;) {
    const k = buf.indexOf(key, from)
    if (k < 0) return null
    let i = k + key.length
    while (i < buf.length && isSpace(buf[i] as number)) i++
    if (buf[i] !== COLON) { from = k + 1; continue }
    i++
    while (i < buf.length && isSpace(buf[i] as number)) i++
    if (buf[i] !== QUOTE) return null
    const s = i
    i++
    while (i < buf.length) {
      const b = buf[i] as number
      if (b === BACKSLASH) { i += 2; continue }
      if (b === QUOTE) return buf.subarray(s, i + 1)
      i++
    }
    return null
  }
}

/** The decoded string of a raw JSON string token (with its quotes); null when it is not valid. */
function decodeToken(token: Uint8Array): string | null {
  const t = Buffer.from(token.buffer, token.byteOffset, token.byteLength)
  if (t.indexOf(BACKSLASH) < 0) return t.toString('utf8', 1, t.length - 1)
  try {
    const v = JSON.parse(t.toString('utf8')) as unknown
    return typeof v === 'string' ? v : null
  } catch {
    return null
  }
}

/** The person a line belongs to as the router sees it ('' when not found: such a line is rejected anyway). */
export function routedPsnNo(line: Uint8Array): string {
  const tok = findStringValue(line, PSN_KEY)
  return tok === null ? '' : decodeToken(tok) ?? ''
}

export const PSN_NO_ONCE = 'psn_no must appear once, as a top-level string'

/**
 * True when the byte scan of a claim's text finds another person than JSON.parse did (a repeated or nested "psn_no"
 * key). Routed by the scan and adjudicated as the parse says, such a claim could break the per-person order, so it is
 * refused (E_FIELD_FORMAT on psn_no, PSN_NO_ONCE) by the pool, the in-thread CLI and POST /v1/settlements alike.
 */
export function psnNoAmbiguous(text: Uint8Array, body: unknown): boolean {
  if (!isObject(body)) return false
  const parsed = body['psn_no']
  return typeof parsed === 'string' && parsed !== routedPsnNo(text)
}

/** The answer to a line that is not JSON, on every path that reads JSON lines (the CLI, the pool's workers). */
const BAD_JSON_LINE: AdjudicationResult = rejectionToResult('', [reason('E_BAD_JSON', '', 'the line is not valid JSON')])

/** A line strict input refuses (SPEC §1: bytes not UTF-8, a repeated key, nesting deeper than 32 …), as parsed. */
export class LineRefusal {
  constructor(readonly code: RejectionCode, readonly field: string, readonly message: string) {}
}

/**
 * A line's bytes parsed strictly (engine/strict-json.ts); undefined when it is not valid JSON, a LineRefusal when
 * strict input refuses it. A string is taken as its UTF-8 bytes (its bytes as received are better: a string read
 * with replacement has lost what was not UTF-8).
 */
export function parseJsonLine(line: Uint8Array | string): unknown {
  const r = parseStrictJson(typeof line === 'string' ? Buffer.from(line, 'utf8') : line)
  if (r.ok) return r.value
  return r.code === 'E_BAD_JSON' ? undefined : new LineRefusal(r.code, r.field, r.message)
}

/**
 * The answer a claim line gets before adjudication — not JSON (body undefined), refused by strict input, or an
 * ambiguous psn_no — or undefined when its body is to be adjudicated. The in-thread CLI and the pool's workers answer
 * lines alike through this.
 */
export function preAnswer(body: unknown, bytes: Uint8Array): AdjudicationResult | undefined {
  if (body === undefined) return BAD_JSON_LINE
  if (body instanceof LineRefusal) return rejectionToResult(scannedMsgid(bytes), [reason(body.code, body.field, body.message)])
  if (!psnNoAmbiguous(bytes, body)) return undefined
  const msgid = (body as Record<string, unknown>)['msgid']
  return rejectionToResult(typeof msgid === 'string' ? msgid : '', [reason('E_FIELD_FORMAT', 'psn_no', PSN_NO_ONCE)])
}

/** Lines parsed: each line's pre-answer (or undefined), and the bodies of the lines without one, in order. */
export function preAnswerLines(lines: readonly Buffer[]): { readonly fixed: (AdjudicationResult | undefined)[]; readonly bodies: unknown[] } {
  const fixed: (AdjudicationResult | undefined)[] = []
  const bodies: unknown[] = []
  for (const line of lines) {
    const body = parseJsonLine(line)
    const f = preAnswer(body, line)
    fixed.push(f)
    if (f === undefined) bodies.push(body)
  }
  return { fixed, bodies }
}

/** The answers in line order: each line's pre-answer, else the next of `answers` (the bodies' answers, in order). */
export function inLineOrder(fixed: readonly (AdjudicationResult | undefined)[], answers: readonly AdjudicationResult[]): AdjudicationResult[] {
  let k = 0
  return fixed.map((f) => {
    const r = f ?? answers[k++]
    if (r === undefined) throw new Error(`${answers.length} answers for ${fixed.filter((x) => x === undefined).length} bodies`)
    return r
  })
}

/**
 * The answer without its per-line detail (`lines`): every total, split, DIP result and reason of the claim stays
 * (`adjudicate --compact`, for callers that reconcile totals and do not need ~90 lines per claim; the pool's workers
 * and the in-thread CLI both answer through this).
 */
export function compactAnswer(r: AdjudicationResult): AdjudicationResult {
  if (r.lines === undefined) return r
  const { lines: _lines, ...rest } = r
  return rest
}

/** The msgid as far as a byte scan finds it (for the E_FAILED answer of a batch no worker could process). */
export function scannedMsgid(line: Uint8Array): string {
  const tok = findStringValue(line, MSGID_KEY)
  return tok === null ? '' : decodeToken(tok) ?? ''
}

