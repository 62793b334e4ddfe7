// The builder (SPEC §2, §9): a sources directory of CSV + policy.json → one SQLite file of checked lookup tables.
// Everything is validated before anything is written: well-formed codes, no duplicates, numbers in range,
// enumerations, foreign keys, every given DIP score recomputed from its costs. Errors read `file:row:column: what`
// (row = line in the file, the header being row 1) or `policy.json: <path>: message`; all of them (up to
// MAX_ERRORS) are reported at once. The file is written to `<out>.tmp-<pid>` and renamed: nothing at `out` on failure.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { parseCsv, type CsvRecord, type CsvTable } from './csv-file.js'
import { deriveProcedureKind, PROCEDURE_KINDS, type KindRule } from './procedure-kind.js'
import { CASE_HISTORY_FILE, dipGroupsTableFromCaseHistory } from './history.js'
import { validatePolicy } from '../engine/policy/validate.js'
import type { Policy } from '../engine/policy/types.js'
import type { CompositeKind, DipGroupKind, ProcedureKind } from '../engine/tables/types.js'
import { fromRoot } from '../engine/paths.js'
import { PACKED_COLUMNS, packRows } from '../engine/tables/packed.js'
import { PPM, SCORE_SCALE, FEN_PER_YUAN, MAX_YUAN } from '../engine/money.js'

/** Bumped when the table layout or a derivation changes, so that an unchanged sources dir still rebuilds. */
export const BUILDER_VERSION = '2'
export const SCHEMA_FILE = fromRoot('grouper-data', 'schema.sql')
export const MAX_ERRORS = 50
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

const SOURCE_FILES = ['diagnoses.csv', 'procedures.csv', 'catalogue.csv', 'dip-groups.csv', 'hospitals.csv', 'persons.csv',
  'policy.json'] as const
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
const NUMBER = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/
const COMPOSITE_KINDS: readonly CompositeKind[] = ['SS', 'ZLXCZ', 'ZDXCZ', 'BSZL']
const DIP_KINDS: readonly DipGroupKind[] = ['core', 'composite', 'primary', 'per_diem']

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
  }
  /** How many procedure codes each kind rule classified (grouper-data/procedure-kind.ts). */
  readonly kindRules: Readonly<Partial<Record<KindRule, number>>>
  /** DIP groups whose score was computed because the sources gave none. */
  readonly scoresComputed: number
  /** Hospitals whose dip_coefficient was empty and defaulted to 1. */
  readonly coefficientsDefaulted: number
}

/** A bad sources directory: every problem found, each `file:row:column: what is wrong`. */
export class SourceError extends Error {
  constructor(readonly problems: readonly string[], readonly more: number) {
    super(problems.join('\n') + (more > 0 ? `\n… and ${more} more errors` : ''))
    this.name = 'SourceError'
  }
}

class Problems {
  readonly list: string[] = []
  more = 0
  add(message: string): void {
    if (this.list.length < MAX_ERRORS) this.list.push(message)
    else this.more++
  }
  at(file: string, row: number, column: string, what: string): void { this.add(`${file}:${row}:${column}: ${what}`) }
  get count(): number { return this.list.length + this.more }
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

// ------------------------------------------------------------------------------------------------ field readers

type Row = { file: string; rec: CsvRecord; p: Problems }

function text(r: Row, col: string, required = true): string {
  const v = r.rec.values[col] ?? ''
  if (required && v === '') r.p.at(r.file, r.rec.row, col, 'empty')
  return v
}

/** A number within [min, max], or null when empty and optional; records the problem and returns undefined if bad. */
function num(r: Row, col: string, opts: { min?: number; max?: number; minExclusive?: boolean; optional?: boolean; integer?: boolean;
  maxDecimals?: number } = {}): number | null | undefined {
  const v = r.rec.values[col] ?? ''
  if (v === '') {
    if (opts.optional) return null
    r.p.at(r.file, r.rec.row, col, 'empty')
    return undefined
  }
  if (!NUMBER.test(v)) { r.p.at(r.file, r.rec.row, col, `not a number "${v}"`); return undefined }
  const x = Number(v)
  if (opts.integer && !Number.isInteger(x)) { r.p.at(r.file, r.rec.row, col, `not a whole number "${v}"`); return undefined }
  if (opts.maxDecimals !== undefined) {
    const dec = /\.([0-9]*)$/.exec(v)?.[1]?.replace(/0+$/, '') ?? ''
    if (dec.length > opts.maxDecimals) {
      r.p.at(r.file, r.rec.row, col, `more than ${opts.maxDecimals} decimals "${v}"`)
      return undefined
    }
  }
  const lo = opts.min ?? -Infinity
  const hi = opts.max ?? Infinity
  if ((opts.minExclusive ? x <= lo : x < lo) || x > hi) {
    const range = `${opts.minExclusive ? '(' : '['}${lo}, ${hi}]`
    r.p.at(r.file, r.rec.row, col, `out of range ${range}: ${v}`)
    return undefined
  }
  return x
}

function oneOf<T extends string>(r: Row, col: string, allowed: readonly T[], opts: { optional?: boolean } = {}): T | null | undefined {
  const v = r.rec.values[col] ?? ''
  if (v === '' && opts.optional) return null
  if (!(allowed as readonly string[]).includes(v)) {
    r.p.at(r.file, r.rec.row, col, `${v === '' ? 'empty' : `"${v}" is not`} one of ${allowed.join(', ')}`.replace('empty one of', 'empty: one of'))
    return undefined
  }
  return v as T
}

function flag(r: Row, col: string, optional = false): boolean {
  const v = oneOf(r, col, ['0', '1'] as const, { optional })
  return v === '1'
}

function code(r: Row, col: string, shape: RegExp, what: string): string | undefined {
  const v = r.rec.values[col] ?? ''
  if (v === '') { r.p.at(r.file, r.rec.row, col, 'empty'); return undefined }
  if (!shape.test(v)) { r.p.at(r.file, r.rec.row, col, `not a well-formed ${what} "${v}"`); return undefined }
  return v
}

/** Tracks first occurrences (upper-case) to report duplicates naming the first row. */
class Unique {
  private readonly seen = new Map<string, number>()
  check(r: Row, col: string, value: string): boolean {
    const key = value.toUpperCase()
    const first = this.seen.get(key)
    if (first !== undefined) {
      r.p.at(r.file, r.rec.row, col, `duplicate code "${value}" (first at row ${first})`)
      return false
    }
    this.seen.set(key, r.rec.row)
    return true
  }
}

/** Upper-case diagnosis codes, sorted, to answer "is X the prefix of a listed code" by binary search. */
class PrefixIndex {
  private readonly sorted: string[]
  constructor(codes: Iterable<string>) { this.sorted = [...codes].sort() }
  hasPrefix(prefix: string): boolean {
    const p = prefix.toUpperCase()
    let lo = 0
    let hi = this.sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.sorted[mid] as string) < p) lo = mid + 1
      else hi = mid
    }
    return lo < this.sorted.length && (this.sorted[lo] as string).startsWith(p)
  }
}

// ------------------------------------------------------------------------------------------------ reading sources

function readTable(sourcesDir: string, file: string, p: Problems, optional = false): CsvTable | null {
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

interface DxRow { code: string; codeUc: string; name: string }
interface OpRow { code: string; codeUc: string; name: string; kind: ProcedureKind; rule: KindRule }
interface CatRow {
  code: string; codeUc: string; name: string; listType: string; lv: string; capFen: number | null; propPpm: number | null
  minLv: number | null; dxPrefix: string | null; vbp: boolean; refPriceFen: number | null
}
interface DipRow {
  groupCode: string; kind: DipGroupKind; mainDx: string; mainOp: string | null; otherOps: string[]
  compositeKind: CompositeKind | null; avgCostYuan: number; cases: number; avgIptDays: number; scoreMicro: number
  scoreGiven: boolean; name: string
}
interface HospRow {
  code: string; name: string; city: string; level: number; allianceId: string | null; lead: boolean; coefMicro: number
  tcm: boolean
}
interface PsnRow {
  psnNo: string; insutype: string; kind: string; poverty: boolean; assistance: boolean; city: string; balanceFen: number
}

function readPolicy(sourcesDir: string, p: Problems): Policy | null {
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

function readDiagnoses(t: CsvTable, p: Problems): DxRow[] {
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

function readProcedures(t: CsvTable, overrides: CsvTable | null, p: Problems): OpRow[] {
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

function readCatalogue(t: CsvTable, dx: PrefixIndex, p: Problems): CatRow[] {
  const out: CatRow[] = []
  const unique = new Unique()
  const hasVbp = t.columns.includes('vbp')
  const hasPrice = t.columns.includes('price_yuan')
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
    })
  }
  return out
}

function splitOps(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '')
}

function readDipGroups(t: CsvTable, dx: PrefixIndex, ops: ReadonlySet<string>, policy: Policy | null, p: Problems): DipRow[] {
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
    const avg = num(r, 'avg_cost_yuan', { min: 0, minExclusive: true, max: MAX_YUAN })
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
    if (p.count > before || !kind || avg == null || cases == null || days == null) continue
    out.push({
      groupCode, kind, mainDx: mainDxCode.toUpperCase(), mainOp: mainOp === '' ? null : mainOp.toUpperCase(),
      otherOps: otherOps.map((o) => o.toUpperCase()), compositeKind, avgCostYuan: avg, cases, avgIptDays: days, scoreMicro,
      scoreGiven: score != null, name: rec.values.main_dx_name ?? rec.values.name ?? '',
    })
  }
  return out
}

function readHospitals(t: CsvTable, p: Problems): { rows: HospRow[]; defaulted: number; alliances: number } {
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

function readPersons(t: CsvTable, p: Problems): PsnRow[] {
  const out: PsnRow[] = []
  const unique = new Unique()
  const hasBalance = t.columns.includes('acct_balance_yuan')
  for (const rec of t.records) {
    const r = { file: 'persons.csv', rec, p }
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
    if (psn !== undefined && !unique.check(r, 'psn_no', psn)) continue
    if (p.count > before || psn === undefined || !insutype || !kind || balance === undefined) continue
    out.push({ psnNo: psn, insutype, kind, poverty, assistance, city, balanceFen: Math.round((balance ?? 0) * FEN_PER_YUAN) })
  }
  return out
}

/** Group codes the policy names (tcm, primary, per-diem) must exist in the DIP catalogue. */
function checkPolicyGroups(policy: Policy, t: CsvTable, p: Problems): void {
  // every group code written in the file, valid row or not: a bad row is reported once, where it is
  const known = new Set(t.records.map((r) => (r.values.group_code ?? '').toUpperCase()))
  const check = (path: string, g: string): void => {
    if (!known.has(g.toUpperCase())) p.add(`policy.json: ${path}: unknown DIP group "${g}" (not in dip-groups.csv)`)
  }
  policy.dip.tcm_groups.forEach((g, i) => check(`dip.tcm_groups.${i}`, g))
  policy.dip.primary_groups.forEach((g, i) => check(`dip.primary_groups.${i}`, g))
  for (const g of Object.keys(policy.dip.per_diem_points)) check(`dip.per_diem_points.${g}`, g)
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
  const tDx = readTable(sourcesDir, 'diagnoses.csv', p)
  const tOps = readTable(sourcesDir, 'procedures.csv', p)
  const tOverrides = readTable(sourcesDir, OVERRIDES_FILE, p, true)
  const tCat = readTable(sourcesDir, 'catalogue.csv', p)
  // case-history.csv present: the DIP groups are derived from it instead of dip-groups.csv (grouper-data/history.ts)
  const historyFile = join(sourcesDir, CASE_HISTORY_FILE)
  let tDip = readTable(sourcesDir, 'dip-groups.csv', p, existsSync(historyFile))
  const tHosp = readTable(sourcesDir, 'hospitals.csv', p)
  const tPsn = readTable(sourcesDir, 'persons.csv', p)

  const dx = tDx ? readDiagnoses(tDx, p) : []
  const dxIndex = new PrefixIndex(dx.map((d) => d.codeUc))
  const ops = tOps ? readProcedures(tOps, tOverrides, p) : []
  const opSet = new Set(ops.map((o) => o.codeUc))
  const cat = tCat && tDx ? readCatalogue(tCat, dxIndex, p) : []
  if (existsSync(historyFile) && policy) {
    tDip = dipGroupsTableFromCaseHistory(readFileSync(historyFile, 'utf8'), policy, new Map(ops.map((o) => [o.codeUc, o.kind])), (m) => p.add(m))
  }
  const dip = tDip && tDx && tOps ? readDipGroups(tDip, dxIndex, opSet, policy, p) : []
  const hosp = tHosp ? readHospitals(tHosp, p) : { rows: [], defaulted: 0, alliances: 0 }
  const psn = tPsn ? readPersons(tPsn, p) : []
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
      hospitals: hosp.rows.length, alliances: hosp.alliances, persons: psn.length,
    },
    kindRules,
    scoresComputed: dip.filter((g) => !g.scoreGiven).length,
    coefficientsDefaulted: hosp.defaulted,
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
        meta.run('report', JSON.stringify({ ...report, sourcesDir: '', outFile: '' }))
        const iDx = db.prepare('INSERT INTO diagnoses VALUES (?, ?, ?)')
        for (const d of dx) iDx.run(d.codeUc, d.code, d.name)
        const iOp = db.prepare('INSERT INTO procedures VALUES (?, ?, ?, ?, ?)')
        for (const o of ops) iOp.run(o.codeUc, o.code, o.name, o.kind, o.rule)
        const iCat = db.prepare('INSERT INTO catalogue VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        for (const c of cat) {
          iCat.run(c.codeUc, c.code, c.name, c.listType, c.lv, c.capFen, c.propPpm, c.minLv, c.dxPrefix, c.vbp ? 1 : 0, c.refPriceFen)
        }
        const iDip = db.prepare('INSERT INTO dip_groups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        for (const g of dip) {
          iDip.run(g.groupCode, g.kind, g.mainDx, g.mainOp, g.otherOps.join(','), g.compositeKind, g.avgCostYuan,
            Math.round(g.avgCostYuan * FEN_PER_YUAN), g.cases, g.avgIptDays, g.scoreMicro, g.scoreGiven ? 1 : 0, g.name)
        }
        const iH = db.prepare('INSERT INTO hospitals VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        for (const h of hosp.rows) iH.run(h.code, h.name, h.city, h.level, h.allianceId, h.lead ? 1 : 0, h.coefMicro, h.tcm ? 1 : 0)
        const iP = db.prepare('INSERT INTO persons VALUES (?, ?, ?, ?, ?, ?, ?)')
        for (const x of psn) iP.run(x.psnNo, x.insutype, x.kind, x.poverty ? 1 : 0, x.assistance ? 1 : 0, x.city, x.balanceFen)
        // the loader's packed copy, read back from the rows just written so that both forms hold the same values
        const iPacked = db.prepare('INSERT INTO packed (name, json) VALUES (?, ?)')
        for (const [table, cols] of Object.entries(PACKED_COLUMNS)) {
          const rows = db.prepare(`SELECT ${cols.join(', ')} FROM ${table}`).raw(true).all() as unknown[][]
          iPacked.run(table, packRows(rows, cols.length))
        }
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
  ].join('\n') + '\n'
}
