// The national gateway's test world: the demo region's tables (built once per file from the shipped sources), a
// gateway app and a /v1 app each on its own fresh ledger file (so one claim meets the same history on both), hospital
// credentials, a fixed clock, and helpers that send envelopes and read the ledger's state.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTables } from '../../grouper-data/build.js'
import type { ClaimInput } from '../../engine/claim.js'
import { generateDemoClaims } from '../../engine/demo/claims.js'
import { openLedger, type SqliteLedger } from '../../engine/ledger/sqlite.js'
import { DEMO_SOURCES_DIR } from '../../engine/paths.js'
import { loadTables } from '../../engine/tables/load.js'
import type { Tables } from '../../engine/tables/types.js'
import { buildApp, type App, type AppOptions } from '../../server/app.js'
import { CredentialStore } from '../../server/auth/credentials.js'
import { NATIONAL_PATH } from '../../server/national/envelope.js'

/**
 * The gateway's clock (and the ledger connection's of this thread): 2026-11-01 10:00 China time (the demo claims
 * discharge in 2026-10). The ledger writer thread stamps recorded_at with the real time.
 */
export const CLOCK = new Date('2026-11-01T02:00:00.000Z')

export interface Side {
  readonly app: App
  readonly ledger: SqliteLedger
  readonly file: string
  /** hospital code → its token on this side's ledger. */
  readonly tokens: Map<string, string>
}

export function buildDemoTables(dir: string): { tables: Tables; tablesFile: string } {
  const tablesFile = join(dir, 'tables.sqlite')
  buildTables({ sourcesDir: DEMO_SOURCES_DIR, outFile: tablesFile })
  return { tables: loadTables(tablesFile), tablesFile }
}

export function tmpDir(): string {
  return mkdtempSync(join(tmpdir(), 'dipsettle-national-'))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** An app on a ledger file (created when missing), with tokens for `hospitals`. */
export async function openSide(tables: Tables, file: string, hospitals: readonly string[], extra: Partial<AppOptions> = {}): Promise<Side> {
  const ledger = openLedger(file, { now: () => CLOCK })
  const store = new CredentialStore(ledger.db)
  const tokens = new Map(await Promise.all(hospitals.map(async (h) => [h, (await store.add({ hospital: h })).token] as const)))
  const app = await buildApp({ tables, policy: tables.policy, ledger, nationalClock: () => CLOCK, ...extra })
  return { app, ledger, file, tokens }
}

export async function closeSide(s: Side): Promise<void> {
  await s.app.close()
  if (s.ledger.db.open) s.ledger.close()
}

/** The demo claims the flows replay: the first inpatient stay without a referral, and the first outpatient visit. */
export function demoClaims(tables: Tables): { inpatient: ClaimInput; outpatient: ClaimInput } {
  const all = [...generateDemoClaims(tables, { count: 60, seed: 11, month: '2026-10', outpatientShare: 0.3 })]
  const inpatient = all.find((c) => c.med_type === '21' && !c.referral_from && c.fees.length >= 6)
  const outpatient = all.find((c) => c.med_type === '11' && c.fees.length >= 2 && c.fixmedins_code === inpatient?.fixmedins_code && c.psn_no !== inpatient?.psn_no)
    ?? all.find((c) => c.med_type === '11' && c.fees.length >= 2 && c.psn_no !== inpatient?.psn_no)
  if (inpatient === undefined || outpatient === undefined) throw new Error('the demo claims have no inpatient or outpatient example')
  return { inpatient, outpatient }
}

export interface Envelope {
  infno: string
  msgid: string
  fixmedins_code: string
  input?: unknown
  [k: string]: unknown
}

/** A national envelope of `hospital` (seq: the msgid's 4-digit sequence). */
export function envelope(hospital: string, infno: string, seq: number, input: unknown): Envelope {
  return {
    infno, msgid: `${hospital}20261101100000${String(seq).padStart(4, '0')}`, mdtrtarea_admvs: '150200', insuplc_admdvs: '150200',
    recer_sys_code: 'FSI_LOCAL', dev_no: '', dev_safe_info: '', cainfo: '', signtype: 'SM3', infver: 'V1.0', opter_type: '1',
    opter: '0001', opter_name: '收费员', inf_time: '2026-11-01 10:00:00', fixmedins_code: hospital, fixmedins_name: '', sign_no: '',
    input,
  }
}

export interface Answer {
  infcode: number
  inf_refmsgid: string
  refmsg_time: string
  respond_time: string
  err_msg: string | null
  warn_msg: string | null
  output: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** POST an envelope (or raw text) with a token; the HTTP status and the answer. */
export async function post(app: App, token: string | null, body: Envelope | string): Promise<{ status: number; answer: Answer; text: string }> {
  const res = await app.inject({
    method: 'POST', url: NATIONAL_PATH,
    headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.statusCode, answer: res.json() as Answer, text: res.body }
}

/** Everything a call could change, as one string: the national tables, the settlements and the accumulators. */
export function ledgerState(ledger: SqliteLedger): string {
  const db = ledger.db
  const dump = (sql: string): unknown[] => db.prepare(sql).all()
  return JSON.stringify({
    stays: dump('SELECT * FROM national_stays ORDER BY seq'),
    fees: dump('SELECT * FROM national_stay_fees ORDER BY mdtrt_id, seq'),
    envelopes: dump('SELECT msgid, body_hash, answer_json FROM national_envelopes ORDER BY msgid'),
    lists: dump('SELECT * FROM national_setl_lists ORDER BY setl_id'),
    settlements: dump('SELECT setl_id, msgid, kind FROM settlements ORDER BY seq'),
    accumulators: dump('SELECT * FROM accumulators ORDER BY psn_no, year'),
  })
}

/** The claim's fee lines as national feedetail lines of a stay. */
export function feedetail(c: ClaimInput, mdtrtId: string, fees: ClaimInput['fees'], extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  return fees.map((f) => ({
    feedetl_sn: f.feedetl_sn, mdtrt_id: mdtrtId, psn_no: c.psn_no, fee_ocur_time: `${c.begndate} 09:00:00`,
    med_list_codg: f.code, medins_list_codg: `HIS-${f.code}`, det_item_fee_sumamt: f.amount, cnt: f.qty, pric: f.price,
    bilg_dept_codg: 'A01', bilg_dept_name: '内科', ...extra,
  }))
}

/** The claim's diagnoses as a national diseinfo (inpatient: maindiag_flag; outpatient: diag_srt_no). */
export function diseinfo(c: ClaimInput): Record<string, unknown>[] {
  return c.diagnoses.map((d, i) => ({
    diag_type: '1', maindiag_flag: d.main === true ? '1' : '0', diag_srt_no: i + 1, diag_code: d.code, diag_name: '', diag_dept: 'A01',
    dise_dor_no: 'D001', dise_dor_name: '医师', diag_time: `${c.begndate} 08:30:00`,
  }))
}

/** Sum of yuan amounts, exactly (in fen). */
export function sumYuan(xs: readonly number[]): number {
  return xs.reduce((a, x) => a + Math.round(x * 100), 0) / 100
}
