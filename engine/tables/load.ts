// Load the SQLite lookup file (built by grouper-data/build.ts) into typed in-memory maps, once per process / worker.
// Codes are upper-case in the maps (the code lists mix `x` and `X`: every lookup is case-insensitive); DIP groups are
// also indexed by their 亚目 (core, primary, per-diem) and by `<category>:<composite kind>` (composite).
import Database from 'better-sqlite3'
import type { Policy } from '../policy/types.js'
import type {
  CatalogueItem, ChrgitmLv, CompositeKind, DipGroup, DipGroupKind, Hospital, HospitalLevel, Insutype, Person,
  ProcedureKind, Tables, TablesMeta,
} from './types.js'

type Raw = unknown[]

/** Load the lookup tables file (opened read-only). Throws when the file is missing or not a tables file. */
export function loadTables(file: string): Tables {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const rows = (sql: string): Raw[] => db.prepare(sql).raw(true).all() as Raw[]

    const metaMap = new Map<string, string>()
    for (const [k, v] of rows('SELECT key, value FROM meta')) metaMap.set(k as string, v as string)
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

    const diagnoses = new Set<string>(db.prepare('SELECT code_uc FROM diagnoses').pluck().all() as string[])

    const procedures = new Map<string, ProcedureKind>()
    for (const [c, k] of rows('SELECT code_uc, kind FROM procedures')) procedures.set(c as string, k as ProcedureKind)

    const catalogue = new Map<string, CatalogueItem>()
    for (const [c, name, listType, lv, cap, prop, minLv, dx, vbp, ref] of rows(
      'SELECT code_uc, name, list_type, chrgitm_lv, price_cap_fen, selfpay_prop_ppm, min_hosp_lv, dx_prefix, vbp, ref_price_fen FROM catalogue',
    )) {
      catalogue.set(c as string, {
        code: c as string, name: name as string, listType: listType as string, chrgitmLv: lv as ChrgitmLv,
        priceCapFen: cap as number | null, selfpayPropPpm: prop as number | null, minHospLv: minLv as HospitalLevel | null,
        dxPrefix: dx as string | null, vbp: vbp === 1, refPriceFen: ref as number | null,
      })
    }

    const dipGroups = new Map<string, DipGroup>()
    const dipGroupsByDx = new Map<string, DipGroup[]>()
    const compositeGroups = new Map<string, DipGroup>()
    for (const [code, kind, dx, op, others, ck, avgFen, cases, days, score] of rows(
      'SELECT group_code, kind, main_dx, main_op, other_ops, composite_kind, avg_cost_fen, cases, avg_ipt_days, score_micro FROM dip_groups',
    )) {
      const g: DipGroup = {
        groupCode: code as string, kind: kind as DipGroupKind, mainDx: dx as string, mainOp: op as string | null,
        otherOps: others === '' ? [] : (others as string).split(','), avgCostFen: avgFen as number, cases: cases as number,
        avgIptDays: days as number, scoreMicro: score as number, compositeKind: ck as CompositeKind | null,
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

    const hospitals = new Map<string, Hospital>()
    for (const [c, name, city, level, alliance, lead, coef, tcm] of rows(
      'SELECT fixmedins_code, name, city, level, alliance_id, alliance_lead, dip_coefficient_micro, tcm FROM hospitals',
    )) {
      hospitals.set(c as string, {
        code: c as string, name: name as string, city: city as string, level: level as HospitalLevel,
        allianceId: alliance as string | null, allianceLead: lead === 1, dipCoefficientMicro: coef as number, tcm: tcm === 1,
      })
    }

    const persons = new Map<string, Person>()
    for (const [psn, ins, kind, poverty, assistance, city, balance] of rows(
      'SELECT psn_no, insutype, psn_kind, poverty, assistance, city, acct_balance_fen FROM persons',
    )) {
      persons.set(psn as string, {
        psnNo: psn as string, insutype: ins as Insutype, psnKind: kind as Person['psnKind'], poverty: poverty === 1,
        assistance: assistance === 1, city: city as string, acctBalanceFen: balance as number,
      })
    }

    return { meta, diagnoses, procedures, catalogue, dipGroups, dipGroupsByDx, compositeGroups, hospitals, persons, policy }
  } finally {
    db.close()
  }
}
