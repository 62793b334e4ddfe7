// A full disk (issue 14): a settlement is answered 503 E_STORAGE_FULL with nothing written, /healthz reports it (503,
// status storage_full), /metrics counts it; once space returns the service resumes by itself, and every claim it had
// acknowledged is still there. The disk is made "full" by a test-only hook of the ledger writer thread
// (full-disk-hook.mjs: SQLite's own SQLITE_FULL through max_page_count), so no root or loop mount is needed.
import { rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { H1, bearer, claimBody, makeWorld, type World } from './fixtures.js'

let w: World | undefined
afterEach(async () => {
  await w?.close()
  w = undefined
})

const hook = fileURLToPath(new URL('./full-disk-hook.mjs', import.meta.url))

describe('a full disk', () => {
  it('answers 503 E_STORAGE_FULL, reports it in /healthz and /metrics, and resumes by itself when space returns', async () => {
    w = await makeWorld({ writerTestHook: hook })
    const post = (seq: number) => w!.app.inject({ method: 'POST', url: '/v1/settlements', headers: bearer(w!.tokens.h1), payload: claimBody(H1, seq) })
    const acknowledged = await post(1)
    expect(acknowledged.statusCode).toBe(200)
    expect((await w.app.inject({ url: '/healthz' })).json().status).toBe('ok')

    const flag = w.ledger.file + '.full'
    writeFileSync(flag, '')
    // enough claims to need a new page of the file
    const refused = []
    for (let i = 2; i < 60; i++) {
      const r = await post(i)
      if (r.statusCode !== 200) { refused.push(r); break }
    }
    expect(refused).toHaveLength(1)
    expect(refused[0]!.statusCode).toBe(503)
    expect(refused[0]!.json()).toEqual({ code: 'E_STORAGE_FULL', field: '', message: expect.any(String) })
    const rowsWhileFull = w.rows()
    const health = await w.app.inject({ url: '/healthz' })
    expect(health.statusCode).toBe(503)
    expect(health.json().status).toBe('storage_full')
    expect((await w.app.inject({ url: '/metrics' })).body).toMatch(/^dipsettle_storage_full_total 1$/m)
    // the refused claim again while still full: 503 again, nothing written
    const seqRefused = 2 + rowsWhileFull - 1
    expect((await post(seqRefused)).statusCode).toBe(503)
    expect(w.rows()).toBe(rowsWhileFull)

    rmSync(flag)
    const resumed = await post(seqRefused)
    expect(resumed.statusCode).toBe(200)
    expect(resumed.json().status).toBe('settled')
    expect((await w.app.inject({ url: '/healthz' })).json().status).toBe('ok')
    expect(w.rows()).toBe(rowsWhileFull + 1)
    // every acknowledged claim is still recorded: each replays its first answer
    const replay = await post(1)
    expect(replay.json()).toEqual(acknowledged.json())
    expect(w.ledger.verify()).toEqual([])
  })
})
