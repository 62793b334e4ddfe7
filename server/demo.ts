// `dipsettle serve` with no flags: the embedded demo region. Builds the tables when missing or stale, opens (creates)
// var/demo/ledger.sqlite, re-issues the demo hospital and admin credentials (the previous demo ones are revoked: only
// hashes are stored, so a token can be shown only when it is made), and writes a real demo claim that settles to
// var/demo/example-claim.json for the curl example.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildTables } from '../grouper-data/build.js'
import type { ClaimInput } from '../engine/claim.js'
import { generateDemoClaims } from '../engine/demo/claims.js'
import { processClaim } from '../engine/ledger/settle.js'
import { openLedger } from '../engine/ledger/sqlite.js'
import { DEMO_LEDGER_FILE, DEMO_SOURCES_DIR, DEMO_TABLES_FILE, DEMO_VAR_DIR } from '../engine/paths.js'
import { loadTables } from '../engine/tables/load.js'
import { CredentialStore } from './auth/credentials.js'

export interface DemoSetup {
  readonly tablesFile: string
  readonly ledgerFile: string
  readonly hospital: string
  readonly hospitalToken: string
  readonly adminToken: string
  readonly exampleFile: string
  readonly example: ClaimInput
}

const DEMO_LABEL = 'demo'

function stamp(d: Date): string {
  return d.toISOString().replace(/[-T:]/g, '').slice(0, 14)
}

export interface DemoPaths {
  readonly sourcesDir?: string
  readonly tablesFile?: string
  readonly ledgerFile?: string
}

export async function prepareDemo(paths: DemoPaths = {}, now = new Date()): Promise<DemoSetup> {
  const tablesFile = paths.tablesFile ?? DEMO_TABLES_FILE
  const ledgerFile = paths.ledgerFile ?? DEMO_LEDGER_FILE
  mkdirSync(DEMO_VAR_DIR, { recursive: true })
  buildTables({ sourcesDir: paths.sourcesDir ?? DEMO_SOURCES_DIR, outFile: tablesFile })
  const tables = loadTables(tablesFile)
  const ledger = openLedger(ledgerFile)
  try {
    // the first inpatient demo claim that settles against this ledger, made fresh (new msgid and visit) per start
    const ts = stamp(now)
    let example: ClaimInput | undefined
    let i = 0
    for (const c of generateDemoClaims(tables, { count: 40, seed: Number(ts.slice(4)) % 2_147_483_647, month: ts.slice(0, 4) + '-' + ts.slice(4, 6) })) {
      i++
      if (c.med_type !== '21' || c.referral_from) continue
      const claim: ClaimInput = { ...c, msgid: `${c.fixmedins_code}${ts}${String(i).padStart(4, '0')}`, mdtrt_id: `DEMO${ts}${i}` }
      if (processClaim(claim, { tables, policy: tables.policy, ledger, dryRun: true }).status === 'computed') {
        example = claim
        break
      }
    }
    if (example === undefined) throw new Error('serve: no demo claim settles against the demo ledger (is var/demo/ledger.sqlite from another region?)')
    const exampleFile = join(DEMO_VAR_DIR, 'example-claim.json')
    writeFileSync(exampleFile, JSON.stringify(example, null, 2) + '\n')
    const store = new CredentialStore(ledger.db)
    await store.revokeLabelled(DEMO_LABEL)
    const hospitalToken = (await store.add({ hospital: example.fixmedins_code }, DEMO_LABEL)).token
    const adminToken = (await store.add({ admin: true }, DEMO_LABEL)).token
    return {
      tablesFile, ledgerFile, hospital: example.fixmedins_code, hospitalToken,
      adminToken, exampleFile, example,
    }
  } finally {
    ledger.close()
  }
}

/** What the demo prints once: the tokens and a curl that settles the example claim. */
export function demoBanner(d: DemoSetup, url: string): string {
  const month = d.example.enddate.slice(0, 7)
  return [
    '',
    `dipsettle serves the demo region at ${url}  (open ${url}/ in a browser)`,
    `  tables  ${d.tablesFile}`,
    `  ledger  ${d.ledgerFile}`,
    '',
    'Credentials (shown once; only their hashes are stored; a new start issues new ones):',
    `  hospital ${d.hospital}: ${d.hospitalToken}`,
    `  admin (month-end):     ${d.adminToken}`,
    '',
    'Settle the example claim (run it twice: the second answer is the first one replayed):',
    `  curl -s ${url}/v1/settlements -H 'Authorization: Bearer ${d.hospitalToken}' \\`,
    `       -H 'Content-Type: application/json' --data @${d.exampleFile}`,
    '',
    'Run month-end as the admin, then read the hospital\'s report page:',
    `  curl -s ${url}/v1/month-end/${month}/${d.example.insutype} -H 'Authorization: Bearer ${d.adminToken}' \\`,
    `       -H 'Content-Type: application/json' -d '{"budget_yuan": 1000000}'`,
    `  curl -s ${url}/reports/month-end/${month}/${d.example.insutype}/hospitals/${d.hospital} \\`,
    `       -H 'Authorization: Bearer ${d.hospitalToken}' > report.html`,
    '',
  ].join('\n')
}
