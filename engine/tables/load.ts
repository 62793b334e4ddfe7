// STUB — the data helper replaces this file (issue 3).
import type { Tables } from './types.js'

/** Load the SQLite lookup file into typed in-memory maps (once per process / worker). */
export function loadTables(_file: string): Tables {
  throw new Error('loadTables: not implemented yet')
}
