// JSON Lines in and out, streamed with backpressure: stdin is never read whole, stdout is awaited when full.
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { once } from 'node:events'

/** Yield each non-empty input line (without its newline), in order. */
export async function* readLines(input: Readable = process.stdin): AsyncGenerator<string> {
  const rl = createInterface({ input, crlfDelay: Infinity })
  for await (const line of rl) {
    if (line.trim() !== '') yield line
  }
}

/** Parse a line as JSON; undefined when it is not valid JSON (the caller answers E_BAD_JSON). */
export function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown
  } catch {
    return undefined
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
