// Where a worker thread's code is: the compiled file beside the caller (dist/, production), else the build's copy
// (vitest and tsx run the sources), else the TypeScript source through tsx.
import { existsSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fromRoot } from './paths.js'

/** `callerUrl`: import.meta.url of a module in the same directory as the worker; `name`: the worker's base name. */
export function workerFile(callerUrl: string, name: string): { workerFile: string; execArgv: readonly string[] } {
  const here = dirname(fileURLToPath(callerUrl))
  const beside = join(here, `${name}.js`)
  if (existsSync(beside)) return { workerFile: beside, execArgv: [] }
  const built = fromRoot('dist', relative(fromRoot(), here), `${name}.js`)
  if (existsSync(built)) return { workerFile: built, execArgv: [] }
  return { workerFile: join(here, `${name}.ts`), execArgv: ['--import', 'tsx'] }
}
