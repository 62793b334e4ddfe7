// Publish the policy file's JSON Schema (SPEC §4) as grouper-data/policy.schema.json, generated from
// engine/policy/schema.ts (the one source of truth); test/grouper-data/policy-schema.test.ts keeps the file in sync.
//   npx tsx grouper-data/policy-schema.ts
import { writeFileSync } from 'node:fs'
import { PolicySchema } from '../engine/policy/schema.js'
import { fromRoot } from '../engine/paths.js'

export const POLICY_SCHEMA_FILE = fromRoot('grouper-data', 'policy.schema.json')

/** The schema as published: a JSON Schema document with its own id and title, 2-space JSON + newline. */
export function policySchemaText(): string {
  const doc = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://dipsettle.local/policy.schema.json',
    title: 'dipsettle policy file (one region, one effective period)',
    ...(JSON.parse(JSON.stringify(PolicySchema)) as object),
  }
  return JSON.stringify(doc, null, 2) + '\n'
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(POLICY_SCHEMA_FILE, policySchemaText())
  process.stderr.write(`wrote ${POLICY_SCHEMA_FILE}\n`)
}
