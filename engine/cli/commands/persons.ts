// `dipsettle persons import --ledger L [--effective YYYY-MM-DD] [--format csv|jsonl] [FILE]` (SPEC §8, §11): insured
// persons into the ledger's persons store (engine/persons/import.ts), from FILE or stdin. Problems are printed as
// `file:row:column: what` (as `data build` prints them) and exit 1; a summary line goes to stderr and one JSON object
// `{ rows, changed, unchanged, batches, problems, cpu_s }` to stdout (cpu_s: the process's CPU seconds).
import { createReadStream, existsSync } from 'node:fs'
import { basename } from 'node:path'
import type { Readable } from 'node:stream'
import type { Command } from 'commander'
import { dayNumber } from '../../claim.js'
import { ledgerTarget, openLedger } from '../../ledger/open.js'
import { personsOf } from '../../ledger/accounts-open.js'
import { openContext } from '../context.js'
import { DEMO_TABLES_FILE } from '../../paths.js'
import { importPersons, IMPORT_BATCH_ROWS, type ImportReport } from '../../persons/import.js'
import { usageError } from '../usage.js'

interface ImportOpts { ledger?: string; effective?: string; format?: string; batch?: string; tables?: string; policy?: string }

export function register(program: Command): void {
  const persons = program.command('persons').description('insured persons kept beside the ledger')
  persons.command('import')
    .description('insert or update persons (persons.csv columns, or JSON lines) with an effective date, in batches')
    .argument('[file]', 'the file to read (default: stdin)')
    .option('--ledger <file|url>', 'the ledger (file or postgres:// URL; default DIPSETTLE_LEDGER)')
    .option('--effective <date>', 'YYYY-MM-DD the rows take effect, unless a row gives effective_from (default: today)')
    .option('--format <csv|jsonl>', 'input format (default: from FILE\'s extension, else from the first byte)')
    .option('--batch <rows>', `rows per transaction (default ${IMPORT_BATCH_ROWS})`)
    .option('--tables <file>', 'the region\'s lookup tables: its admdvs and the insuring regions it has policies of (default: the demo region\'s)')
    .option('--policy <file>', 'policy file naming the region\'s admdvs (default: the one in the tables)')
    .action(async (file: string | undefined, opts: ImportOpts) => {
      const target = ledgerTarget(opts.ledger)
      if (target === undefined) usageError('persons import needs --ledger FILE|URL (or DIPSETTLE_LEDGER)')
      const effectiveFrom = opts.effective ?? new Date().toISOString().slice(0, 10)
      if (dayNumber(effectiveFrom) === null) usageError(`--effective ${effectiveFrom}: not a date YYYY-MM-DD`)
      const batchRows = opts.batch === undefined ? IMPORT_BATCH_ROWS : Number(opts.batch)
      if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 1_000_000) usageError(`--batch ${opts.batch}: a whole number 1..1000000`)
      if (opts.format !== undefined && opts.format !== 'csv' && opts.format !== 'jsonl') usageError(`--format ${opts.format}: csv or jsonl`)
      const input: Readable = file === undefined ? process.stdin : createReadStream(file)
      const { format, stream } = await sniff(input, opts.format ?? (file?.endsWith('.jsonl') ? 'jsonl' : file?.endsWith('.csv') ? 'csv' : undefined))
      // insuplc_admdvs (SPEC §13): empty or the region's own admdvs, or a region whose policy the tables hold; without
      // tables (none given, the demo's not built) only empty passes
      const ctx = opts.tables !== undefined || existsSync(DEMO_TABLES_FILE) ? openContext(opts) : undefined
      const regions = ctx === undefined ? undefined : { own: ctx.policy.admdvs ?? null, others: new Set(ctx.tables.otherPolicies?.keys() ?? []) }
      const opened = await openLedger(target)
      let report: ImportReport
      try {
        report = await importPersons(stream, personsOf(opened), { file: file === undefined ? '<stdin>' : basename(file), effectiveFrom, format, batchRows, ...(regions !== undefined ? { regions } : {}) })
      } finally {
        await opened.ledger.close()
      }
      for (const p of report.problems) process.stderr.write(p + '\n')
      if (report.more > 0) process.stderr.write(`… and ${report.more} more problem(s)\n`)
      const { rows, changed, unchanged, batches } = report
      process.stderr.write(`persons import: ${rows} row(s) stored in ${batches} batch(es): ${changed} changed, ${unchanged} unchanged` +
        (report.problems.length > 0 ? '; stopped at the first batch with a problem (fix and run again: stored rows are not repeated)' : '') + '\n')
      const cpu = process.cpuUsage()
      process.stdout.write(JSON.stringify({ rows, changed, unchanged, batches, problems: report.problems.length + report.more,
        cpu_s: Math.round((cpu.user + cpu.system) / 1e3) / 1e3 }) + '\n')
      if (report.problems.length > 0) process.exitCode = 1
    })
}

/** The format named, or the first non-blank byte's (`{` → JSON lines, else CSV); the stream with that byte kept. */
async function sniff(input: Readable, named: 'csv' | 'jsonl' | undefined): Promise<{ format: 'csv' | 'jsonl'; stream: Readable }> {
  if (named !== undefined) return { format: named, stream: input }
  const { PassThrough } = await import('node:stream')
  const out = new PassThrough()
  let format: 'csv' | 'jsonl' | undefined
  return await new Promise((resolve, reject) => {
    input.on('error', reject)
    input.on('data', (chunk: Buffer) => {
      if (format === undefined) {
        const first = chunk.toString('utf8').replace(/^\uFEFF/, '').trimStart()[0]
        if (first !== undefined) {
          format = first === '{' ? 'jsonl' : 'csv'
          resolve({ format, stream: out })
        }
      }
      if (!out.write(chunk)) { input.pause(); out.once('drain', () => input.resume()) }
    })
    input.on('end', () => {
      out.end()
      if (format === undefined) resolve({ format: 'csv', stream: out })
    })
  })
}
