// Benchmark: month-end pre-settlement over N synthetic inpatient discharge rows (default 1,000,000) inserted directly
// into a ledger file with the real schema, against a bare SQLite GROUP BY over the same rows. Reports
// `month_end_1m_s` and `month_end_1m_vs_sqlite_groupby` (SPEC §9 benchmark line). The incumbent to beat: a DRG
// month-end of 800,000 records in 2 h 18 min (SPEC §10). Run alone: `npx tsx bench/month-end.ts [N]`.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { SCHEMA_SQL } from '../engine/ledger/schema.js'
import { DEMO_SOURCES_DIR } from '../engine/paths.js'
import { loadPolicyFile } from '../engine/policy/validate.js'
import type { Policy } from '../engine/policy/types.js'
import { settleMonth } from '../engine/settlement/month-end.js'
import type { Hospital, Tables } from '../engine/tables/types.js'
import { mulberry32 } from '../engine/demo/prng.js'

export interface MonthEndBenchResult {
  readonly month_end_1m_s: number
  readonly month_end_1m_vs_sqlite_groupby: number
  readonly sqlite_groupby_s: number
  readonly month_end_rows: number
  readonly month_end_load_s: number
}

const MONTH = '2026-10'


/** 320 hospitals like the demo region's, every tenth in a two-member county alliance. */
function benchTables(policy: Policy): Tables {
  const hs: Hospital[] = []
  for (let i = 0; i < 320; i++) {
    const alliance = i % 10 < 2 ? `AL${Math.floor(i / 10)}` : null
    hs.push({ code: `H150${String(i).padStart(8, '0')}`, name: `医院${i}`, city: `C${i % 12}`, level: ((i % 3) + 1) as 1 | 2 | 3,
      allianceId: alliance, allianceLead: alliance !== null && i % 10 === 1, dipCoefficientMicro: 1_000_000, tcm: false })
  }
  return {
    meta: { builtAt: '', policyVersion: 'bench', sourcesChecksum: '', region: 'bench' }, diagnoses: new Set(),
    procedures: new Map(), catalogue: new Map(), dipGroups: new Map(), dipGroupsByDx: new Map(), compositeGroups: new Map(),
    hospitals: new Map(hs.map((h) => [h.code, h])), persons: new Map(), policy,
  }
}

/** Append `rows` discharges of MONTH / pool 390 (about 1 % later reversed, 0.5 % 特例单议 candidates). */
export function fillLedger(db: Database.Database, tables: Tables, rows: number, seed = 20261031): void {
  db.exec(SCHEMA_SQL)
  const codes = [...tables.hospitals.keys()]
  const rand = mulberry32(seed)
  const cols = ['setl_id', 'seq', 'msgid', 'body_hash', 'kind', 'reverses', 'fixmedins_code', 'psn_no', 'insutype', 'mdtrt_id',
    'med_type', 'inpatient', 'begndate', 'enddate', 'year', 'month', 'recorded_at', 'medfee_sumamt_fen', 'hifp_pay_fen',
    'fund_pay_sumamt_fen', 'psn_part_amt_fen', 'psn_cash_pay_fen', 'dip_group_code', 'dip_kind', 'dip_points_1e4',
    'dip_deviation', 'dip_flags', 'result_json']
  const ins = db.prepare(`INSERT INTO settlements (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`)
  let seq = 0
  const reversals: unknown[][] = []
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      seq++
      const code = codes[Math.floor(rand() * codes.length)] as string
      const medfee = 100_000 + Math.floor(rand() * 3_000_000)
      const hifp = Math.floor(medfee * (0.5 + rand() * 0.3))
      const points = 1_000_000 + Math.floor(rand() * 30_000_000)
      const day = String(1 + (i % 31)).padStart(2, '0')
      const review = rand() < 0.005
      const id = 'S' + String(seq).padStart(12, '0')
      const row = [id, seq, `${code}20261031${String(i).padStart(10, '0')}`, 'h', 'settlement', null, code, `P${i}`, '390',
        `M${i}`, '21', 1, `${MONTH}-${day}`, `${MONTH}-${day}`, 2026, MONTH, '2026-11-01T00:00:00Z', medfee, hifp, hifp,
        medfee - hifp, medfee - hifp, `G${i % 900}`, 'core', points, review ? 'review' : 'normal', '[]', '{}']
      ins.run(row)
      if (rand() < 0.01) reversals.push(row)
    }
    for (const o of reversals) {
      seq++
      ins.run(['S' + String(seq).padStart(12, '0'), seq, `R${seq}`, 'h', 'reversal', o[0], ...o.slice(6, 17),
        -(o[17] as number), -(o[18] as number), -(o[19] as number), -(o[20] as number), -(o[21] as number), o[22], o[23],
        -(o[24] as number), o[25], o[26], '{}'])
    }
  })()
}

export async function runMonthEndBench(opts: { rows?: number; runs?: number } = {}): Promise<MonthEndBenchResult> {
  const rows = opts.rows ?? 1_000_000
  const runs = opts.runs ?? 2
  const dir = mkdtempSync(join(tmpdir(), 'dipsettle-bench-me-'))
  const policy = loadPolicyFile(join(DEMO_SOURCES_DIR, 'policy.json'))
  const tables = benchTables(policy)
  const db = new Database(join(dir, 'ledger.sqlite'))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = OFF')
    const t0 = process.hrtime.bigint()
    fillLedger(db, tables, rows)
    const loadS = Number(process.hrtime.bigint() - t0) / 1e9
    const groupBy = db.prepare(`SELECT fixmedins_code, SUM(dip_points_1e4), SUM(medfee_sumamt_fen), SUM(hifp_pay_fen), COUNT(*)
      FROM settlements WHERE month = ? AND insutype = ? AND inpatient = 1 GROUP BY fixmedins_code`)
    let bestGroupBy = Infinity
    let bestMonthEnd = Infinity
    for (let r = 0; r < runs; r++) {
      let t = process.hrtime.bigint()
      groupBy.all(MONTH, '390')
      bestGroupBy = Math.min(bestGroupBy, Number(process.hrtime.bigint() - t) / 1e9)
      t = process.hrtime.bigint()
      const o = await settleMonth(db, tables, policy, { month: MONTH, pool: '390', budgetFen: 150_000_000_000, close: false })
      if (o.status !== 'ok') throw new Error(`month-end bench: ${JSON.stringify(o)}`)
      bestMonthEnd = Math.min(bestMonthEnd, Number(process.hrtime.bigint() - t) / 1e9)
    }
    return {
      month_end_1m_s: Math.round(bestMonthEnd * 1000) / 1000,
      month_end_1m_vs_sqlite_groupby: Math.round((bestMonthEnd / bestGroupBy) * 100) / 100,
      sqlite_groupby_s: Math.round(bestGroupBy * 1000) / 1000,
      month_end_rows: rows,
      month_end_load_s: Math.round(loadS * 10) / 10,
    }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 1_000_000)
  process.stdout.write(JSON.stringify(await runMonthEndBench({ rows: n })) + '\n')
}
