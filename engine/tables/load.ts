// Load the SQLite lookup file (built by grouper-data/build.ts) into typed in-memory maps, once per process / worker.
// Codes are upper-case in the maps (the code lists mix `x` and `X`: every lookup is case-insensitive); DIP groups are
// also indexed by their 亚目 (core, primary, per-diem) and by `<category>:<composite kind>` (composite).
// Each table is read from its packed JSON copy (engine/tables/packed.ts) — several times faster than stepping rows —
// or from the SQL table when a file has no packed copy.
import Database from 'better-sqlite3'
import type { Policy } from '../policy/types.js'
import { PACKED_COLUMNS, unpackColumns, type PackedTable } from './packed.js'
import type {
  CatalogueItem, ChrgitmLv, CompositeKind, DipGroup, DipGroupKind, Hospital, HospitalLevel, Insutype, Person, PsnKind,
  ProcedureKind, Tables, TablesMeta,
} from './types.js'

/** Load the lookup tables file (opened read-only). Throws when the file is missing or not a tables file. */
export function loadTables(file: string): Tables {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const metaMap = new Map<string, string>()
    for (const [k, v] of db.prepare('SELECT key, value FROM meta').raw(true).all() as [string, string][]) metaMap.set(k, v)
    const policyJson = metaMap.get('policy_json')
    if (policyJson === undefined) throw new Error(`loadTables: ${file} is not a dipsettle tables file (no policy in meta)`)
    const meta: TablesMeta = {
      builtAt: metaMap.get('built_at') ?? '',
      policyVersion: metaMap.get('policy_version') ?? '',
      sourcesChecksum: metaMap.get('sources_checksum') ?? '',
      region: metaMap.get('region') ?? '',
    }
    // stored after validation at build time (defaults filled in): no need to validate again on every worker start
    const policy = JSON.parse(policyJson) as Policy

    const hasPacked = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'packed'").get() !== undefined
    const packed = hasPacked ? db.prepare('SELECT json FROM packed WHERE name = ?').pluck() : null
    /** One array per column of PACKED_COLUMNS[table], and the row count. */
    const columns = (table: PackedTable): { n: number; cols: unknown[][] } => {
      const json = packed?.get(table) as string | undefined
      if (json !== undefined) return unpackColumns(json)
      const names = PACKED_COLUMNS[table]
      const rows = db.prepare(`SELECT ${names.join(', ')} FROM ${table}`).raw(true).all() as unknown[][]
      return { n: rows.length, cols: names.map((_, c) => rows.map((r) => r[c])) }
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
      const [code, name, listType, lv, cap, prop, minLv, dx, vbp, ref] = cols as [
        string[], string[], string[], ChrgitmLv[], (number | null)[], (number | null)[], (HospitalLevel | null)[],
        (string | null)[], number[], (number | null)[]]
      for (let i = 0; i < n; i++) {
        catalogue.set(code[i] as string, {
          code: code[i] as string, name: name[i] as string, listType: listType[i] as string, chrgitmLv: lv[i] as ChrgitmLv,
          priceCapFen: cap[i] ?? null, selfpayPropPpm: prop[i] ?? null, minHospLv: minLv[i] ?? null, dxPrefix: dx[i] ?? null,
          vbp: vbp[i] === 1, refPriceFen: ref[i] ?? null,
        })
      }
    }

    const dipGroups = new Map<string, DipGroup>()
    const dipGroupsByDx = new Map<string, DipGroup[]>()
    const compositeGroups = new Map<string, DipGroup>()
    {
      const { n, cols } = columns('dip_groups')
      const [code, kind, dx, op, others, ck, avgFen, cases, days, score] = cols as [
        string[], DipGroupKind[], string[], (string | null)[], string[], (CompositeKind | null)[], number[], number[], number[],
        number[]]
      for (let i = 0; i < n; i++) {
        const other = others[i] as string
        const g: DipGroup = {
          groupCode: code[i] as string, kind: kind[i] as DipGroupKind, mainDx: dx[i] as string, mainOp: op[i] ?? null,
          otherOps: other === '' ? [] : other.split(','), avgCostFen: avgFen[i] as number, cases: cases[i] as number,
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

    const persons = new Map<string, Person>()
    {
      const { n, cols } = columns('persons')
      const [psn, ins, kind, poverty, assistance, city, balance] = cols as [
        string[], Insutype[], PsnKind[], number[], number[], string[], number[]]
      for (let i = 0; i < n; i++) {
        persons.set(psn[i] as string, {
          psnNo: psn[i] as string, insutype: ins[i] as Insutype, psnKind: kind[i] as PsnKind, poverty: poverty[i] === 1,
          assistance: assistance[i] === 1, city: city[i] as string, acctBalanceFen: balance[i] as number,
        })
      }
    }

    return { meta, diagnoses, procedures, catalogue, dipGroups, dipGroupsByDx, compositeGroups, hospitals, persons, policy, file }
  } finally {
    db.close()
  }
}
