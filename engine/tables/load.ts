// Load the SQLite lookup file (built by grouper-data/build.ts) into typed in-memory maps, once per process / worker.
// Codes are upper-case in the maps (the code lists mix `x` and `X`: every lookup is case-insensitive); DIP groups are
// also indexed by their 亚目 (core, primary, per-diem) and by `<category>:<composite kind>` (composite).
// Each table is read from its packed JSON copy (engine/tables/packed.ts) — several times faster than stepping rows —
// checked against the sha256 the builder stored for it (#14: a flipped byte passes SQLite's integrity_check).
import Database from 'better-sqlite3'
import type { Policy } from '../policy/types.js'
import { StoredPersons } from '../persons/lookup.js'
import { TABLES_FORMAT_VERSION, packedChecksum, unpackColumns, type PackedTable } from './packed.js'
import { TablesPersons } from './persons.js'
import type {
  CatalogueItem, CharlsonCondition, ChrgitmLv, CompositeKind, DipGroup, DipGroupKind, Hospital, HospitalLevel,
  ProcedureKind, Tables, TablesMeta,
} from './types.js'

/**
 * A tables file that cannot be loaded: not SQLite, not a dipsettle tables file (a table missing), another format
 * version, or a packed blob that fails its checksum. The message is one line naming the file and the problem; the CLI
 * prints it without a stack trace and exits 1.
 */
export class TablesFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`tables file ${file}: ${problem}`)
    this.name = 'TablesFileError'
  }
}

/** Load the lookup tables file (opened read-only). Throws TablesFileError when it cannot (see there). */
export function loadTables(file: string): Tables {
  let db: Database.Database
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
  } catch (e) {
    throw new TablesFileError(file, (e as Error).message)
  }
  try {
    return readTables(db, file)
  } catch (e) {
    if (e instanceof TablesFileError) throw e
    // SQLite's own words: "file is not a database", "no such table: packed", "database disk image is malformed"
    if (e instanceof Database.SqliteError) throw new TablesFileError(file, `not a dipsettle tables file (${e.message})`)
    throw e
  } finally {
    db.close()
  }
}

function readTables(db: Database.Database, file: string): Tables {
  const metaMap = new Map<string, string>()
  for (const [k, v] of db.prepare('SELECT key, value FROM meta').raw(true).all() as [string, string][]) metaMap.set(k, v)
  const policyJson = metaMap.get('policy_json')
  if (policyJson === undefined) throw new TablesFileError(file, 'not a dipsettle tables file (no policy in meta)')
  const version = metaMap.get('builder_version')
  if (version !== TABLES_FORMAT_VERSION) {
    throw new TablesFileError(file, `format version ${version ?? 'none'}, this dipsettle reads ${TABLES_FORMAT_VERSION}: rebuild it with \`dipsettle data build\``)
  }
  const sums = JSON.parse(metaMap.get('packed_sha256') ?? '{}') as Partial<Record<PackedTable, string>>
  const meta: TablesMeta = {
    builtAt: metaMap.get('built_at') ?? '',
    policyVersion: metaMap.get('policy_version') ?? '',
    sourcesChecksum: metaMap.get('sources_checksum') ?? '',
    region: metaMap.get('region') ?? '',
  }
  // stored after validation at build time (defaults filled in): no need to validate again on every worker start
  const policy = JSON.parse(policyJson) as Policy
  const otherPolicies = new Map(Object.entries(JSON.parse(metaMap.get('other_policies_json') ?? '{}') as Record<string, Policy>))

  const packed = db.prepare('SELECT json FROM packed WHERE name = ?').pluck()
  /** One array per column of PACKED_COLUMNS[table], and the row count; the blob checked against its sha256. */
  const columns = (table: PackedTable): { n: number; cols: unknown[][] } => {
    const json = packed.get(table) as string | undefined
    if (json === undefined) throw new TablesFileError(file, `the packed copy of ${table} is missing`)
    if (sums[table] === undefined || packedChecksum(json) !== sums[table]) {
      throw new TablesFileError(file, `the packed copy of ${table} fails its sha256 checksum (the file is damaged): rebuild it`)
    }
    return unpackColumns(json)
  }

  const dxCols = columns('diagnoses')
  const diagnoses = new Set<string>(dxCols.cols[0] as string[])

  const procedures = new Map<string, ProcedureKind>()
  {
    const { n, cols: [code, kind] } = columns('procedures') as { n: number; cols: [string[], ProcedureKind[]] }
    for (let i = 0; i < n; i++) procedures.set(code[i] as string, kind[i] as ProcedureKind)
  }

  const catalogue = new Map<string, CatalogueItem>()
  {
    const { n, cols } = columns('catalogue')
    const [code, name, listType, lv, cap, prop, minLv, dx, vbp, ref, preVbp] = cols as [
      string[], string[], string[], ChrgitmLv[], (number | null)[], (number | null)[], (HospitalLevel | null)[],
      (string | null)[], number[], (number | null)[], (number | null)[] | undefined]
    for (let i = 0; i < n; i++) {
      catalogue.set(code[i] as string, {
        code: code[i] as string, name: name[i] as string, listType: listType[i] as string, chrgitmLv: lv[i] as ChrgitmLv,
        priceCapFen: cap[i] ?? null, selfpayPropPpm: prop[i] ?? null, minHospLv: minLv[i] ?? null, dxPrefix: dx[i] ?? null,
        vbp: vbp[i] === 1, refPriceFen: ref[i] ?? null,
        ...(preVbp?.[i] != null ? { preVbpPriceFen: preVbp[i] as number } : {}),
      })
    }
  }

  const dipGroups = new Map<string, DipGroup>()
  const dipGroupsByDx = new Map<string, DipGroup[]>()
  const compositeGroups = new Map<string, DipGroup>()
  {
    const { n, cols } = columns('dip_groups')
    const [code, kind, dx, op, others, ck, avgFen, cases, days, score, avgMicro] = cols as [
      string[], DipGroupKind[], string[], (string | null)[], string[], (CompositeKind | null)[], number[], number[], number[],
      number[], number[]]
    for (let i = 0; i < n; i++) {
      const other = others[i] as string
      const g: DipGroup = {
        groupCode: code[i] as string, kind: kind[i] as DipGroupKind, mainDx: dx[i] as string, mainOp: op[i] ?? null,
        otherOps: other === '' ? [] : other.split(','), avgCostFen: avgFen[i] as number,
        avgCostMicro: avgMicro[i] as number, cases: cases[i] as number,
        avgIptDays: days[i] as number, scoreMicro: score[i] as number, compositeKind: ck[i] ?? null,
      }
      dipGroups.set(g.groupCode, g)
      if (g.kind === 'composite') {
        compositeGroups.set(`${g.mainDx}:${g.compositeKind}`, g)
      } else {
        const list = dipGroupsByDx.get(g.mainDx)
        if (list) list.push(g)
        else dipGroupsByDx.set(g.mainDx, [g])
      }
    }
  }

  const hospitals = new Map<string, Hospital>()
  {
    const { n, cols } = columns('hospitals')
    const [code, name, city, level, alliance, lead, coef, tcm] = cols as [
      string[], string[], string[], HospitalLevel[], (string | null)[], number[], number[], number[]]
    for (let i = 0; i < n; i++) {
      hospitals.set(code[i] as string, {
        code: code[i] as string, name: name[i] as string, city: city[i] as string, level: level[i] as HospitalLevel,
        allianceId: alliance[i] ?? null, allianceLead: lead[i] === 1, dipCoefficientMicro: coef[i] as number, tcm: tcm[i] === 1,
      })
    }
  }

  // persons are not loaded (SPEC §11): read one at a time from the file's persons table, through a bounded cache
  const tablesPersons = new TablesPersons(file)
  const persons = new StoredPersons([tablesPersons], () => tablesPersons.all())

  // 辅助目录 (SPEC §5)
  const charlson: CharlsonCondition[] = []
  {
    const { n, cols } = columns('charlson_conditions')
    const [condition, name, weight, prefixes, supersedes] = cols as [string[], string[], number[], string[], (string | null)[]]
    for (let i = 0; i < n; i++) {
      charlson.push({
        condition: condition[i] as string, name: name[i] as string, weight: weight[i] as number,
        icd10Prefixes: (prefixes[i] as string).split(' ').filter((x) => x !== ''), supersedes: supersedes[i] ?? null,
      })
    }
  }
  const auxCoefficients = new Map<string, number>()
  {
    const { n, cols: [group, type, coef] } = columns('aux_coefficients') as { n: number; cols: [string[], string[], number[]] }
    for (let i = 0; i < n; i++) auxCoefficients.set(`${group[i] as string}|${type[i] as string}`, coef[i] as number)
  }

  return {
    meta, diagnoses, procedures, catalogue, dipGroups, dipGroupsByDx, compositeGroups, hospitals, persons, charlson, auxCoefficients,
    policy, otherPolicies, file,
  }
}
