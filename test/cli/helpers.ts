// Shared by the CLI tests: run the built CLI (dist/ — `npx tsc -p .` first) and build the demo region's tables once
// into a temp dir.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { DEMO_SOURCES_DIR, fromRoot } from '../../engine/paths.js'

export const CLI = fromRoot('dist', 'engine', 'cli', 'main.js')

export interface CliRun { status: number | null; stdout: string; stderr: string }

export function cli(args: readonly string[], stdin = ''): CliRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build with \`npx tsc -p .\` before the CLI tests`)
  const p = spawnSync(process.execPath, [CLI, ...args], { input: stdin, encoding: 'utf8', maxBuffer: 1 << 30 })
  return { status: p.status, stdout: p.stdout, stderr: p.stderr }
}

/** The same, without blocking: for several CLI processes on one ledger at once. */
export function cliAsync(args: readonly string[], stdin = ''): Promise<CliRun> {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  p.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  p.stdin.end(stdin)
  return new Promise((resolve) => p.on('close', (status) => resolve({ status, stdout, stderr })))
}

export function jsonLines(s: string): Record<string, unknown>[] {
  return s.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v
}

/**
 * Build the demo region's tables into dir/tables.sqlite. The optional `score` column of dip-groups.csv is left out
 * (the builder then computes it): the score check belongs to the data tests, not to the ledger's.
 */
export function buildDemoTables(dir: string): string {
  const src = join(dir, 'sources')
  mkdirSync(src, { recursive: true })
  for (const f of readdirSync(DEMO_SOURCES_DIR)) {
    // other-regions/ (异地就医 policies) is a directory: copied whole
    if (f !== 'dip-groups.csv') cpSync(join(DEMO_SOURCES_DIR, f), join(src, f), { recursive: true })
  }
  const rows = parse(readFileSync(join(DEMO_SOURCES_DIR, 'dip-groups.csv'), 'utf8'), { bom: true }) as string[][]
  const drop = rows[0]?.indexOf('score') ?? -1
  writeFileSync(join(src, 'dip-groups.csv'),
    rows.map((r) => r.filter((_, i) => i !== drop).map(csvField).join(',')).join('\n') + '\n')
  const out = join(dir, 'tables.sqlite')
  const p = cli(['data', 'build', '--sources', src, '--out', out])
  if (p.status !== 0) throw new Error(`data build failed: ${p.stderr}`)
  return out
}
