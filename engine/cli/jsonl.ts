// JSON Lines in and out, streamed with backpressure: stdin is never read whole, stdout is awaited when full.
import { Buffer } from 'node:buffer'
import type { Readable, Writable } from 'node:stream'
import { once } from 'node:events'
import { LineSplitter } from '../pool/lines.js'

/** Yield each non-blank input line's bytes (without its line ending), in order; split as readLineChunks splits. */
export async function* readByteLines(input: Readable = process.stdin): AsyncGenerator<Buffer> {
  for await (const chunk of readLineChunks(input, 100)) yield* chunk
}

/**
 * Yield each non-blank input line (without its line ending), in order; split as readLineChunks splits. Decoded with
 * replacement: for lines to be parsed strictly (SPEC §1), readByteLines.
 */
export async function* readLines(input: Readable = process.stdin): AsyncGenerator<string> {
  for await (const chunk of readLineChunks(input, 100)) for (const line of chunk) yield line.toString('utf8')
}

/**
 * Non-blank input lines (their bytes) in chunks of at most `max`, without waiting for a chunk to fill: whatever has arrived is
 * handed on, so a slow writer still gets each answer promptly and a fast pipe gets full chunks. Lines are split as
 * the worker pool splits them (pool/lines.ts: LF or CRLF; a line of JSON whitespace only is skipped), so that
 * `--workers` never changes which lines are answered.
 */
export async function* readLineChunks(input: Readable, max: number): AsyncGenerator<Buffer[]> {
  const buf: Buffer[] = []
  let done = false
  let failed: unknown = null
  let paused = false
  let wake: (() => void) | undefined
  // a line is a view of its chunk (streams hand over fresh chunks; a line cut by a boundary is a copy)
  const splitter = new LineSplitter((line) => { buf.push(line) })
  const onData = (chunk: Buffer | string): void => {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    if (!paused && buf.length >= max * 8) { paused = true; input.pause() }
    wake?.()
  }
  const onEnd = (): void => { splitter.end(); done = true; wake?.() }
  // closed without 'end' (destroyed): no more input; an error: the lines read before it are answered first
  const onClose = (): void => { done = true; wake?.() }
  const onError = (e: unknown): void => { failed = e; done = true; wake?.() }
  input.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError)
  try {
    for (;;) {
      if (buf.length === 0) {
        if (failed !== null) throw failed
        if (done) return
        await new Promise<void>((resolve) => { wake = resolve })
        wake = undefined
        continue
      }
      const chunk = buf.splice(0, max)
      if (paused && buf.length < max * 2) { paused = false; input.resume() }
      yield chunk
    }
  } finally {
    input.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onError)
  }
}

/** A writer of JSON lines that respects backpressure. */
export class JsonLineWriter {
  private buf = ''
  constructor(private readonly out: Writable = process.stdout, private readonly flushAt = 64 * 1024) {}

  async write(obj: unknown): Promise<void> {
    this.buf += JSON.stringify(obj) + '\n'
    if (this.buf.length >= this.flushAt) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.buf === '') return
    const chunk = this.buf
    this.buf = ''
    if (!this.out.write(chunk)) await once(this.out, 'drain')
  }
}
