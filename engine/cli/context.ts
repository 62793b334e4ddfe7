// The tables and policy a command runs with: --tables FILE (default: the demo region's, built when missing by the
// data build command) and --policy FILE (default: the policy stored in the tables).
import { existsSync } from 'node:fs'
import { DEMO_TABLES_FILE } from '../paths.js'
import { loadTables } from '../tables/load.js'
import type { Tables } from '../tables/types.js'
import type { Policy } from '../policy/types.js'
import { loadPolicyFile } from '../policy/validate.js'
import { usageError } from './usage.js'

export interface RunContext {
  readonly tables: Tables
  readonly policy: Policy
  readonly tablesFile: string
}

export function openContext(opts: { tables?: string; policy?: string }): RunContext {
  const tablesFile = opts.tables ?? DEMO_TABLES_FILE
  if (!existsSync(tablesFile)) {
    usageError(`tables file ${tablesFile} does not exist: run \`dipsettle data build\` (or pass --tables FILE)`)
  }
  const tables = loadTables(tablesFile)
  const policy = opts.policy !== undefined ? loadPolicyFile(opts.policy) : tables.policy
  return { tables, policy, tablesFile }
}
