// The Charlson conditions source (辅助目录, SPEC §5): the region's `charlson.csv` when its sources directory has one,
// else the published coding shipped in grouper-data/auxiliary/ (Quan et al. 2005). Checked like every source: weights
// whole numbers, prefixes well-formed ICD-10 prefixes, no condition twice, `supersedes` naming a condition of the file.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCsv, type CsvTable } from './csv-file.js'
import { num, text, Unique, type Problems } from './source-fields.js'
import { fromRoot } from '../engine/paths.js'

export const CHARLSON_FILE = 'charlson.csv'
export const DEFAULT_CHARLSON_FILE = fromRoot('grouper-data', 'auxiliary', 'charlson-quan-2005.csv')

const COLUMNS = ['condition', 'name', 'weight', 'icd10_prefixes', 'supersedes'] as const
const CONDITION = /^[a-z][a-z0-9_]{0,63}$/
/** An ICD-10 prefix: a category `I50`, or a category with some of its subcategory digits `I42.5`, `K70.0`. */
const ICD10_PREFIX = /^[A-Z][0-9]{2}(\.[0-9X]{1,3})?$/

export interface CharlsonRow {
  readonly condition: string
  readonly name: string
  readonly weight: number
  /** Upper-case, space-separated. */
  readonly icd10Prefixes: string
  readonly supersedes: string | null
}

/** The file the tables take their Charlson conditions from: the region's own, or the shipped default. */
export function charlsonFileOf(sourcesDir: string): string {
  const own = join(sourcesDir, CHARLSON_FILE)
  return existsSync(own) ? own : DEFAULT_CHARLSON_FILE
}

export function readCharlson(file: string, p: Problems): CharlsonRow[] {
  const label = file === DEFAULT_CHARLSON_FILE ? 'auxiliary/charlson-quan-2005.csv' : CHARLSON_FILE
  let t: CsvTable
  try {
    t = parseCsv(readFileSync(file, 'utf8'))
  } catch (e) {
    p.add(`${label}: not valid CSV: ${(e as Error).message}`)
    return []
  }
  const missing = COLUMNS.filter((c) => !t.columns.includes(c))
  for (const c of missing) p.at(label, 1, c, 'missing column')
  if (missing.length > 0) return []
  const out: CharlsonRow[] = []
  const unique = new Unique()
  for (const rec of t.records) {
    const r = { file: label, rec, p }
    const before = p.count
    const condition = text(r, 'condition')
    if (condition !== '' && !CONDITION.test(condition)) p.at(label, rec.row, 'condition', `not a condition id (a-z, 0-9, _) "${condition}"`)
    const name = text(r, 'name')
    const weight = num(r, 'weight', { min: 0, max: 100, integer: true })
    const prefixes = text(r, 'icd10_prefixes').toUpperCase().split(/\s+/).filter((x) => x !== '')
    for (const x of prefixes) if (!ICD10_PREFIX.test(x)) p.at(label, rec.row, 'icd10_prefixes', `not an ICD-10 prefix "${x}"`)
    if (condition !== '' && !unique.check(r, 'condition', condition)) continue
    if (p.count > before || weight == null) continue
    const sup = rec.values.supersedes ?? ''
    out.push({ condition, name, weight, icd10Prefixes: prefixes.join(' '), supersedes: sup === '' ? null : sup })
  }
  const known = new Set(out.map((c) => c.condition))
  const rowOf = new Map(t.records.map((rec) => [rec.values.condition ?? '', rec.row]))
  for (const c of out) {
    if (c.supersedes !== null && (!known.has(c.supersedes) || c.supersedes === c.condition)) {
      p.at(label, rowOf.get(c.condition) ?? 0, 'supersedes', `"${c.supersedes}" is not another condition of the file`)
    }
  }
  return out
}
