// Names of the codes (SPEC §2: the diagnosis and procedure code lists, the DIP catalogue's published main-diagnosis
// name), read from the tables file only when a report asks: the settling workers never hold these strings.
import Database from 'better-sqlite3'
import type { Tables } from './types.js'

export interface CodeNames {
  /** A diagnosis code's name; a 亚目 (`I21.4`) is named by its first listed code (`I21.400`). */
  diagnosis(code: string): string | undefined
  procedure(code: string): string | undefined
  /** The DIP catalogue's main-diagnosis name of a group (as published with the group). */
  groupDiagnosis(groupCode: string): string | undefined
}

const oneLine = (name: string): string => name.replace(/\s*[\r\n]+\s*/g, '').trim()

const NONE: CodeNames = { diagnosis: () => undefined, procedure: () => undefined, groupDiagnosis: () => undefined }

/** Every name in the tables file (about 45,000 strings for a real region), read once. */
export function loadCodeNames(file: string): CodeNames {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    // names taken from published PDFs carry line breaks inside a word (`未特指的慢\n性支气管炎`): joined again
    const pairs = (sql: string) => new Map((db.prepare(sql).raw(true).all() as [string, string][]).map(([c, n]) => [c, oneLine(n)] as const))
    const dx = pairs('SELECT code_uc, name FROM diagnoses ORDER BY code_uc')
    const ops = pairs('SELECT code_uc, name FROM procedures')
    const groups = pairs('SELECT group_code, name FROM dip_groups')
    // a 亚目 or category that is not itself listed takes the name of its first listed code
    const byPrefix = new Map<string, string>()
    for (const [code, name] of dx) {
      for (const cut of [3, 5]) {
        const p = code.slice(0, cut)
        if (p.length === cut && !dx.has(p) && !byPrefix.has(p)) byPrefix.set(p, name)
      }
    }
    return {
      diagnosis: (c) => { const u = c.toUpperCase(); return dx.get(u) ?? byPrefix.get(u) },
      procedure: (c) => ops.get(c.toUpperCase()),
      groupDiagnosis: (g) => { const n = groups.get(g); return n === '' ? undefined : n },
    }
  } finally {
    db.close()
  }
}

const cache = new WeakMap<Tables, CodeNames>()

/** The names of loaded tables (read from the file they came from; none for tables built in memory). */
export function codeNamesOf(tables: Tables): CodeNames {
  let names = cache.get(tables)
  if (names === undefined) {
    names = tables.file !== undefined ? loadCodeNames(tables.file) : NONE
    cache.set(tables, names)
  }
  return names
}
