// `dipsettle start` — make the demo region ready: build its tables when missing or stale, then print what it holds.
// Then it serves the HTTP API on the demo region (as `dipsettle serve` with no flags) unless --no-serve.
import type { Command } from 'commander'
import { buildTables, formatReport, SourceError, type BuildReport } from '../../../grouper-data/build.js'
import { formatSummary, summarise } from '../../../grouper-data/summary.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../../paths.js'
import { loadTables } from '../../tables/load.js'
import type { Tables } from '../../tables/types.js'
import { demoBanner, prepareDemo } from '../../../server/demo.js'
import { serve } from '../../../server/serve.js'
import { usageError } from '../usage.js'

export interface PreparedRegion {
  readonly tablesFile: string
  readonly build: BuildReport
  readonly tables: Tables
}

/** Build the region's tables when missing/stale (a no-op when unchanged) and load them. Throws SourceError. */
export function prepareRegion(sourcesDir = DEMO_SOURCES_DIR, tablesFile = DEMO_TABLES_FILE): PreparedRegion {
  const build = buildTables({ sourcesDir, outFile: tablesFile })
  return { tablesFile, build, tables: loadTables(tablesFile) }
}

export function register(program: Command): void {
  program.command('start')
    .description('build the demo region when needed and print a summary of it')
    .option('--sources <dir>', 'sources directory', DEMO_SOURCES_DIR)
    .option('--tables <file>', 'tables file', DEMO_TABLES_FILE)
    .option('--port <n>', 'port of the HTTP API', '8080')
    .option('--no-serve', 'only build and summarise, do not serve')
    .action(async (opts: { sources: string; tables: string; port: string; serve: boolean }) => {
      let region: PreparedRegion
      try {
        region = prepareRegion(opts.sources, opts.tables)
      } catch (e) {
        if (!(e instanceof SourceError)) throw e
        process.stderr.write(`dipsettle start: ${opts.sources}:\n${e.message}\n`)
        process.exitCode = 1
        return
      }
      process.stderr.write(formatReport(region.build))
      process.stdout.write(formatSummary(summarise(region.tables)))
      if (!opts.serve) return
      const port = Number(opts.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) usageError(`start: --port must be a port number, got "${opts.port}"`)
      const demo = await prepareDemo({ sourcesDir: opts.sources, tablesFile: opts.tables })
      await serve({ tablesFile: demo.tablesFile, ledgerFile: demo.ledgerFile, port, host: '127.0.0.1', workers: 1, batchWorkers: 1,
        banner: (url) => demoBanner(demo, url) })
    })
}
