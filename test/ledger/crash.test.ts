// Crash safety: a writer killed with SIGKILL in the middle of a group-commit leaves a ledger whose committed
// batches are whole, whose uncommitted batch left no trace, and whose accumulators verify.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openLedger } from '../../engine/ledger/sqlite.js'
import { tempDir } from './fixtures.js'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => { tmp = tempDir() })
afterEach(() => tmp.cleanup())

const CHILD = fileURLToPath(new URL('./child/batch-forever.ts', import.meta.url))
const BATCH = 150

it('a writer killed by SIGKILL mid-batch leaves whole batches only, and verify accepts the ledger', async () => {
  const file = tmp.file('crash.sqlite')
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, String(BATCH)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  let committed = 0
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      committed += (d.toString().match(/committed/g) ?? []).length
      // kill right after a commit was reported: the child is already inside the next batch's transaction
      if (committed >= 3) { child.kill('SIGKILL'); resolve() }
    })
    child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)))
  })
  expect(await exited).toBe('SIGKILL')

  const l = openLedger(file)
  try {
    const rows = l.db.prepare('SELECT COUNT(*) FROM settlements').pluck().get() as number
    expect(rows % BATCH).toBe(0)
    expect(rows).toBeGreaterThanOrEqual(committed * BATCH)
    expect(l.db.prepare('SELECT MAX(seq) FROM settlements').pluck().get()).toBe(rows) // gap-free
    expect(l.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(l.verify()).toEqual([])
  } finally {
    l.close()
  }
})
