// A real `dipsettle serve` child process (the built CLI) on the demo tables and a ledger — a file or a postgres://
// URL — resolved once it says it is serving; rejected with its output if it exits before.
import { spawn, type ChildProcess } from 'node:child_process'
import { CLI, tablesFile } from '../pool/helpers.js'

export function startServe(ledger: string, port: number, workers = 1): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--tables', tablesFile(), '--ledger', ledger, '--port', String(port),
    '--batch-workers', '0', '--workers', String(workers)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer): void => {
      out += b.toString()
      if (out.includes('serving')) resolve(child)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`dipsettle serve exited (${code}) before listening: ${out}`)))
  })
}
