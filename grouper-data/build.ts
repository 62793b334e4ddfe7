// The builder (SPEC §2, §9): a sources directory of CSV + policy.json → one SQLite file of checked lookup tables.
// Everything is validated before anything is written: well-formed codes, no duplicates, numbers in range,
// enumerations, foreign keys, every given DIP score recomputed from its costs. Errors read `file:row:column: what`
// (row = line in the file, the header being row 1) or `policy.json: <path>: message`; all of them (up to
// MAX_ERRORS) are reported at once. The file is written to `<out>.tmp-<pid>` and renamed: nothing at `out` on failure.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import type { KindRule } from './procedure-kind.js'
import { CASE_HISTORY_FILE, dipGroupsTableFromCaseHistory } from './history.js'
import { CHARLSON_FILE, charlsonFileOf, readCharlson } from './read-charlson.js'
import type { DerivedAuxCoefficient } from './aux-history.js'
import { PrefixIndex, Problems } from './source-fields.js'
import { OTHER_REGIONS_DIR, otherRegionFiles, readOtherRegions } from './read-other-regions.js'
import {
  checkPolicyGroups, OVERRIDES_FILE, readCatalogue, readDiagnoses, readDipGroups, readHospitals, readPersons, readPolicy,
  readProcedures, readTable,
} from './read-sources.js'
import type { DipGroupKind } from '../engine/tables/types.js'
import { fromRoot } from '../engine/paths.js'
import { encodePerson } from '../engine/persons/codec.js'
import { PACKED_COLUMNS, TABLES_FORMAT_VERSION, packRows, packedChecksum } from '../engine/tables/packed.js'
import { FEN_PER_YUAN } from '../engine/money.js'

export { MAX_ERRORS } from './source-fields.js'
export { OVERRIDES_FILE, scoreTolerance } from './read-sources.js'

/** Bumped when the table layout or a derivation changes, so that an unchanged sources dir still rebuilds. */
export const BUILDER_VERSION = TABLES_FORMAT_VERSION
export const SCHEMA_FILE = fromRoot('grouper-data', 'schema.sql')

const SOURCE_FILES = ['diagnoses.csv', 'procedures.csv', 'catalogue.csv', 'dip-groups.csv', 'hospitals.csv', 'persons.csv',
  'policy.json'] as const

export interface BuildOptions {
  readonly sourcesDir: string
  readonly outFile: string
  /** Rebuild even when the sources checksum equals the one stored in outFile. */
  readonly force?: boolean
}

export interface BuildReport {
  readonly sourcesDir: string
  readonly outFile: string
  /** True when outFile was already built from identical sources and left untouched. */
  readonly skipped?: boolean
  readonly checksum: string
  readonly region: string
  readonly policyVersion: string
  readonly counts: {
    readonly diagnoses: number
    readonly procedures: number
    readonly catalogue: number
    readonly dipGroups: number
    readonly dipByKind: Readonly<Record<DipGroupKind, number>>
    readonly hospitals: number
    readonly alliances: number
    readonly persons: number
    /** Insuring regions whose policies the sources hold (other-regions/), and the persons insured there (SPEC §13). */
    readonly otherRegions?: number
    readonly visitors?: number
    /** Charlson conditions of the 辅助目录 (the region's charlson.csv or the shipped Quan 2005 coding). */
    readonly charlsonConditions?: number
  }
  /** How many procedure codes each kind rule classified (grouper-data/procedure-kind.ts). */
  readonly kindRules: Readonly<Partial<Record<KindRule, number>>>
  /** DIP groups whose score was computed because the sources gave none. */
  readonly scoresComputed: number
  /** Hospitals whose dip_coefficient was empty and defaulted to 1. */
  readonly coefficientsDefaulted: number
  /** 辅助目录 coefficients derived from case-history.csv (group, type, cases, coefficient); absent: none derived. */
  readonly auxCoefficients?: readonly { readonly group_code: string; readonly type: string; readonly cases: number; readonly coefficient: number }[]
}

/** A bad sources directory: every problem found, each `file:row:column: what is wrong`. */
export class SourceError extends Error {
  constructor(readonly problems: readonly string[], readonly more: number) {
    super(problems.join('\n') + (more > 0 ? `\n… and ${more} more errors` : ''))
    this.name = 'SourceError'
  }
}

/** sha256 over the builder version, the schema and every source file (name and bytes), in a fixed order. */
export function sourcesChecksum(sourcesDir: string): string {
  const h = createHash('sha256')
  h.update(`dipsettle-tables ${BUILDER_VERSION}\0`)
  h.update(readFileSync(SCHEMA_FILE))
  for (const name of [...SOURCE_FILES, OVERRIDES_FILE, CASE_HISTORY_FILE]) {
    const file = join(sourcesDir, name)
    if (!existsSync(file)) continue
    h.update(`\0${name}\0`)
    h.update(readFileSync(file))
  }
  // 异地就医: the insuring regions' policies
  for (const name of otherRegionFiles(sourcesDir)) {
    h.update(`\0${OTHER_REGIONS_DIR}/${name}\0`)
    h.update(readFileSync(join(sourcesDir, OTHER_REGIONS_DIR, name)))
  }
  // 辅助目录: the region's charlson.csv or the shipped default, whichever the tables are built from
  h.update(`\0${CHARLSON_FILE}\0`)
  h.update(readFileSync(charlsonFileOf(sourcesDir)))
  return h.digest('hex')
}

/** The checksum stored in a built tables file, or null when there is none (missing, not a tables file). */
export function builtChecksum(outFile: string): string | null {
  if (!existsSync(outFile)) return null
  try {
    const db = new Database(outFile, { readonly: true, fileMustExist: true })
    try {
      const row = db.prepare("SELECT value FROM meta WHERE key = 'sources_checksum'").get() as { value: string } | undefined
      return row?.value ?? null
    } finally {
      db.close()
    }
  } catch {
    return null
  }
}

// ------------------------------------------------------------------------------------------------ build

/** Build the lookup tables of a sources directory into one SQLite file (skipped when already built from them). */
export function buildTables(opts: BuildOptions): BuildReport {
  const { sourcesDir, outFile } = opts
  if (!existsSync(sourcesDir)) throw new SourceError([`${sourcesDir}: no such sources directory`], 0)
  const checksum = sourcesChecksum(sourcesDir)
  if (!opts.force && builtChecksum(outFile) === checksum) {
    const db = new Database(outFile, { readonly: true })
    try {
      const report = db.prepare("SELECT value FROM meta WHERE key = 'report'").get() as { value: string } | undefined
      if (report) return { ...(JSON.parse(report.value) as BuildReport), sourcesDir, outFile, skipped: true }
    } finally {
      db.close()
    }
  }

  const p = new Problems()
  const policy = readPolicy(sourcesDir, p)
  const otherPolicies = readOtherRegions(sourcesDir, policy, p)
  const tDx = readTable(sourcesDir, 'diagnoses.csv', p)
  const tOps = readTable(sourcesDir, 'procedures.csv', p)
  const tOverrides = readTable(sourcesDir, OVERRIDES_FILE, p, true)
  const tCat = readTable(sourcesDir, 'catalogue.csv', p)
  // case-history.csv present: the DIP groups are derived from it instead of dip-groups.csv (grouper-data/history.ts)
  const historyFile = join(sourcesDir, CASE_HISTORY_FILE)
  let tDip = readTable(sourcesDir, 'dip-groups.csv', p, existsSync(historyFile))
  const tHosp = readTable(sourcesDir, 'hospitals.csv', p)
  // persons.csv is optional: a region's persons may be imported into its ledger instead (`dipsettle persons import`)
  const tPsn = readTable(sourcesDir, 'persons.csv', p, true)

  const dx = tDx ? readDiagnoses(tDx, p) : []
  const dxIndex = new PrefixIndex(dx.map((d) => d.codeUc))
  const ops = tOps ? readProcedures(tOps, tOverrides, p) : []
  const opSet = new Set(ops.map((o) => o.codeUc))
  const cat = tCat && tDx ? readCatalogue(tCat, dxIndex, p) : []
  const charlson = readCharlson(charlsonFileOf(sourcesDir), p)
  let auxCoefficients: readonly DerivedAuxCoefficient[] = []
  if (existsSync(historyFile) && policy) {
    tDip = dipGroupsTableFromCaseHistory(readFileSync(historyFile, 'utf8'), policy, new Map(ops.map((o) => [o.codeUc, o.kind])), (m) => p.add(m), {
      charlson: charlson.map((c) => ({ ...c, icd10Prefixes: c.icd10Prefixes.split(' ') })),
      derived: (d) => { auxCoefficients = d.aux_coefficients ?? [] },
    })
  }
  const dip = tDip && tDx && tOps ? readDipGroups(tDip, dxIndex, opSet, policy, p) : []
  const hosp = tHosp ? readHospitals(tHosp, p) : { rows: [], defaulted: 0, alliances: 0 }
  const psn = tPsn ? readPersons(tPsn, p, 'persons.csv', { own: policy?.admdvs ?? null, others: new Set(otherPolicies.keys()) }) : []
  // 签约 (SPEC §15): a contract names a hospital of the region
  const hospCodes = new Set(hosp.rows.map((h) => h.code))
  for (const x of psn) {
    if (x.contractFixmedins !== undefined && !hospCodes.has(x.contractFixmedins)) {
      p.add(`persons.csv: ${x.psnNo}: contract_fixmedins "${x.contractFixmedins}" is not in hospitals.csv`)
    }
  }
  if (policy && tDip) checkPolicyGroups(policy, tDip, p)
  if (p.count > 0) throw new SourceError(p.list, p.more)
  if (!policy) throw new SourceError(['policy.json: (root): not read'], 0)

  const kindRules: Partial<Record<KindRule, number>> = {}
  for (const o of ops) kindRules[o.rule] = (kindRules[o.rule] ?? 0) + 1
  const dipByKind: Record<DipGroupKind, number> = { core: 0, composite: 0, primary: 0, per_diem: 0 }
  for (const g of dip) dipByKind[g.kind]++
  const report: BuildReport = {
    sourcesDir, outFile, checksum, region: policy.region,
    policyVersion: policy.version ?? `${policy.region}/${policy.effective_from}`,
    counts: {
      diagnoses: dx.length, procedures: ops.length, catalogue: cat.length, dipGroups: dip.length, dipByKind,
      hospitals: hosp.rows.length, alliances: hosp.alliances, persons: psn.length, charlsonConditions: charlson.length,
      otherRegions: otherPolicies.size, visitors: psn.filter((x) => x.insuplcAdmdvs !== null).length,
    },
    kindRules,
    scoresComputed: dip.filter((g) => !g.scoreGiven).length,
    coefficientsDefaulted: hosp.defaulted,
    ...(auxCoefficients.length > 0
      ? { auxCoefficients: auxCoefficients.map((a) => ({ group_code: a.group_code, type: a.type, cases: a.cases, coefficient: a.coefficient })) }
      : {}),
  }

  mkdirSync(dirname(outFile), { recursive: true })
  const tmp = `${outFile}.tmp-${process.pid}`
  rmSync(tmp, { force: true })
  try {
    const db = new Database(tmp)
    try {
      // a fresh private file renamed into place at the end: no journal needed
      db.pragma('journal_mode = OFF')
      db.pragma('synchronous = OFF')
      db.exec(readFileSync(SCHEMA_FILE, 'utf8'))
      const write = db.transaction(() => {
        const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)')
        meta.run('sources_checksum', checksum)
        meta.run('builder_version', BUILDER_VERSION)
        meta.run('policy_version', report.policyVersion)
        meta.run('region', policy.region)
        meta.run('effective_from', policy.effective_from)
        meta.run('built_at', new Date().toISOString())
        meta.run('sources_dir', basename(sourcesDir))
        meta.run('policy_json', JSON.stringify(policy))
        meta.run('other_policies_json', JSON.stringify(Object.fromEntries(otherPolicies)))
        meta.run('report', JSON.stringify({ ...report, sourcesDir: '', outFile: '' }))
        const iDx = db.prepare('INSERT INTO diagnoses VALUES (?, ?, ?)')
        for (const d of dx) iDx.run(d.codeUc, d.code, d.name)
        const iOp = db.prepare('INSERT INTO procedures VALUES (?, ?, ?, ?, ?)')
        for (const o of ops) iOp.run(o.codeUc, o.code, o.name, o.kind, o.rule)
        const iCat = db.prepare('INSERT INTO catalogue VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        for (const c of cat) {
          iCat.run(c.codeUc, c.code, c.name, c.listType, c.lv, c.capFen, c.propPpm, c.minLv, c.dxPrefix, c.vbp ? 1 : 0, c.refPriceFen,
            c.preVbpPriceFen)
        }
        const iDip = db.prepare('INSERT INTO dip_groups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        for (const g of dip) {
          iDip.run(g.groupCode, g.kind, g.mainDx, g.mainOp, g.otherOps.join(','), g.compositeKind, g.avgCostYuan,
            Math.round(g.avgCostYuan * FEN_PER_YUAN), g.cases, g.avgIptDays, g.scoreMicro, g.scoreGiven ? 1 : 0, g.name,
            g.avgCostMicro)
        }
        const iH = db.prepare('INSERT INTO hospitals VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        for (const h of hosp.rows) iH.run(h.code, h.name, h.city, h.level, h.allianceId, h.lead ? 1 : 0, h.coefMicro, h.tcm ? 1 : 0)
        const iP = db.prepare('INSERT INTO persons VALUES (?, ?)')
        for (const x of psn) iP.run(x.psnNo, encodePerson(x))
        const iC = db.prepare('INSERT INTO charlson_conditions VALUES (?, ?, ?, ?, ?)')
        for (const c of charlson) iC.run(c.condition, c.name, c.weight, c.icd10Prefixes, c.supersedes)
        const iA = db.prepare('INSERT INTO aux_coefficients VALUES (?, ?, ?, ?)')
        for (const a of auxCoefficients) iA.run(a.group_code, a.type, a.coef_micro, a.cases)
        // the loader's packed copy, read back from the rows just written so that both forms hold the same values
        const iPacked = db.prepare('INSERT INTO packed (name, json) VALUES (?, ?)')
        // with the sha256 of each blob: a flipped byte inside one passes SQLite's integrity_check, not the loader (#14)
        const sums: Record<string, string> = {}
        for (const [table, cols] of Object.entries(PACKED_COLUMNS)) {
          const rows = db.prepare(`SELECT ${cols.join(', ')} FROM ${table}`).raw(true).all() as unknown[][]
          const json = packRows(rows, cols.length)
          iPacked.run(table, json)
          sums[table] = packedChecksum(json)
        }
        meta.run('packed_sha256', JSON.stringify(sums))
      })
      write()
    } finally {
      db.close()
    }
    renameSync(tmp, outFile)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
  return report
}

/** The build report as a few human lines (stderr of `dipsettle data build`). */
export function formatReport(r: BuildReport): string {
  if (r.skipped) return `tables up to date: ${r.outFile} (region ${r.region}, policy ${r.policyVersion})\n`
  const c = r.counts
  const rules = Object.entries(r.kindRules).map(([k, n]) => `${k} ${n}`).join(', ')
  return [
    `built ${r.outFile} (region ${r.region}, policy ${r.policyVersion})`,
    `  diagnoses ${c.diagnoses}, procedures ${c.procedures}, catalogue ${c.catalogue}, hospitals ${c.hospitals} ` +
      `(${c.alliances} alliances), persons ${c.persons}`,
    `  DIP groups ${c.dipGroups}: ` + Object.entries(c.dipByKind).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') +
      (r.scoresComputed > 0 ? `; ${r.scoresComputed} scores computed` : ''),
    `  procedure kinds by rule: ${rules}`,
    ...(r.coefficientsDefaulted > 0 ? [`  ${r.coefficientsDefaulted} hospitals without dip_coefficient: 1.0`] : []),
    ...(c.otherRegions ? [`  异地就医: ${c.otherRegions} insuring regions' policies, ${c.visitors ?? 0} visitors`] : []),
    ...(c.charlsonConditions !== undefined ? [`  辅助目录: ${c.charlsonConditions} Charlson conditions`] : []),
    ...(r.auxCoefficients !== undefined
      ? [`  辅助目录 coefficients derived from case history: ${r.auxCoefficients.length}`,
        ...r.auxCoefficients.map((a) => `    ${a.group_code} ${a.type}: ${a.coefficient} (${a.cases} cases)`)]
      : []),
  ].join('\n') + '\n'
}
