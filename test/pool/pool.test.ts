// The worker pool answers exactly what the single-threaded path answers, in input order, whatever the number of
// workers: a person's claims run one after the other (one lane per person), different people in parallel.
import { fileURLToPath } from 'node:url'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runJsonLines, inProcessChunks } from '../../engine/cli/commands/adjudicate.js'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { AdjudicationPool } from '../../engine/pool/index.js'
import type { PoolOptions, RunSummary } from '../../engine/pool/index.js'
import type { Person } from '../../engine/tables/types.js'
import { chunked, Collect, demoLines, demoTables, requireBuilt, tablesFile, withoutSetlId } from './helpers.js'

let dir: string
let busyLines: string[]

beforeAll(() => {
  requireBuilt()
  dir = mkdtempSync(join(tmpdir(), 'dipsettle-pool-'))
  // 3,000 demo claims squeezed onto 40 people (each keeps its insutype), so that every person has dozens of claims
  // whose deductibles, caps and 大病 tiers depend on the ones before: a wrong order would change the amounts
  const t = demoTables()
  const byType = new Map<string, Person[]>()
  for (const p of [...t.persons.values()].sort((a, b) => (a.psnNo < b.psnNo ? -1 : 1))) {
    const l = byType.get(p.insutype) ?? []
    if (l.length < 20) l.push(p)
    byType.set(p.insutype, l)
  }
  busyLines = demoLines({ count: 3000, seed: 7, outpatientShare: 0.2, referralShare: 0.1 }).map((line) => {
    const c = JSON.parse(line) as { psn_no: string; insutype: string }
    const few = byType.get(c.insutype) as Person[]
    let h = 0
    for (const ch of c.psn_no) h = (h * 31 + ch.charCodeAt(0)) >>> 0
    c.psn_no = (few[h % few.length] as Person).psnNo
    return JSON.stringify(c)
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function viaPool(input: string, opts: Omit<PoolOptions, 'tablesFile'>): Promise<{ out: string; summary: RunSummary }> {
  const pool = new AdjudicationPool({ tablesFile: tablesFile(), ...opts })
  try {
    const out = new Collect()
    const summary = await pool.run(chunked(input), out)
    return { out: out.text(), summary }
  } finally {
    await pool.close()
  }
}

/** The single-threaded path of `dipsettle adjudicate` (engine/cli/commands/adjudicate.ts). */
async function inThisThread(input: string, ledgerFile?: string): Promise<string> {
  const t = demoTables()
  const ledger = ledgerFile !== undefined ? openLedger(ledgerFile) : undefined
  try {
    const out = new Collect()
    await runJsonLines(inProcessChunks({ tables: t, policy: t.policy, ...(ledger ? { ledger } : {}) }), { input: chunked(input), output: out })
    return out.text()
  } finally {
    ledger?.close()
  }
}

function settledRows(file: string): { rows: number; msgids: number; problems: number } {
  const l = openLedger(file, { readonly: true })
  try {
    return {
      rows: l.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get() as number,
      msgids: l.db.prepare('SELECT COUNT(DISTINCT msgid) FROM settlements').pluck().get() as number,
      problems: l.verify().length,
    }
  } finally {
    l.close()
  }
}

function statuses(out: string): Record<string, number> {
  const n: Record<string, number> = {}
  for (const l of out.trim().split('\n')) {
    const s = (JSON.parse(l) as { status: string }).status
    n[s] = (n[s] ?? 0) + 1
  }
  return n
}

describe('the pool gives the single-threaded answers, in input order', () => {
  it('without a ledger: 1 and 2 workers print the same bytes as the in-thread path', async () => {
    const input = busyLines.join('\n') + '\n'
    const base = await inThisThread(input)
    const one = await viaPool(input, { workers: 1 })
    const two = await viaPool(input, { workers: 2, batchSize: 25 })
    expect(one.summary.lines).toBe(3000)
    expect(one.out).toBe(base)
    expect(two.out).toBe(base)
    expect(two.summary.computed + two.summary.rejected).toBe(3000)
  })

  // three recording runs of 3,000 claims: ~50 s on the shared 2-core machine under load, past vitest's 60 s default
  it('with a ledger: 1 and 2 workers record the same settlements as the in-thread path (setl_id aside)', { timeout: 180_000 }, async () => {
    const input = busyLines.join('\n') + '\n'
    const base = await inThisThread(input, join(dir, 'l0.sqlite'))
    const one = await viaPool(input, { workers: 1, ledgerFile: join(dir, 'l1.sqlite') })
    const two = await viaPool(input, { workers: 2, ledgerFile: join(dir, 'l2.sqlite') })
    expect(withoutSetlId(one.out)).toBe(withoutSetlId(base))
    expect(withoutSetlId(two.out)).toBe(withoutSetlId(base))
    // most claims settle; the order-dependent ones are what this test is about
    const settled = statuses(base)['settled'] ?? 0
    expect(settled).toBeGreaterThan(2000)
    expect(two.summary.settled).toBe(settled)
    for (const f of ['l0', 'l1', 'l2']) expect(settledRows(join(dir, `${f}.sqlite`))).toEqual({ rows: settled, msgids: settled, problems: 0 })
  })

  it('answers bigger than the reused answer buffer (claims of ~400 lines, one per batch) come out the same', async () => {
    const big = demoLines({ count: 40, seed: 19, outpatientShare: 0, linesPerClaim: [380, 420] })
    const input = [...big, ...busyLines.slice(0, 200), ...big.slice(0, 5)].join('\n') + '\n'
    const base = await inThisThread(input)
    const pooled = await viaPool(input, { workers: 2, batchSize: 1 })
    expect(pooled.out).toBe(base)
    expect(Math.max(...base.split('\n').map((l) => l.length))).toBeGreaterThan(16 * 1024)
  })

  it('a batch whose answers outgrow the reused buffer part-way (small answers first, then big ones) comes out the same', async () => {
    // batches of 4: two ordinary claims, then two of ~400 lines; the worker writes the first answers into the batch's
    // buffer (4 × 16 KB) and moves everything to a buffer of its own when a later one does not fit
    const big = demoLines({ count: 12, seed: 23, outpatientShare: 0, linesPerClaim: [380, 420] })
    const small = busyLines.slice(0, 24)
    const input: string[] = []
    for (let i = 0; i < 12; i += 2) input.push(small[2 * i]!, small[2 * i + 1]!, big[i]!, big[i + 1]!)
    const text = input.join('\n') + '\n'
    const base = await inThisThread(text)
    const pooled = await viaPool(text, { workers: 2, batchSize: 4 })
    expect(pooled.out).toBe(base)
    // the case is real: some batch starts with an answer that fits and needs more than its buffer in all
    const sizes = base.trim().split('\n').map((l) => Buffer.byteLength(l) + 1)
    const spills = [0, 4, 8, 12, 16, 20].filter((i) => sizes[i]! < 16 * 1024 && sizes.slice(i, i + 4).reduce((a, b) => a + b, 0) > 4 * 16 * 1024)
    expect(spills.length).toBeGreaterThan(0)
  })
})

describe('bad lines are answered in place and the rest continues', () => {
  it('not-JSON and non-object lines are E_BAD_JSON at their own position; blank lines get no answer', async () => {
    const good = busyLines.slice(0, 200)
    const withBad = [...good.slice(0, 50), 'not json at all', '[1,2,3]', '', '   ', good[50]!.slice(0, 100), ...good.slice(50)]
    const clean = (await viaPool(good.join('\n') + '\n', { workers: 2 })).out.trim().split('\n')
    const { out, summary } = await viaPool(withBad.join('\r\n'), { workers: 2, batchSize: 10 })
    const lines = out.trim().split('\n')
    expect(summary.lines).toBe(203) // 200 claims + 3 bad lines; the 2 blank lines are skipped
    expect(lines.slice(0, 50)).toEqual(clean.slice(0, 50))
    for (const i of [50, 51, 52]) {
      const r = JSON.parse(lines[i]!) as { status: string; reasons: { code: string }[] }
      expect(r.status).toBe('rejected')
      expect(r.reasons[0]?.code).toBe('E_BAD_JSON')
    }
    expect(lines.slice(53)).toEqual(clean.slice(50))
  })
})

describe('two ways to cut batches, the same answers', () => {
  // recording nothing, batches are runs of consecutive raw lines (in-order.ts): the worker splits them, so CRLF, blank
  // lines, bad lines, a last line without its newline and lines cut by chunk boundaries must all come out as the
  // in-thread path prints them, whatever the batch size and chunk size
  it('without a ledger: every batch size and chunk size prints the in-thread bytes', async () => {
    const good = busyLines.slice(0, 120)
    // and the in-thread command splits as the pool does: a lone CR is JSON whitespace inside a line, not a line
    // break, and a line of U+00A0 is not blank (JSON whitespace is space, tab, CR, LF)
    const loneCr = good[30]!.replace('","', '",\r"')
    const mixed = [...good.slice(0, 30), '', 'not json', '  \t ', '{"psn_no":"a","psn_no":"b"}', loneCr, '\u00a0',
      '{"a":1}\r{"b":2}', ...good.slice(31)].join('\r\n')
    const base = await inThisThread(mixed)
    expect(base.trim().split('\n')).toHaveLength(124)
    const at = (i: number): { status: string; msgid: string; reasons: { code: string }[] } => JSON.parse(base.trim().split('\n')[i]!)
    expect(at(32).msgid).toBe((JSON.parse(good[30]!) as { msgid: string }).msgid)
    expect(at(32).status).not.toBe('rejected')
    expect([at(33).reasons[0]?.code, at(34).reasons[0]?.code]).toEqual(['E_BAD_JSON', 'E_BAD_JSON'])
    // a repeated psn_no key is refused in this thread as in the pool (lines.ts psnNoAmbiguous)
    expect(at(31)).toMatchObject({ status: 'rejected', reasons: [{ code: 'E_FIELD_FORMAT', field: 'psn_no' }] })
    for (const [batchSize, chunk] of [[1, 65536], [3, 1000], [7, 333], [50, 65536], [200, 4096]] as const) {
      const pool = new AdjudicationPool({ tablesFile: tablesFile(), workers: 2, batchSize })
      try {
        const out = new Collect()
        const summary = await pool.run(chunked(mixed, chunk), out)
        expect(summary.lines).toBe(124)
        expect(out.text()).toBe(base)
      } finally {
        await pool.close()
      }
    }
  })

  it('writeInPlace: answers written from the reused buffers reach a slow output intact (a buffer is reused only after its write)', async () => {
    // a pipe-like output: it reads each chunk only a little later, as the OS would; a buffer reused before the write
    // callback would show up here as another batch's bytes
    class SlowPipe extends Writable {
      readonly copies: Buffer[] = []
      inPlace = 0
      override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
        if (chunk.buffer instanceof SharedArrayBuffer) this.inPlace++ // a worker's answer buffer, not a copy
        setTimeout(() => { this.copies.push(Buffer.from(chunk)); cb() }, 8)
      }
    }
    // batches of 16 claims answer in ~100 KB, written in place; input chunks of 256 KB cut several batches at once, so
    // that batches wait to be dispatched (and take a released buffer) while a write is still with the output
    const input = busyLines.slice(0, 1500).join('\n') + '\n'
    const base = await inThisThread(input)
    for (const ledgerFile of [undefined, join(dir, 'in-place.sqlite')]) {
      const pool = new AdjudicationPool({ tablesFile: tablesFile(), workers: 2, batchSize: 16, ...(ledgerFile ? { ledgerFile } : {}) })
      try {
        const out = new SlowPipe({ highWaterMark: 16 * 1024 })
        await pool.run(chunked(input, 256 * 1024), out, { writeInPlace: true })
        // the last write may still be with the pipe (accepted, its 8 ms not yet over): end it and wait, then read
        out.end()
        await finished(out)
        // cut in order, whole batches go in place; with lanes, only an answer line of 64 KB or more would
        if (ledgerFile === undefined) expect(out.inPlace).toBeGreaterThan(10)
        const text = Buffer.concat(out.copies).toString('utf8')
        if (ledgerFile === undefined) expect(text).toBe(base)
        else expect(withoutSetlId(text)).toBe(withoutSetlId(await inThisThread(input, join(dir, 'in-place-base.sqlite'))))
      } finally {
        await pool.close()
      }
    }
  })

  it('a dry run against a ledger (cut in order) answers what the in-thread dry run answers, and records nothing', async () => {
    const file = join(dir, 'dry.sqlite')
    await viaPool(busyLines.slice(0, 400).join('\n') + '\n', { workers: 2, ledgerFile: file })
    const before = settledRows(file)
    // the next claims of the same persons: their deductibles and caps depend on the recorded history
    const input = busyLines.slice(400, 900).join('\n') + '\n'
    const t = demoTables()
    const ledger = openLedger(file, { readonly: true })
    const base = new Collect()
    try {
      await runJsonLines(inProcessChunks({ tables: t, policy: t.policy, ledger, dryRun: true }), { input: chunked(input), output: base })
    } finally {
      ledger.close()
    }
    const dry = await viaPool(input, { workers: 2, ledgerFile: file, dryRun: true, batchSize: 25 })
    expect(dry.out).toBe(base.text())
    expect(dry.summary.computed).toBeGreaterThan(400)
    expect(settledRows(file)).toEqual(before)
  })
})

describe('a worker that dies loses nothing and applies nothing twice', () => {
  it('a crash after a batch committed: the batch is retried, replays its first answers, and the ledger holds each claim once', async () => {
    const input = busyLines.slice(0, 1000).join('\n') + '\n'
    const victim = (JSON.parse(busyLines[437]!) as { msgid: string }).msgid
    const clean = await viaPool(input, { workers: 2, ledgerFile: join(dir, 'c0.sqlite') })
    const crashed = await viaPool(input, {
      workers: 2, ledgerFile: join(dir, 'c1.sqlite'),
      testHook: faultHook({ exitOnMsgid: victim, when: 'after', onceFile: join(dir, 'crashed-once') }),
    })
    expect(crashed.summary.retriedBatches).toBe(1)
    expect(crashed.summary.failedBatches).toBe(0)
    expect(withoutSetlId(crashed.out)).toBe(withoutSetlId(clean.out))
    const settled = crashed.summary.settled
    expect(settledRows(join(dir, 'c1.sqlite'))).toEqual({ rows: settled, msgids: settled, problems: 0 })
  })

  it('a crash inside the batch\'s open transaction: nothing of it was committed, the retry records it once', async () => {
    const input = busyLines.slice(0, 1000).join('\n') + '\n'
    const victim = (JSON.parse(busyLines[612]!) as { msgid: string }).msgid
    const clean = await viaPool(input, { workers: 2, ledgerFile: join(dir, 'd0.sqlite') })
    const crashed = await viaPool(input, {
      workers: 2, ledgerFile: join(dir, 'd1.sqlite'),
      testHook: faultHook({ exitOnMsgid: victim, when: 'during', onceFile: join(dir, 'crashed-during') }),
    })
    expect(crashed.summary.retriedBatches).toBe(1)
    expect(withoutSetlId(crashed.out)).toBe(withoutSetlId(clean.out))
    const settled = crashed.summary.settled
    expect(settledRows(join(dir, 'd1.sqlite'))).toEqual({ rows: settled, msgids: settled, problems: 0 })
  })

  it('a batch whose worker dies after committing, twice: its claims are answered as recorded, not E_FAILED', async () => {
    const input = busyLines.slice(0, 600).join('\n') + '\n'
    const victim = (JSON.parse(busyLines[300]!) as { msgid: string }).msgid
    const clean = await viaPool(input, { workers: 2, batchSize: 20, ledgerFile: join(dir, 'g0.sqlite') })
    const ledgerFile = join(dir, 'g1.sqlite')
    const crashed = await viaPool(input, {
      workers: 2, batchSize: 20, ledgerFile, testHook: faultHook({ exitOnMsgid: victim, when: 'after', onceFile: null }),
    })
    expect(crashed.summary.failedBatches).toBe(1)
    expect(crashed.summary.faults).toBe(0)
    expect(crashed.summary.settled).toBe(clean.summary.settled)
    expect(withoutSetlId(crashed.out)).toBe(withoutSetlId(clean.out))
    const settled = crashed.summary.settled
    expect(settledRows(ledgerFile)).toEqual({ rows: settled, msgids: settled, problems: 0 })
  })

  it('a batch that kills its worker twice is answered E_FAILED, is not recorded, and every other claim is', async () => {
    const input = busyLines.slice(0, 600).join('\n') + '\n'
    const victim = (JSON.parse(busyLines[300]!) as { msgid: string }).msgid
    const ledgerFile = join(dir, 'f1.sqlite')
    const { out, summary } = await viaPool(input, {
      workers: 2, batchSize: 20, ledgerFile, testHook: faultHook({ exitOnMsgid: victim, when: 'before', onceFile: null }),
    })
    expect(summary.failedBatches).toBe(1)
    const answers = out.trim().split('\n').map((l) => JSON.parse(l) as { msgid: string; status: string; reasons: { code: string }[] })
    expect(answers).toHaveLength(600)
    const failed = answers.filter((a) => a.reasons.some((r) => r.code === 'E_FAILED'))
    expect(failed.length).toBe(summary.faults)
    expect(failed.length).toBeGreaterThan(0)
    expect(failed.length).toBeLessThanOrEqual(20) // one batch
    expect(answers[300]?.reasons[0]?.code).toBe('E_FAILED')
    const l = openLedger(ledgerFile, { readonly: true })
    try {
      const has = l.db.prepare('SELECT COUNT(*) FROM settlements WHERE msgid = ?').pluck()
      for (const a of failed) expect(has.get(a.msgid)).toBe(0)
      expect(l.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get()).toBe(summary.settled)
      expect(l.verify()).toEqual([])
    } finally {
      l.close()
    }
  })
})

describe('stopping early drains what is in flight', () => {
  it('an aborted run prints an in-order prefix, commits whole batches only, and a re-run completes the rest once', async () => {
    const input = busyLines.slice(0, 1500).join('\n') + '\n'
    const ledgerFile = join(dir, 's1.sqlite')
    const clean = await viaPool(input, { workers: 2, ledgerFile: join(dir, 's0.sqlite') })
    const pool = new AdjudicationPool({ tablesFile: tablesFile(), workers: 2, batchSize: 10, ledgerFile, maxPendingLines: 100 })
    let first: { out: string; summary: RunSummary }
    try {
      const stop = new AbortController()
      const out = new Collect()
      const summary = await pool.run(chunked(input, 4096), out, { signal: stop.signal, onProgress: () => stop.abort() })
      first = { out: out.text(), summary }
    } finally {
      await pool.close()
    }
    expect(first.summary.interrupted).toBe(true)
    expect(first.summary.lines).toBeLessThan(1500)
    const cleanLines = withoutSetlId(clean.out).split('\n')
    expect(withoutSetlId(first.out).split('\n').slice(0, first.summary.lines)).toEqual(cleanLines.slice(0, first.summary.lines))
    const after = settledRows(ledgerFile)
    expect(after.problems).toBe(0)
    expect(after.rows).toBe(after.msgids)
    // the same input again: what was recorded replays, the rest settles; together, the clean run's answers
    const again = await viaPool(input, { workers: 2, ledgerFile })
    expect(withoutSetlId(again.out)).toBe(withoutSetlId(clean.out))
    expect(settledRows(ledgerFile)).toEqual(settledRows(join(dir, 's0.sqlite')))
  })
})

describe('options are checked before any worker starts', () => {
  it('names what to pass', () => {
    expect(() => new AdjudicationPool({ tablesFile: tablesFile(), workers: 0 })).toThrow(/options.workers must be an integer from 1/)
    expect(() => new AdjudicationPool({ tablesFile: join(dir, 'nope.sqlite') })).toThrow(/options.tablesFile: .* does not exist/)
    expect(() => new AdjudicationPool({ tablesFile: tablesFile(), dryRun: true })).toThrow(/dryRun needs options.ledgerFile/)
    expect(() => new AdjudicationPool({ tablesFile: tablesFile(), batchSize: 2.5 })).toThrow(/options.batchSize must be an integer/)
  })

  it('a ledger that cannot be created fails ready() before any line, and close() still resolves', async () => {
    // the workers start on ready() (pool.ts start): a recording pool creates its ledger there, before them
    const pool = new AdjudicationPool({ tablesFile: tablesFile(), workers: 1, ledgerFile: join(dir, 'no-such-dir', 'l.sqlite') })
    await expect(pool.ready()).rejects.toThrow()
    await expect(pool.run(chunked(''), new Collect())).rejects.toThrow()
    await pool.close()
  })
})

/** The test-only crash hook (fault-hook.mjs) for a pool's workers. */
function faultHook(data: { exitOnMsgid: string; when: 'before' | 'during' | 'after'; onceFile: string | null }) {
  return { module: fileURLToPath(new URL('./fault-hook.mjs', import.meta.url)), data }
}
