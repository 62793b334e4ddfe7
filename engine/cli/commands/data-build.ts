// `dipsettle data build [--sources DIR] [--out FILE | --tables FILE] [--force]` — build the lookup tables (SPEC §2, §8).
// Prints a short report to stderr; exit 1 naming file, row and column of every problem in a bad sources directory.
import type { Command } from 'commander'
import { buildTables, formatReport, SourceError } from '../../../grouper-data/build.js'
import { DEMO_SOURCES_DIR, DEMO_TABLES_FILE } from '../../paths.js'

export function register(program: Command): void {
  const data = program.command('data').description('lookup tables of a region')
  data.command('build')
    .description('build the SQLite lookup tables from a sources directory (skipped when unchanged)')
    .option('--sources <dir>', 'sources directory (CSV + policy.json)', DEMO_SOURCES_DIR)
    .option('--out <file>', 'tables file to write', DEMO_TABLES_FILE)
    .option('--tables <file>', 'the same as --out (every command names its tables file --tables, SPEC §8)')
    .option('--force', 'rebuild even when the sources are unchanged', false)
    .action((opts: { sources: string; out: string; tables?: string; force: boolean }) => {
      try {
        const report = buildTables({ sourcesDir: opts.sources, outFile: opts.tables ?? opts.out, force: opts.force })
        process.stderr.write(formatReport(report))
      } catch (e) {
        if (!(e instanceof SourceError)) throw e
        process.stderr.write(`dipsettle data build: ${opts.sources}: ${e.problems.length + e.more} problem(s)\n${e.message}\n`)
        process.exitCode = 1
      }
    })
}
