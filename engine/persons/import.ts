// `dipsettle persons import` (SPEC §11 persons): persons.csv rows (the sources' columns, plus an optional
// `effective_from`) or JSON lines with the same keys, checked by the one persons.csv reader (grouper-data/read-
// sources.ts readPersons, `file:row:column` problems as `data build` reports them) and stored in batches through the
// ledger's persons port, each batch one transaction. Streamed: a file of tens of millions is never held whole.
//
// Idempotent: a row already stored with the same record changes nothing, so a failed or interrupted import is
// completed by running it again. A batch with a problem is not stored and nothing after it is: the problems are
// reported (the first MAX_ERRORS), the rest of the input only checked.
import type { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import type { CsvRecord, CsvTable } from '../../grouper-data/csv-file.js'
import { readPersons } from '../../grouper-data/read-sources.js'
import { Problems } from '../../grouper-data/source-fields.js'
import { dayNumber } from '../claim.js'
import { numberTextOf, parseStrictJson } from '../strict-json.js'
import type { PersonImportRow, PersonsPort } from '../ledger/persons-port.js'

/** Rows per batch (one transaction each): large enough that a commit's fsync is a small share of its time. */
export const IMPORT_BATCH_ROWS = 10_000

/** The columns every row gives (persons.csv's required ones, grouper-data/read-sources.ts). */
const PERSON_COLUMNS = ['psn_no', 'insutype', 'psn_kind', 'poverty', 'assistance', 'city']

/** The optional column (CSV) or key (JSON lines) giving a row its own effective date. */
export const EFFECTIVE_COLUMN = 'effective_from'

export interface ImportOptions {
  /** The name problems are reported under (`persons.csv:12:psn_no: …`). */
  readonly file: string
  /** YYYY-MM-DD: the effective date of rows without an `effective_from`. */
  readonly effectiveFrom: string
  readonly format: 'csv' | 'jsonl'
  readonly batchRows?: number
  /**
   * The region's own admdvs and the insuring regions its tables hold policies of (SPEC §13): a row's
   * insuplc_admdvs must be one of them (or empty). Absent: only empty is accepted.
   */
  readonly regions?: { readonly own: string | null; readonly others: ReadonlySet<string> }
  /** Called after each stored batch (progress). */
  readonly progress?: (rows: number) => void
}

export interface ImportReport {
  readonly rows: number
  readonly changed: number
  readonly unchanged: number
  readonly batches: number
  /** `file:row:column: what`, at most MAX_ERRORS; `more` counts the rest. Empty: everything was stored. */
  readonly problems: readonly string[]
  readonly more: number
}

export async function importPersons(input: Readable, port: PersonsPort, o: ImportOptions): Promise<ImportReport> {
  const p = new Problems()
  const batchRows = o.batchRows ?? IMPORT_BATCH_ROWS
  let rows = 0, changed = 0, unchanged = 0, batches = 0
  let columns: readonly string[] = []
  let pending: CsvRecord[] = []
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return
    // JSON lines: a key any line of the batch gives is a column (optional ones such as brdy are read when present)
    const cols = o.format === 'jsonl' ? [...new Set(pending.flatMap((r) => Object.keys(r.values)))] : columns
    const batch = checkBatch({ columns: cols, records: pending }, p, o)
    pending = []
    // after a problem, nothing more is stored: the rest is only checked
    if (p.count > 0 || batch.length === 0) return
    const r = await port.importPersons(batch, o.file)
    rows += batch.length
    changed += r.changed
    unchanged += r.unchanged
    batches++
    o.progress?.(rows)
  }
  const header = (c: readonly string[]): void => {
    columns = c
    for (const col of PERSON_COLUMNS.filter((x) => !c.includes(x))) p.at(o.file, 1, col, 'missing column')
  }
  for await (const rec of o.format === 'csv' ? csvRecords(input, header) : jsonRecords(input, o.file, p)) {
    pending.push(rec)
    if (pending.length >= batchRows) await flush()
  }
  await flush()
  return { rows, changed, unchanged, batches, problems: p.list, more: p.more }
}

/** One batch's records → the rows to store; problems recorded (the batch is then not stored). */
function checkBatch(t: CsvTable, p: Problems, o: ImportOptions): PersonImportRow[] {
  const before = p.count
  // a person may have several versions in one file, one per effective date: readPersons checks the rest of the row
  const byDate = new Map<string, CsvRecord[]>()
  const dates: string[] = []
  for (const rec of t.records) {
    const given = rec.values[EFFECTIVE_COLUMN] ?? ''
    const day = given === '' ? o.effectiveFrom : given
    // most rows share one date: it is checked once
    if (!byDate.has(day) && (dayNumber(day) === null || day < '1900-01-01')) {
      p.at(o.file, rec.row, EFFECTIVE_COLUMN, `not a date YYYY-MM-DD "${day}"`)
      continue
    }
    const list = byDate.get(day)
    if (list) list.push(rec)
    else { byDate.set(day, [rec]); dates.push(day) }
  }
  const out: PersonImportRow[] = []
  for (const day of dates) {
    // the reader refuses a psn_no repeated within one date (a person's two versions of one day)
    for (const person of readPersons({ columns: t.columns, records: byDate.get(day) as CsvRecord[] }, p, o.file, o.regions)) {
      out.push({ effectiveFrom: day, person })
    }
  }
  return p.count > before ? [] : out
}

/** CSV records with their line numbers (the header is line 1), streamed; `header` gets the columns first. */
async function* csvRecords(input: Readable, header: (columns: readonly string[]) => void): AsyncGenerator<CsvRecord> {
  const parser = input.pipe(parse({ bom: true, columns: false, skip_empty_lines: true, relax_column_count: true, info: true }))
  let columns: string[] | undefined
  for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (columns === undefined) {
      columns = r.record.map((c) => c.trim())
      header(columns)
      continue
    }
    const values: Record<string, string> = {}
    columns.forEach((c, k) => { values[c] = (r.record[k] ?? '').trim() })
    yield { row: r.info.lines, values }
  }
}

/**
 * JSON lines, each one object of the persons.csv columns → a record of their texts (true/false as 1/0, a number as
 * its source text), so that the same reader checks both formats. A line that is not strict JSON, or not an object of
 * scalars, is a problem of its line.
 */
async function* jsonRecords(input: Readable, file: string, p: Problems): AsyncGenerator<CsvRecord> {
  let rest: Buffer = Buffer.alloc(0)
  let line = 0
  const one = (bytes: Buffer): CsvRecord | undefined => {
    line++
    if (bytes.toString('utf8').trim() === '') return undefined
    const j = parseStrictJson(bytes)
    if (!j.ok) { p.add(`${file}:${line}:${j.field === '' ? '(line)' : j.field}: ${j.message}`); return undefined }
    const v = j.value
    if (typeof v !== 'object' || v === null || Array.isArray(v)) { p.add(`${file}:${line}:(line): not a JSON object`); return undefined }
    const values: Record<string, string> = {}
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string') values[k] = x.trim()
      else if (typeof x === 'boolean') values[k] = x ? '1' : '0'
      else if (typeof x === 'number') values[k] = numberTextOf(v, k) ?? String(x)
      else if (x === null) values[k] = ''
      else { p.add(`${file}:${line}:${k}: not a string, number, boolean or null`); return undefined }
    }
    return { row: line, values }
  }
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk
    let s = 0
    for (let e = buf.indexOf(0x0a, s); e >= 0; e = buf.indexOf(0x0a, s)) {
      const rec = one(buf.subarray(s, e))
      if (rec) yield rec
      s = e + 1
    }
    rest = Buffer.from(buf.subarray(s))
  }
  if (rest.length > 0) {
    const rec = one(rest)
    if (rec) yield rec
  }
}
