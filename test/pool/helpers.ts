// Shared by the pool tests: the demo tables, demo claims as JSON lines, and the built CLI / worker (`npx tsc -p .`
// first: the workers run the compiled dist/engine/pool/worker.js).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { Readable, Writable } from 'node:stream'
import { generateDemoClaims, type DemoClaimOptions } from '../../engine/demo/claims.js'
import { fromRoot } from '../../engine/paths.js'
import { loadTables } from '../../engine/tables/load.js'
import type { Tables } from '../../engine/tables/types.js'
import { demoTablesFile } from '../fixtures/tables.js'

export const CLI = fromRoot('dist', 'engine', 'cli', 'main.js')
export const WORKER = fromRoot('dist', 'engine', 'pool', 'worker.js')

export function requireBuilt(): void {
  for (const f of [CLI, WORKER]) if (!existsSync(f)) throw new Error(`${f} is missing: build with \`npx tsc -p .\` first`)
}

/** The demo tables (DIPSETTLE_POOL_TEST_TABLES may point at an already built file). */
export function tablesFile(): string {
  return process.env['DIPSETTLE_POOL_TEST_TABLES'] ?? demoTablesFile()
}

let tables: Tables | undefined
export function demoTables(): Tables {
  tables ??= loadTables(tablesFile())
  return tables
}

/** Demo claims as JSON lines (deterministic for a seed). */
export function demoLines(opts: DemoClaimOptions): string[] {
  const out: string[] = []
  for (const c of generateDemoClaims(demoTables(), opts)) out.push(JSON.stringify(c))
  return out
}

/** A writable that keeps what it is given. */
export class Collect extends Writable {
  readonly chunks: Buffer[] = []
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(chunk)
    cb()
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}

/** Input as a stream of 64 KB chunks (lines cut across chunk boundaries, as stdin delivers them). */
export function chunked(text: string, size = 65536): Readable {
  const all = Buffer.from(text)
  const parts: Buffer[] = []
  for (let i = 0; i < all.length; i += size) parts.push(all.subarray(i, i + size))
  return Readable.from(parts)
}

/** setl_id is assigned in commit order, which differs between runs with different worker counts. */
export function withoutSetlId(text: string): string {
  return text.replace(/"setl_id":"S\d+",?/g, '')
}

export interface CliRun { status: number | null; stdout: string; stderr: string }

export function runCli(args: readonly string[], stdin: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  const out: Buffer[] = []
  let stderr = ''
  p.stdout.on('data', (d: Buffer) => out.push(d))
  p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  p.stdin.end(stdin)
  return new Promise((resolve) => p.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr })))
}
