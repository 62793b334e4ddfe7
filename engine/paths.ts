// Where the package's own files are, whether running from source (tsx, vitest) or from dist/.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'grouper-data'))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error('dipsettle: cannot find the package root (package.json beside grouper-data/)')
    dir = up
  }
}

/** The package root (the folder with package.json). */
export const PACKAGE_ROOT = findRoot()
/** The embedded demo region's sources. */
export const DEMO_SOURCES_DIR = join(PACKAGE_ROOT, 'grouper-data', 'sources', 'demo')
/** Where the demo region's built files live by default (git-ignored). */
export const DEMO_VAR_DIR = join(PACKAGE_ROOT, 'var', 'demo')
export const DEMO_TABLES_FILE = join(DEMO_VAR_DIR, 'tables.sqlite')
export const DEMO_LEDGER_FILE = join(DEMO_VAR_DIR, 'ledger.sqlite')

export function fromRoot(...parts: string[]): string {
  return resolve(PACKAGE_ROOT, ...parts)
}
