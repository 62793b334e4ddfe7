// CSV in and out for the sources directory (SPEC §9): UTF-8, a header row, extra columns allowed.
// Reading keeps each record's line number so that every error can say `file:row:column`.
import { parse } from 'csv-parse/sync'

export interface CsvRecord {
  /** 1-based line number in the file, the header being line 1. */
  readonly row: number
  readonly values: Readonly<Record<string, string>>
}

export interface CsvTable {
  readonly columns: readonly string[]
  readonly records: readonly CsvRecord[]
}

/** Parse CSV text; throws with the parser's message (the caller prefixes the file name). */
export function parseCsv(text: string): CsvTable {
  const rows = parse(text, {
    bom: true,
    columns: false,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
  }) as unknown as { record: string[]; info: { lines: number } }[]
  const header = rows[0]?.record.map((c) => c.trim()) ?? []
  const records: CsvRecord[] = []
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i] as { record: string[]; info: { lines: number } }
    const values: Record<string, string> = {}
    header.forEach((c, k) => { values[c] = (r.record[k] ?? '').trim() })
    records.push({ row: r.info.lines, values })
  }
  return { columns: header, records }
}

function quote(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

/** CSV text with a header row and `\n` line ends (stable bytes: the demo generator is compared byte for byte). */
export function toCsv(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const out: string[] = [columns.map(quote).join(',')]
  for (const r of rows) out.push(r.map((v) => quote(String(v))).join(','))
  return out.join('\n') + '\n'
}
