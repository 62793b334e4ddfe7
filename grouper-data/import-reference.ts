// Copy the real public code lists and the real DIP catalogue into a sources directory (SPEC §9 layout).
// A maintainer's tool, run once when the reference data changes — the project never reads ../shared at run time:
//   npx tsx grouper-data/import-reference.ts --data ../shared/data [--out grouper-data/sources/demo]
// procedures.csv is written with an EMPTY kind column: the builder derives the kind (grouper-data/procedure-kind.ts),
// with grouper-data/sources/<region>/procedure-kind-overrides.csv applied last.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseCsv, toCsv } from './csv-file.js'
import { DEMO_SOURCES_DIR } from '../engine/paths.js'

/** The DIP columns of SPEC §9, then the reference catalogue's extra ones kept for people reading the file. */
const DIP_COLUMNS = ['group_code', 'kind', 'main_dx_code', 'main_op_code', 'other_op_codes', 'avg_cost_yuan', 'cases',
  'avg_ipt_days', 'score', 'main_dx_name', 'main_op_name', 'other_op_names', 'cv', 'reference_year'] as const

export function importReference(dataDir: string, outDir: string): void {
  mkdirSync(outDir, { recursive: true })
  const dx = parseCsv(readFileSync(join(dataDir, 'icd10-yb2.0.csv'), 'utf8'))
  writeFileSync(join(outDir, 'diagnoses.csv'), toCsv(['code', 'name'], dx.records.map((r) => [r.values.code ?? '', r.values.name ?? ''])))
  const ops = parseCsv(readFileSync(join(dataDir, 'icd9cm3-yb2.0.csv'), 'utf8'))
  writeFileSync(join(outDir, 'procedures.csv'),
    toCsv(['code', 'name', 'kind'], ops.records.map((r) => [r.values.code ?? '', r.values.name ?? '', ''])))
  const dip = parseCsv(readFileSync(join(dataDir, 'dip-catalogue-pingdingshan-2025.csv'), 'utf8'))
  writeFileSync(join(outDir, 'dip-groups.csv'),
    toCsv(DIP_COLUMNS, dip.records.map((r) => DIP_COLUMNS.map((c) => r.values[c] ?? ''))))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } } })
  if (!values.data) {
    process.stderr.write('usage: tsx grouper-data/import-reference.ts --data DIR [--out DIR]\n')
    process.exit(2)
  }
  importReference(values.data, values.out ?? DEMO_SOURCES_DIR)
}
