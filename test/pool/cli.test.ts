// `dipsettle adjudicate --workers N` end to end: the built CLI in a child process (`npx tsc -p .` first).
import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { TEST_HOOK_ENV } from '../../engine/pool/index.js'
import { CLI, demoLines, requireBuilt, runCli, tablesFile } from './helpers.js'

let dir: string
let lines: string[]

beforeAll(() => {
  requireBuilt()
  dir = mkdtempSync(join(tmpdir(), 'dipsettle-pool-cli-'))
  lines = demoLines({ count: 500, seed: 11, outpatientShare: 0.3 })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('dipsettle adjudicate --workers', () => {
  it('prints what the single-threaded command prints and exits 0', async () => {
    const input = lines.join('\n') + '\n'
    const plain = await runCli(['adjudicate', '--tables', tablesFile()], input)
    const pooled = await runCli(['adjudicate', '--tables', tablesFile(), '--workers', '2'], input)
    expect(plain.status).toBe(0)
    expect(pooled.status).toBe(0)
    expect(pooled.stdout).toBe(plain.stdout)
    expect(pooled.stderr).toBe('') // stderr is not a TTY here: no progress bar
  })

  it('--compact answers every line as the full answer without its per-line detail, in this thread and on workers', async () => {
    const input = lines.join('\n') + '\n'
    const full = await runCli(['adjudicate', '--tables', tablesFile()], input)
    const inThread = await runCli(['adjudicate', '--tables', tablesFile(), '--compact'], input)
    const pooled = await runCli(['adjudicate', '--tables', tablesFile(), '--workers', '2', '--compact'], input)
    expect([full.status, inThread.status, pooled.status]).toEqual([0, 0, 0])
    expect(pooled.stdout).toBe(inThread.stdout)
    const fullAnswers = full.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const compact = inThread.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(compact).toHaveLength(500)
    // the demo month has rejections too: they have no lines and stay as they are
    expect(fullAnswers.some((a) => a['status'] === 'computed' && Array.isArray(a['lines']))).toBe(true)
    expect(compact.every((a) => !('lines' in a))).toBe(true)
    expect(compact).toEqual(fullAnswers.map(({ lines: _lines, ...rest }) => rest))
  })

  it('with files on stdin and stdout (read in large chunks, written asynchronously) prints what it prints to a pipe', async () => {
    // a last line without its newline, a blank line and a CRLF line: the file path cuts lines as the pipe path does
    const input = lines.slice(0, 199).join('\n') + '\n\n' + lines[199]! + '\r\n' + lines.slice(200).join('\n')
    const piped = await runCli(['adjudicate', '--tables', tablesFile(), '--workers', '2'], input)
    const inFile = join(dir, 'in.jsonl')
    const outFile = join(dir, 'out.jsonl')
    writeFileSync(inFile, input)
    const fin = openSync(inFile, 'r')
    const fout = openSync(outFile, 'w')
    const status = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [CLI, 'adjudicate', '--tables', tablesFile(), '--workers', '2'], { stdio: [fin, fout, 'ignore'] })
        .once('close', resolve)
    })
    closeSync(fin)
    closeSync(fout)
    expect([piped.status, status]).toEqual([0, 0])
    expect(piped.stdout.trim().split('\n')).toHaveLength(500)
    expect(readFileSync(outFile, 'utf8')).toBe(piped.stdout)
  })

  it('refuses a worker count that is not a positive integer (exit 2, naming the flag)', async () => {
    for (const bad of ['0', 'two', '1.5']) {
      const r = await runCli(['adjudicate', '--tables', tablesFile(), '--workers', bad], '')
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(/--workers must be an integer from 1/)
    }
  })

  it('exits 1 and says so when a batch could not be processed (E_FAILED), still answering every line', async () => {
    const victim = (JSON.parse(lines[100]!) as { msgid: string }).msgid
    const r = await runCli(['adjudicate', '--tables', tablesFile(), '--workers', '2', '--ledger', join(dir, 'l.sqlite')],
      lines.join('\n') + '\n', { [TEST_HOOK_ENV]: JSON.stringify({ module: fileURLToPath(new URL('./fault-hook.mjs', import.meta.url)), data: { exitOnMsgid: victim, when: 'before', onceFile: null } }) })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/could not be processed \(E_FAILED\)/)
    const out = r.stdout.trim().split('\n')
    expect(out).toHaveLength(500)
    expect(JSON.parse(out[100]!)).toMatchObject({ msgid: victim, status: 'rejected', reasons: [{ code: 'E_FAILED' }] })
  })
})

/**
 * Feed `total` lines (the given ones over and over) to `dipsettle adjudicate --workers 2` with backpressure and
 * count the answer lines without keeping them; the child reports its own peak RSS when it exits.
 */
function streamRun(base: readonly string[], total: number): Promise<{ status: number | null; answers: number; maxRssMb: number }> {
  const reportRss = "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss_kb '+process.resourceUsage().maxRSS+'\\n'))"
  const p = spawn(process.execPath, ['--import', reportRss, CLI, 'adjudicate', '--tables', tablesFile(), '--workers', '2'],
    { stdio: ['pipe', 'pipe', 'pipe'] })
  let answers = 0
  let stderr = ''
  p.stdout.on('data', (d: Buffer) => {
    for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) answers++
  })
  p.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const feed = async (): Promise<void> => {
    let chunk = ''
    for (let i = 0; i < total; i++) {
      chunk += base[i % base.length] + '\n'
      if (chunk.length > 256 * 1024) {
        if (!p.stdin.write(chunk)) await new Promise((r) => p.stdin.once('drain', r))
        chunk = ''
      }
    }
    p.stdin.end(chunk)
  }
  void feed()
  return new Promise((resolve) => p.on('close', (status) => {
    const m = /maxrss_kb (\d+)/.exec(stderr)
    resolve({ status, answers, maxRssMb: m ? Number(m[1]) / 1024 : Number.NaN })
  }))
}

describe('memory stays flat on long inputs', () => {
  it('200,000 lines run in about the memory of 20,000 (stdin is streamed, batches in flight are bounded)', { timeout: 600_000 }, async () => {
    // ~700-byte claims (half outpatient, 3–6 fee lines): 200,000 of them are ~140 MB of input and ~300 MB of answers
    const base = demoLines({ count: 2000, seed: 5, outpatientShare: 0.5, linesPerClaim: [3, 6] })
    const small = await streamRun(base, 20_000)
    const big = await streamRun(base, 200_000)
    expect(small.status).toBe(0)
    expect(big.status).toBe(0)
    expect(big.answers).toBe(200_000)
    // generous: the tables in two workers dominate; what must not happen is growth with the input
    expect(big.maxRssMb).toBeLessThan(small.maxRssMb * 1.3 + 64)
    expect(big.maxRssMb).toBeLessThan(1024)
  })
})
