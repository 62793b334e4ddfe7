// Reading and checking each source file of a sources directory (SPEC §2, §9) into rows for the builder
// (grouper-data/build.ts): well-formed codes, no duplicates, numbers in range, enumerations, foreign keys, every given
// DIP score recomputed from its costs. Nothing here writes; problems go to the shared Problems list.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCsv, type CsvTable } from './csv-file.js'
import { deriveProcedureKind, PROCEDURE_KINDS, type KindRule } from './procedure-kind.js'
import { code, flag, num, oneOf, text, Unique, type PrefixIndex, type Problems, type Row } from './source-fields.js'
import { validatePolicy } from '../engine/policy/validate.js'
import type { Policy } from '../engine/policy/types.js'
import type { CompositeKind, DipGroupKind, Person, ProcedureKind } from '../engine/tables/types.js'
import { PPM, SCORE_SCALE, FEN_PER_YUAN, MAX_YUAN } from '../engine/money.js'
import { decimalTextToMicro } from './micro-yuan.js'
import { dayNumber } from '../engine/claim.js'

export const OVERRIDES_FILE = 'procedure-kind-overrides.csv'
/**
 * A given score must equal avg_cost / region_avg_cost × scale within 1e-6 (the catalogue's 6 decimals) plus what the
 * rounding of its inputs to 6 decimals can move it (the real catalogue's scores were computed before that rounding:
 * I72.0:39.7205_88.4101 is 1.1e-6 off when recomputed from the printed figures).
 */
export function scoreTolerance(score: number, scale: number, regionAvgCostYuan: number): number {
  const inputRounding = 0.5e-6
  return 1e-6 + (inputRounding * scale + inputRounding * Math.abs(score)) / regionAvgCostYuan + 1e-12
}

const REQUIRED: Record<string, readonly string[]> = {
  'diagnoses.csv': ['code', 'name'],
  'procedures.csv': ['code', 'name', 'kind'],
  'catalogue.csv': ['code', 'name', 'list_type', 'chrgitm_lv', 'price_cap_yuan', 'selfpay_prop', 'min_hosp_lv', 'dx_prefix'],
  'dip-groups.csv': ['group_code', 'kind', 'main_dx_code', 'main_op_code', 'other_op_codes', 'avg_cost_yuan', 'cases',
    'avg_ipt_days'],
  'hospitals.csv': ['fixmedins_code', 'name', 'city', 'level', 'alliance_id', 'alliance_lead', 'dip_coefficient', 'tcm'],
  'persons.csv': ['psn_no', 'insutype', 'psn_kind', 'poverty', 'assistance', 'city'],
  [OVERRIDES_FILE]: ['code', 'kind'],
}

// Code shapes. ICD-10 医保版: `A00.000`, `A00.000x001`, `A46.x00`, dagger–asterisk `A17.000+G01*`.
const DX_CODE = /^[A-Z][0-9]{2}(\.[0-9X]{1,3}(X[0-9]{3})?)?(\+[A-Z][0-9]{2}(\.[0-9X]{1,2})?\*)?$/i
// ICD-9-CM-3 医保版: `88.4101`, `33.2400x001`, `00.661A1`, `01.2x00`.
const OP_CODE = /^[0-9]{2}(\.[0-9A-Z]{1,5}(X[0-9]{3,4})?)?$/i
/** A DIP core group's main dx: 亚目 `J18.9` / `A46.X` (or a 3-char category). */
const DIP_DX = /^[A-Z][0-9]{2}(\.[0-9X]{1,2})?$/i
const CATEGORY = /^[A-Z][0-9]{2}$/i
const CATALOGUE_CODE = /^[A-Z0-9][A-Z0-9._-]{0,49}$/i
/** 101 西药, 102 中成药, 103 民族药/中药饮片 …; 201 诊疗项目; 301 医用耗材. */
const LIST_TYPE = /^[123]0[1-9]$/
const HOSPITAL_CODE = /^H[0-9]{11}$/
const ALLIANCE_ID = /^[A-Z0-9_-]{1,32}$/i
const PSN_NO = /^[A-Z0-9_-]{1,40}$/i
const COMPOSITE_KINDS: readonly CompositeKind[] = ['SS', 'ZLXCZ', 'ZDXCZ', 'BSZL']
const DIP_KINDS: readonly DipGroupKind[] = ['core', 'composite', 'primary', 'per_diem']

export function readTable(sourcesDir: string, file: string, p: Problems, optional = false): CsvTable | null {
  const path = join(sourcesDir, file)
  if (!existsSync(path)) {
    if (!optional) p.add(`${file}: missing file`)
    return null
  }
  let t: CsvTable
  try {
    t = parseCsv(readFileSync(path, 'utf8'))
  } catch (e) {
    p.add(`${file}: not valid CSV: ${(e as Error).message}`)
    return null
  }
  const missing = (REQUIRED[file] ?? []).filter((c) => !t.columns.includes(c))
  for (const c of missing) p.at(file, 1, c, 'missing column')
  return missing.length > 0 ? null : t
}

export interface DxRow { code: string; codeUc: string; name: string }
export interface OpRow { code: string; codeUc: string; name: string; kind: ProcedureKind; rule: KindRule }
export interface CatRow {
  code: string; codeUc: string; name: string; listType: string; lv: string; capFen: number | null; propPpm: number | null
  minLv: number | null; dxPrefix: string | null; vbp: boolean; refPriceFen: number | null
  /** 集采 item: the unit price before 集采 (optional column `pre_vbp_price_yuan`), fen; null when not given. */
  preVbpPriceFen: number | null
}
export interface DipRow {
  groupCode: string; kind: DipGroupKind; mainDx: string; mainOp: string | null; otherOps: string[]
  compositeKind: CompositeKind | null; avgCostYuan: number; avgCostMicro: number; cases: number; avgIptDays: number; scoreMicro: number
  scoreGiven: boolean; name: string
}
export interface HospRow {
  code: string; name: string; city: string; level: number; allianceId: string | null; lead: boolean; coefMicro: number
  tcm: boolean
}

export function readPolicy(sourcesDir: string, p: Problems): Policy | null {
  const file = join(sourcesDir, 'policy.json')
  if (!existsSync(file)) { p.add('policy.json: missing file'); return null }
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    p.add(`policy.json: (root): not valid JSON: ${(e as Error).message}`)
    return null
  }
  const r = validatePolicy(doc)
  if (!r.ok) {
    for (const q of r.problems) p.add(`policy.json: ${q.path || '(root)'}: ${q.message}`)
    return null
  }
  return r.policy
}

export function readDiagnoses(t: CsvTable, p: Problems): DxRow[] {
  const out: DxRow[] = []
  const unique = new Unique()
  for (const rec of t.records) {
    const r = { file: 'diagnoses.csv', rec, p }
    const c = code(r, 'code', DX_CODE, 'ICD-10 code')
    const name = text(r, 'name')
    if (c === undefined || !unique.check(r, 'code', c)) continue
    out.push({ code: c, codeUc: c.toUpperCase(), name })
  }
  return out
}

export function readProcedures(t: CsvTable, overrides: CsvTable | null, p: Problems): OpRow[] {
  const out: OpRow[] = []
  const byCode = new Map<string, OpRow>()
  const unique = new Unique()
  for (const rec of t.records) {
    const r = { file: 'procedures.csv', rec, p }
    const c = code(r, 'code', OP_CODE, 'ICD-9-CM-3 code')
    const name = text(r, 'name')
    const given = oneOf(r, 'kind', PROCEDURE_KINDS, { optional: true })
    if (c === undefined || given === undefined || !unique.check(r, 'code', c)) continue
    const derived = given === null ? deriveProcedureKind(c, name) : { kind: given, rule: 'given' as const }
    const row: OpRow = { code: c, codeUc: c.toUpperCase(), name, kind: derived.kind, rule: derived.rule }
    out.push(row)
    byCode.set(row.codeUc, row)
  }
  // the override file is applied last: it corrects the codes the derivation rule gets wrong
  if (overrides) {
    const unique2 = new Unique()
    for (const rec of overrides.records) {
      const r = { file: OVERRIDES_FILE, rec, p }
      const c = code(r, 'code', OP_CODE, 'ICD-9-CM-3 code')
      const kind = oneOf(r, 'kind', PROCEDURE_KINDS)
      if (c === undefined || !kind || !unique2.check(r, 'code', c)) continue
      const row = byCode.get(c.toUpperCase())
      if (!row) { p.at(OVERRIDES_FILE, rec.row, 'code', `unknown procedure "${c}" (not in procedures.csv)`); continue }
      row.kind = kind
      row.rule = 'override'
    }
  }
  return out
}

export function readCatalogue(t: CsvTable, dx: PrefixIndex, p: Problems): CatRow[] {
  const out: CatRow[] = []
  const unique = new Unique()
  const hasVbp = t.columns.includes('vbp')
  const hasPrice = t.columns.includes('price_yuan')
  const hasPreVbp = t.columns.includes('pre_vbp_price_yuan')
  for (const rec of t.records) {
    const r = { file: 'catalogue.csv', rec, p }
    const before = p.count
    const c = code(r, 'code', CATALOGUE_CODE, 'catalogue code')
    const name = text(r, 'name')
    const listType = text(r, 'list_type')
    if (listType !== '' && !LIST_TYPE.test(listType)) {
      p.at(r.file, rec.row, 'list_type', `"${listType}" is not a list type (1xx drug, 2xx item, 3xx consumable)`)
    }
    const lv = oneOf(r, 'chrgitm_lv', ['01', '02', '03'] as const)
    const cap = num(r, 'price_cap_yuan', { min: 0, max: MAX_YUAN, optional: true, maxDecimals: 2 })
    const prop = num(r, 'selfpay_prop', { min: 0, max: 1, optional: true })
    const minLv = oneOf(r, 'min_hosp_lv', ['1', '2', '3'] as const, { optional: true })
    const prefix = rec.values.dx_prefix ?? ''
    if (prefix !== '' && !dx.hasPrefix(prefix)) {
      p.at(r.file, rec.row, 'dx_prefix', `unknown diagnosis prefix "${prefix}" (no code in diagnoses.csv starts with it)`)
    }
    const vbp = hasVbp ? flag(r, 'vbp', true) : false
    const price = hasPrice ? num(r, 'price_yuan', { min: 0, max: MAX_YUAN, optional: true, maxDecimals: 2 }) : null
    const preVbp = hasPreVbp ? num(r, 'pre_vbp_price_yuan', { min: 0, max: MAX_YUAN, optional: true, maxDecimals: 2 }) : null
    // the 集采 saving (annual clearing) is measured against the 集采 price: both prices, on a 集采 item only
    if (preVbp != null && (!vbp || price == null)) {
      p.at(r.file, rec.row, 'pre_vbp_price_yuan', 'a pre-集采 price needs vbp 1 and the 集采 price_yuan')
    }
    if (c !== undefined && !unique.check(r, 'code', c)) continue
    if (p.count > before || c === undefined || lv == null) continue
    out.push({
      code: c, codeUc: c.toUpperCase(), name, listType, lv,
      capFen: cap == null ? null : Math.round(cap * FEN_PER_YUAN),
      propPpm: prop == null ? null : Math.round(prop * PPM),
      minLv: minLv == null ? null : Number(minLv),
      dxPrefix: prefix === '' ? null : prefix.toUpperCase(),
      vbp,
      refPriceFen: price == null ? null : Math.round(price * FEN_PER_YUAN),
      preVbpPriceFen: preVbp == null ? null : Math.round(preVbp * FEN_PER_YUAN),
    })
  }
  return out
}

function splitOps(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '')
}

export function readDipGroups(t: CsvTable, dx: PrefixIndex, ops: ReadonlySet<string>, policy: Policy | null, p: Problems): DipRow[] {
  const out: DipRow[] = []
  const unique = new Unique()
  const hasScore = t.columns.includes('score')
  for (const rec of t.records) {
    const r = { file: 'dip-groups.csv', rec, p }
    const before = p.count
    const groupCode = text(r, 'group_code')
    const kind = oneOf(r, 'kind', DIP_KINDS)
    const mainDxCode = text(r, 'main_dx_code')
    const mainOp = rec.values.main_op_code ?? ''
    const otherOps = splitOps(rec.values.other_op_codes ?? '')
    const avg = num(r, 'avg_cost_yuan', { min: 0, minExclusive: true, max: MAX_YUAN, maxDecimals: 6 })
    // the published figure itself, not the float: c / a divides by it exactly (SPEC §5 "Precision")
    const avgMicro = avg == null ? null : decimalTextToMicro(rec.values.avg_cost_yuan ?? '')
    if (avg != null && avgMicro === null) p.at(r.file, rec.row, 'avg_cost_yuan', `not a plain decimal of at most 6 places "${rec.values.avg_cost_yuan ?? ''}"`)
    const cases = num(r, 'cases', { min: 0, integer: true })
    const days = num(r, 'avg_ipt_days', { min: 0, max: 3650 })
    const score = hasScore ? num(r, 'score', { min: 0, optional: true }) : null
    if (groupCode !== '' && !unique.check(r, 'group_code', groupCode)) continue
    let compositeKind: CompositeKind | null = null
    if (kind === 'composite') {
      const [cat, suffix, extra] = groupCode.split(':')
      if (cat === undefined || !CATEGORY.test(cat) || extra !== undefined || !COMPOSITE_KINDS.includes(suffix?.toUpperCase() as CompositeKind)) {
        p.at(r.file, rec.row, 'group_code', `not a composite group code "<category>:<${COMPOSITE_KINDS.join('|')}>": "${groupCode}"`)
      } else {
        compositeKind = (suffix as string).toUpperCase() as CompositeKind
        if (mainDxCode.toUpperCase() !== cat.toUpperCase()) {
          p.at(r.file, rec.row, 'main_dx_code', `"${mainDxCode}" differs from the group code's category "${cat}"`)
        } else if (!dx.hasPrefix(cat)) {
          p.at(r.file, rec.row, 'main_dx_code', `unknown diagnosis category "${mainDxCode}" (no code in diagnoses.csv starts with it)`)
        }
        if (mainOp !== '' || otherOps.length > 0) {
          p.at(r.file, rec.row, mainOp !== '' ? 'main_op_code' : 'other_op_codes', 'a composite group names no procedure')
        }
      }
    } else if (kind) {
      // core / primary / per-diem: `<dx>` or `<dx>:<main op>[_<op>[+<op>…]]`
      const [gDx, gOps, extra] = groupCode.split(':')
      if (gDx === undefined || !DIP_DX.test(gDx) || extra !== undefined) {
        p.at(r.file, rec.row, 'group_code', `not a DIP group code "<dx>[:<op>[_<op>+…]]": "${groupCode}"`)
      } else {
        if (mainDxCode.toUpperCase() !== gDx.toUpperCase()) {
          p.at(r.file, rec.row, 'main_dx_code', `"${mainDxCode}" differs from the group code's diagnosis "${gDx}"`)
        } else if (!DIP_DX.test(mainDxCode) || !dx.hasPrefix(mainDxCode)) {
          p.at(r.file, rec.row, 'main_dx_code', `unknown diagnosis "${mainDxCode}" (no code in diagnoses.csv starts with it)`)
        }
        const [gMain, gRest] = gOps === undefined ? [undefined, undefined] : [gOps.split('_')[0], gOps.split('_').slice(1).join('_')]
        const gOthers = gRest ? gRest.split('+') : []
        if ((gMain ?? '').toUpperCase() !== mainOp.toUpperCase()) {
          p.at(r.file, rec.row, 'main_op_code', `"${mainOp}" differs from the group code's main procedure "${gMain ?? ''}"`)
        } else if (gOthers.map((o) => o.toUpperCase()).join(',') !== otherOps.map((o) => o.toUpperCase()).join(',')) {
          p.at(r.file, rec.row, 'other_op_codes', `"${otherOps.join(',')}" differs from the group code's procedures "${gOthers.join(',')}"`)
        }
        if (mainOp !== '' && !ops.has(mainOp.toUpperCase())) {
          p.at(r.file, rec.row, 'main_op_code', `unknown procedure "${mainOp}" (not in procedures.csv)`)
        }
        for (const o of otherOps) {
          if (!ops.has(o.toUpperCase())) p.at(r.file, rec.row, 'other_op_codes', `unknown procedure "${o}" (not in procedures.csv)`)
        }
      }
    }
    // SPEC §2: score = group average cost ÷ region all-case average cost × scale
    let scoreMicro = 0
    if (avg != null && policy) {
      const computed = (avg / policy.dip.region_avg_cost_yuan) * policy.dip.scale
      if (score != null && Math.abs(score - computed) > scoreTolerance(computed, policy.dip.scale, policy.dip.region_avg_cost_yuan)) {
        p.at(r.file, rec.row, 'score', `${score} does not equal avg_cost_yuan / dip.region_avg_cost_yuan × dip.scale = ` +
          `${computed.toFixed(6)}`)
      }
      scoreMicro = Math.round((score ?? computed) * SCORE_SCALE)
    }
    if (p.count > before || !kind || avg == null || avgMicro == null || cases == null || days == null) continue
    out.push({
      groupCode, kind, mainDx: mainDxCode.toUpperCase(), mainOp: mainOp === '' ? null : mainOp.toUpperCase(),
      otherOps: otherOps.map((o) => o.toUpperCase()), compositeKind, avgCostYuan: avg, avgCostMicro: avgMicro, cases, avgIptDays: days, scoreMicro,
      scoreGiven: score != null, name: rec.values.main_dx_name ?? rec.values.name ?? '',
    })
  }
  return out
}

export function readHospitals(t: CsvTable, p: Problems): { rows: HospRow[]; defaulted: number; alliances: number } {
  const rows: HospRow[] = []
  const unique = new Unique()
  let defaulted = 0
  /** alliance id → first member row and the lead rows. */
  const alliances = new Map<string, { firstRow: number; leads: number[] }>()
  for (const rec of t.records) {
    const r = { file: 'hospitals.csv', rec, p }
    const before = p.count
    const c = code(r, 'fixmedins_code', HOSPITAL_CODE, 'fixmedins_code (H + 11 digits)')
    const name = text(r, 'name')
    const city = text(r, 'city')
    const level = oneOf(r, 'level', ['1', '2', '3'] as const)
    const alliance = rec.values.alliance_id ?? ''
    if (alliance !== '' && !ALLIANCE_ID.test(alliance)) p.at(r.file, rec.row, 'alliance_id', `not a well-formed alliance id "${alliance}"`)
    const lead = flag(r, 'alliance_lead')
    if (lead && alliance === '') p.at(r.file, rec.row, 'alliance_lead', 'an alliance lead needs an alliance_id')
    const coef = num(r, 'dip_coefficient', { min: 0, minExclusive: true, max: 10, optional: true })
    const tcm = flag(r, 'tcm')
    if (alliance !== '') {
      const a = alliances.get(alliance) ?? { firstRow: rec.row, leads: [] }
      if (lead) a.leads.push(rec.row)
      alliances.set(alliance, a)
    }
    if (c !== undefined && !unique.check(r, 'fixmedins_code', c)) continue
    if (p.count > before || c === undefined || !level || coef === undefined) continue
    // no coefficient given: neutral 1 (deriving it needs case history, SPEC §2 — grouper-data/history.ts)
    if (coef === null) defaulted++
    rows.push({ code: c, name, city, level: Number(level), allianceId: alliance === '' ? null : alliance, lead,
      coefMicro: Math.round((coef ?? 1) * SCORE_SCALE), tcm })
  }
  // seed 001 医共体: exactly one lead (the county hospital) per alliance
  for (const [id, a] of alliances) {
    if (a.leads.length === 0) {
      p.at('hospitals.csv', a.firstRow, 'alliance_id', `alliance "${id}" has no lead (exactly one member needs alliance_lead 1)`)
    }
    for (const extra of a.leads.slice(1)) {
      p.at('hospitals.csv', extra, 'alliance_lead', `alliance "${id}" already has a lead at row ${a.leads[0]}`)
    }
  }
  return { rows, defaulted, alliances: alliances.size }
}

/**
 * persons.csv rows (or a `persons import` file's, `file` naming it in problems) → the Person records stored whole
 * (engine/persons/codec.ts): a column added here and to Person is stored and read without further code. `regions`
 * (SPEC §13): this region's own admdvs and the insuring regions whose policies the sources hold
 * (other-regions/<admdvs>.json); a person's `insuplc_admdvs` must be one of them (its own: insured here).
 */
export function readPersons(
  t: CsvTable, p: Problems, file = 'persons.csv', regions: { own: string | null; others: ReadonlySet<string> } = { own: null, others: new Set() },
): Person[] {
  const out: Person[] = []
  const hasInsuplc = t.columns.includes('insuplc_admdvs')
  const unique = new Unique()
  const hasBalance = t.columns.includes('acct_balance_yuan')
  const hasBrdy = t.columns.includes('brdy')
  const hasGend = t.columns.includes('gend')
  const hasBase = t.columns.includes('contribution_base_yuan')
  const hasContract = t.columns.includes('contract_fixmedins')
  for (const rec of t.records) {
    const r = { file, rec, p }
    const before = p.count
    const psn = code(r, 'psn_no', PSN_NO, 'psn_no')
    const insutype = oneOf(r, 'insutype', ['310', '390'] as const)
    const kind = oneOf(r, 'psn_kind', ['in_service', 'retired', 'resident'] as const)
    if (insutype && kind && (insutype === '390') !== (kind === 'resident')) {
      p.at(r.file, rec.row, 'psn_kind', `"${kind}" does not fit insutype ${insutype} (${insutype === '390' ? 'resident' : 'in_service or retired'})`)
    }
    const poverty = flag(r, 'poverty')
    const assistance = flag(r, 'assistance')
    const city = text(r, 'city')
    const balance = hasBalance ? num(r, 'acct_balance_yuan', { min: 0, max: MAX_YUAN, optional: true, maxDecimals: 2 }) : null
    const brdy = hasBrdy ? birthDate(r) : null
    const gend = hasGend ? sex(r) : null
    const insuplc = hasInsuplc ? insuringRegion(r, regions) : null
    const base = hasBase ? num(r, 'contribution_base_yuan', { min: 0, max: MAX_YUAN, optional: true, maxDecimals: 2 }) : null
    const contract = hasContract ? contractOf(r) : null
    if (psn !== undefined && !unique.check(r, 'psn_no', psn)) continue
    if (p.count > before || psn === undefined || !insutype || !kind || balance === undefined || brdy === undefined ||
      gend === undefined || insuplc === undefined) continue
    if (base === undefined || contract === undefined) continue
    out.push({
      psnNo: psn, insutype, psnKind: kind, poverty, assistance, city, acctBalanceFen: Math.round((balance ?? 0) * FEN_PER_YUAN), brdy,
      gend, insuplcAdmdvs: insuplc,
      ...(base !== null ? { contributionBaseFen: Math.round(base * FEN_PER_YUAN) } : {}), ...(contract !== null ? { contractFixmedins: contract } : {}),
    })
  }
  return out
}

/**
 * persons.csv `insuplc_admdvs` (SPEC §13): empty or this region's admdvs → null (insured here); another region's →
 * that admdvs, which needs its policy in other-regions/; undefined (reported) when bad or unknown.
 */
function insuringRegion(r: Row, regions: { own: string | null; others: ReadonlySet<string> }): string | null | undefined {
  const v = r.rec.values['insuplc_admdvs'] ?? ''
  if (v === '' || v === regions.own) return null
  if (!/^[0-9]{6}$/.test(v)) { r.p.at(r.file, r.rec.row, 'insuplc_admdvs', `not a 6-digit admdvs "${v}"`); return undefined }
  if (!regions.others.has(v)) {
    r.p.at(r.file, r.rec.row, 'insuplc_admdvs', `unknown insuring region "${v}": no other-regions/${v}.json in the sources`)
    return undefined
  }
  return v
}

/** persons.csv `contract_fixmedins`: empty, or a hospital code (checked against hospitals.csv by the builder). */
function contractOf(r: Row): string | null | undefined {
  const v = r.rec.values.contract_fixmedins ?? ''
  if (v === '') return null
  if (!HOSPITAL_CODE.test(v)) { r.p.at(r.file, r.rec.row, 'contract_fixmedins', `not a hospital code (H + 11 digits) "${v}"`); return undefined }
  return v
}

/** persons.csv `brdy`: empty, or a real date YYYY-MM-DD from 1900-01-01 on; undefined (reported) when bad. */
function birthDate(r: Row): string | null | undefined {
  const v = r.rec.values.brdy ?? ''
  if (v === '') return null
  const day = dayNumber(v)
  if (day === null || v < '1900-01-01') { r.p.at(r.file, r.rec.row, 'brdy', `not a birth date YYYY-MM-DD "${v}"`); return undefined }
  return v
}

/** persons.csv `gend`: empty, 1 (male) or 2 (female); undefined (reported) otherwise. */
function sex(r: Row): '1' | '2' | null | undefined {
  const v = r.rec.values.gend ?? ''
  if (v === '') return null
  if (v === '1' || v === '2') return v
  r.p.at(r.file, r.rec.row, 'gend', `must be 1 (male), 2 (female) or empty, got "${v}"`)
  return undefined
}

/** Group codes the policy names (tcm, primary, per-diem) must exist in the DIP catalogue. */
export function checkPolicyGroups(policy: Policy, t: CsvTable, p: Problems): void {
  // every group code written in the file, valid row or not: a bad row is reported once, where it is
  const known = new Set(t.records.map((r) => (r.values.group_code ?? '').toUpperCase()))
  const check = (path: string, g: string): void => {
    if (!known.has(g.toUpperCase())) p.add(`policy.json: ${path}: unknown DIP group "${g}" (not in dip-groups.csv)`)
  }
  policy.dip.tcm_groups.forEach((g, i) => check(`dip.tcm_groups.${i}`, g))
  policy.dip.primary_groups.forEach((g, i) => check(`dip.primary_groups.${i}`, g))
  for (const g of Object.keys(policy.dip.per_diem_points)) check(`dip.per_diem_points.${g}`, g)
}
