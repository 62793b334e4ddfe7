// Test-only hook for the ledger writer thread (writer-protocol.ts testHookModule): while the flag file next to the
// ledger exists, the writer's connection may not grow the file (PRAGMA max_page_count = its page count), so SQLite
// itself answers SQLITE_FULL as on a full disk; once the flag is gone the limit is lifted (space returned).
import { existsSync } from 'node:fs'

export default function fullDisk(db) {
  if (existsSync(db.name + '.full')) db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`)
  else db.pragma('max_page_count = 1073741823')
}
