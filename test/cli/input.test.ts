// SPEC §1 strict input through the built CLI (#20 items 10-12, 14; #14 nesting): a claim line with bytes that are not
// UTF-8, a repeated key, an unknown key, nesting deeper than 32 or money with 3 decimals is answered alone as a
// rejection naming the field, the same in-thread and with --workers 2; every command takes --tables;
// `credentials add --hospital` refuses a hospital the tables do not know.
import { Buffer } from 'node:buffer'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { loadTables } from '../../engine/tables/load.js'
import type { ClaimInput } from '../../engine/claim.js'
import { tempDir } from '../ledger/fixtures.js'
import { CLI, buildDemoTables, cli, jsonLines } from './helpers.js'

let tmp: ReturnType<typeof tempDir>
let tables: string
let claims: ClaimInput[]

beforeAll(() => {
  tmp = tempDir()
  tables = buildDemoTables(tmp.dir)
  claims = [...generateDemoClaims(loadTables(tables), { count: 6, seed: 5, month: '2026-10', outpatientShare: 0, referralShare: 0 })]
})
afterAll(() => tmp.cleanup())

/** Run the CLI with stdin as bytes (cli() takes a string, which cannot hold bytes that are not UTF-8). */
function cliBytes(args: readonly string[], stdin: Buffer): { status: number | null; stdout: string } {
  const p = spawnSync(process.execPath, [CLI, ...args], { input: stdin, maxBuffer: 1 << 28 })
  return { status: p.status, stdout: p.stdout.toString('utf8') }
}

describe('dipsettle adjudicate: strict input, each bad line answered alone', () => {
  it('names the field of every refused line, in place, the same with --workers 2', () => {
    const text = (i: number) => JSON.stringify(claims[i])
    const at = text(1).indexOf('"mdtrt_id":"') + '"mdtrt_id":"'.length
    const lines = [
      Buffer.from(text(0)),
      // bytes C3 28: not UTF-8 (would have been U+FFFD and collided with another mdtrt_id)
      Buffer.concat([Buffer.from(text(1).slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(text(1).slice(at))]),
      Buffer.from(text(2).replace('"fees":', '"fees":[],"fees":')),
      Buffer.from(text(3).replace('{', '{"remark":"x",')),
      Buffer.from(text(4).replace('{', `{"x":${'['.repeat(5000)}${']'.repeat(5000)},`)),
      Buffer.from(text(5).replace(/"price":([0-9]+)(\.[0-9]+)?/, '"price":$1.125')),
    ]
    const input = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]))
    for (const args of [['adjudicate', '--tables', tables], ['adjudicate', '--tables', tables, '--workers', '2']]) {
      const p = cliBytes(args, input)
      expect(p.status).toBe(0)
      const out = jsonLines(p.stdout) as { status: string; msgid: string; reasons?: { code: string; field: string }[] }[]
      expect(out.map((o) => o.status)).toEqual(['computed', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected'])
      expect(out[1]!.reasons).toMatchObject([{ code: 'E_FIELD_FORMAT', field: 'mdtrt_id' }])
      expect(out[2]!.reasons).toMatchObject([{ code: 'E_FIELD_FORMAT', field: 'fees' }])
      expect(out[3]!.reasons).toContainEqual(expect.objectContaining({ code: 'E_UNKNOWN_FIELD', field: 'remark' }))
      expect(out[4]!.reasons).toMatchObject([{ code: 'E_FIELD_FORMAT', field: 'x' + '[0]'.repeat(31) }])
      expect(out[5]!.reasons).toContainEqual(expect.objectContaining({ code: 'E_MONEY_FORMAT', field: 'fees[0].price' }))
      // each refused line keeps its msgid
      expect(out.map((o) => o.msgid)).toEqual(claims.map((c) => c.msgid))
    }
  })
})

describe('every command takes --tables (SPEC §8)', () => {
  it.each([
    ['adjudicate'], ['group'], ['reverse'], ['ledger', 'verify'], ['month-end'], ['clearing'], ['pooling'], ['demo'],
    ['serve'], ['start'], ['credentials', 'add'], ['data', 'build'], ['special-case', 'decide'],
  ])('%s %s', (...cmd) => {
    const p = cli([...cmd.filter((c) => c !== undefined), '--help'])
    expect(p.status).toBe(0)
    expect(p.stdout).toContain('--tables <file>')
  })
})

describe('dipsettle credentials add', () => {
  it('refuses a hospital the tables do not know (exit 2, naming it), accepts one they know', () => {
    const ledger = join(tmp.dir, 'cred.sqlite')
    const unknown = cli(['credentials', 'add', '--ledger', ledger, '--tables', tables, '--hospital', 'H99999999999'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain(`--hospital H99999999999 is not a designated hospital of the tables ${tables}`)
    expect(unknown.stdout).toBe('')
    const known = cli(['credentials', 'add', '--ledger', ledger, '--tables', tables, '--hospital', claims[0]!.fixmedins_code])
    expect(known.status).toBe(0)
    expect(known.stdout).toMatch(/^\S+\n$/)
  })
})
