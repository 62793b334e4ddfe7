// The service's young-generation setting (server/heap.ts) is set where a process starts — the `dipsettle` shebang and
// `npm start` — which cannot import the constant: these checks keep the three in step, and prove the shebang's
// `env -S` form really hands the flag to node on this system.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SERVER_NODE_FLAG } from '../../server/heap.js'

const root = new URL('../../', import.meta.url)

describe('the service runs with the young generation server/heap.ts names', () => {
  it('npm start passes the flag to node', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts['start']).toContain(`node ${SERVER_NODE_FLAG} `)
  })

  it('the dipsettle shebang passes it too, and env -S splits it into node\'s arguments', () => {
    const first = readFileSync(new URL('engine/cli/main.ts', root), 'utf8').split('\n')[0] as string
    expect(first).toBe(`#!/usr/bin/env -S node ${SERVER_NODE_FLAG}`)
    // the kernel passes everything after the interpreter's path as one argument, as here
    const [interpreter, rest] = [first.slice(2, first.indexOf(' ')), first.slice(first.indexOf(' ') + 1)]
    const r = spawnSync(interpreter, [rest, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect((JSON.parse(r.stdout) as string[])[0]).toBe(SERVER_NODE_FLAG)
  })
})
