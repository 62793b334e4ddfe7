// A province for the simulation: the demo region's sources scaled to N insured. The real code lists, the DIP
// catalogue, the service catalogue and the policy are the demo region's, unchanged; persons.csv holds N insured drawn
// by the demo generator (grouper-data/generate-demo.ts, same recipe and seed, so the first 100,000 are the demo's),
// written beside the sources, not in them: the persons go into the ledger (`persons import`, SPEC §11), not the tables;
// hospitals.csv holds the demo's hospital network repeated once per `hospitalSets` (each copy its own codes and
// county alliances in the same cities), so that a bigger province has proportionally more hospitals per city.
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCsv, toCsv } from '../../grouper-data/csv-file.js'
import { buildTables, type BuildReport } from '../../grouper-data/build.js'
import { writePersonsCsv } from '../../grouper-data/generate-demo.js'
import type { Person, PsnKind, Insutype } from '../tables/types.js'
import { DEMO_SOURCES_DIR } from '../paths.js'

/** Insured per copy of the demo hospital network (320 hospitals): ~24 copies, ~7,700 hospitals for 24 M insured. */
export const INSURED_PER_HOSPITAL_SET = 1_000_000

/** Copies of the demo hospital network a province of `persons` insured gets by default (at least one). */
export function defaultHospitalSets(persons: number): number {
  return Math.max(1, Math.round(persons / INSURED_PER_HOSPITAL_SET))
}

const HOSPITAL_COLUMNS = ['fixmedins_code', 'name', 'city', 'level', 'alliance_id', 'alliance_lead', 'dip_coefficient', 'tcm']
/** H + 6-digit area code + 5-digit serial within the area (SPEC §1: 12 chars). */
const HOSPITAL_CODE = /^H(\d{6})(\d{5})$/
/** The demo's serials stay below this within an area, so copy k uses serials k × 100 + serial. */
const SERIAL_STRIDE = 100

/** The demo hospitals.csv repeated `sets` times: copy k ≥ 1 gets new codes, alliance ids and a name suffix. */
export function scaledHospitalRows(demoCsv: string, sets: number): string[][] {
  const t = parseCsv(demoCsv)
  const out: string[][] = []
  for (let k = 0; k < sets; k++) {
    for (const r of t.records) {
      const v = r.values
      const m = HOSPITAL_CODE.exec(v['fixmedins_code'] ?? '')
      if (m === null) throw new Error(`hospitals.csv:${r.row}: fixmedins_code "${v['fixmedins_code']}" is not H + 11 digits`)
      const serial = Number(m[2])
      if (serial >= SERIAL_STRIDE) throw new Error(`hospitals.csv:${r.row}: serial ${serial} too large to replicate`)
      const code = k === 0 ? v['fixmedins_code'] as string : `H${m[1]}${String(k * SERIAL_STRIDE + serial).padStart(5, '0')}`
      const alliance = v['alliance_id'] ?? ''
      out.push([
        code, k === 0 ? v['name'] ?? '' : `${v['name'] ?? ''}(${k + 1})`, v['city'] ?? '', v['level'] ?? '',
        alliance === '' || k === 0 ? alliance : `${alliance}R${k + 1}`, v['alliance_lead'] ?? '0', v['dip_coefficient'] ?? '',
        v['tcm'] ?? '0',
      ])
    }
  }
  return out
}

export interface ProvinceOptions {
  /** Where sources/ and tables.sqlite are written. */
  readonly dir: string
  readonly persons: number
  readonly hospitalSets?: number
  readonly seed?: number
}

/** Persons the claims are drawn from at most (every k-th insured beyond it): the main thread holds them. */
export const CLAIM_PERSONS_MAX = 1_000_000

export interface Province {
  readonly sourcesDir: string
  readonly tablesFile: string
  /** persons.csv of the province's insured (to import into the ledger). */
  readonly personsFile: string
  /** The insured the month's claims are drawn from: all of them up to CLAIM_PERSONS_MAX, else every k-th. */
  readonly claimPersons: readonly Person[]
  readonly hospitals: number
  readonly persons: number
  readonly build: BuildReport
}

/** Write the province's sources directory and build its lookup tables (skipped when already built from them). */
export function buildProvince(o: ProvinceOptions): Province {
  const sourcesDir = join(o.dir, 'sources')
  const tablesFile = join(o.dir, 'tables.sqlite')
  mkdirSync(sourcesDir, { recursive: true })
  // everything but persons and hospitals is the demo region's own file, byte for byte
  for (const f of readdirSync(DEMO_SOURCES_DIR)) {
    // other-regions/ (异地就医 policies) is a directory: copied whole
    if (f !== 'persons.csv' && f !== 'hospitals.csv') cpSync(join(DEMO_SOURCES_DIR, f), join(sourcesDir, f), { recursive: true })
  }
  // persons beside the sources (imported into the ledger), streamed: 24 M rows are never held whole
  const personsFile = join(o.dir, 'persons.csv')
  const stride = Math.ceil(o.persons / CLAIM_PERSONS_MAX)
  const claimPersons: Person[] = []
  let i = 0
  writePersonsCsv(personsFile, o.persons, o.seed, (r) => {
    if (i++ % stride !== 0) return
    claimPersons.push({ psnNo: r[0] as string, insutype: r[1] as Insutype, psnKind: r[2] as PsnKind, poverty: r[3] === '1',
      assistance: r[4] === '1', city: r[5] as string, acctBalanceFen: 0, brdy: null })
  })
  const rows = scaledHospitalRows(readFileSync(join(DEMO_SOURCES_DIR, 'hospitals.csv'), 'utf8'), o.hospitalSets ?? defaultHospitalSets(o.persons))
  writeFileSync(join(sourcesDir, 'hospitals.csv'), toCsv(HOSPITAL_COLUMNS, rows))
  const build = buildTables({ sourcesDir, outFile: tablesFile })
  return { sourcesDir, tablesFile, personsFile, claimPersons, hospitals: build.counts.hospitals, persons: o.persons, build }
}
