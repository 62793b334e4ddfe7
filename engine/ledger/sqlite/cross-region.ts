// 异地就医 on the SQLite ledger (SPEC §13; tables: schema.ts CROSS_REGION_SCHEMA_SQL): a visitor's row is marked with
// its insuring region, and its accumulator delta goes to the totals kept for that region and person instead of the
// local ones. Called inside the commit's and the reversal's transaction (append.ts) and the snapshot read (history.ts).
import type { Database as Db, Statement } from 'better-sqlite3'
import type { PersonYear } from '../../history.js'
import { ACCUM_FIELDS } from '../schema.js'
import type { LedgerDifference } from '../port.js'

interface CrossRegionStatements {
  readonly mark: Statement
  readonly regionOf: Statement
  readonly addAccum: Statement
  readonly personYears: Statement
}

// prepared on first use per connection: a ledger opened read-only before these tables existed never needs them
const prepared = new WeakMap<Db, CrossRegionStatements>()

function statements(db: Db): CrossRegionStatements {
  let st = prepared.get(db)
  if (st === undefined) {
    st = {
      mark: db.prepare('INSERT INTO cross_region_settlements (setl_id, insuplc_admdvs) VALUES (?, ?)'),
      regionOf: db.prepare('SELECT insuplc_admdvs FROM cross_region_settlements WHERE setl_id = ?').pluck(),
      addAccum: db.prepare(`INSERT INTO cross_region_accumulators (insuplc_admdvs, psn_no, year, ${ACCUM_FIELDS.join(', ')})
        VALUES (@insuplc_admdvs, @psn_no, @year, ${ACCUM_FIELDS.map((c) => '@' + c).join(', ')})
        ON CONFLICT (psn_no, insuplc_admdvs, year) DO UPDATE SET ${ACCUM_FIELDS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`),
      personYears: db.prepare(`SELECT insuplc_admdvs, year, ${ACCUM_FIELDS.join(', ')} FROM cross_region_accumulators WHERE psn_no = ?`),
    }
    prepared.set(db, st)
  }
  return st
}

/** Marks an appended row (settlement or reversal) as a visitor's of `admdvs` and adds its delta to that region's totals. */
export function appendVisitorRow(db: Db, setlId: string, admdvs: string, psnNo: string, year: unknown, accum: PersonYear): void {
  const st = statements(db)
  st.mark.run(setlId, admdvs)
  st.addAccum.run({ insuplc_admdvs: admdvs, psn_no: psnNo, year, ...accum })
}

/** The insuring region of a stored row, or undefined for a local person's. */
export function regionOfSettlement(db: Db, setlId: string): string | undefined {
  return statements(db).regionOf.get(setlId) as string | undefined
}

/** A person's accumulators kept per insuring region (admdvs → year → totals). */
export function regionYearsOf(db: Db, psnNo: string): Map<string, Map<number, PersonYear>> {
  const out = new Map<string, Map<number, PersonYear>>()
  for (const r of statements(db).personYears.all(psnNo) as (PersonYear & { insuplc_admdvs: string; year: number })[]) {
    const { insuplc_admdvs, year, ...y } = r
    let years = out.get(insuplc_admdvs)
    if (years === undefined) out.set(insuplc_admdvs, years = new Map())
    years.set(year, y)
  }
  return out
}

/** True when the ledger has the 异地就医 tables (a ledger made before them and opened read-only has not). */
export function hasCrossRegionTables(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cross_region_accumulators'").get() !== undefined
}

/**
 * `ledger verify` of the accumulators kept per insuring region: each recomputed from the region's rows (derived as
 * verify.ts derives every row's delta) against the stored totals. Differences name the region in the field.
 */
export function verifyRegionAccumulators(db: Db, derived: Readonly<Record<string, string>>, into: LedgerDifference[]): void {
  if (!hasCrossRegionTables(db)) return
  type Totals = Record<string, number> & { insuplc_admdvs: string; psn_no: string; year: number }
  const sums = ACCUM_FIELDS.map((f) => `SUM(${derived[f]}) AS ${f}`).join(', ')
  const recomputed = new Map<string, Totals>()
  for (const r of db.prepare(`SELECT c.insuplc_admdvs, psn_no, year, ${sums} FROM settlements JOIN cross_region_settlements c USING (setl_id)
    GROUP BY c.insuplc_admdvs, psn_no, year`).iterate()) {
    const row = r as Totals
    recomputed.set(`${row.insuplc_admdvs}\u0000${row.psn_no}\u0000${row.year}`, row)
  }
  const seen = new Set<string>()
  const stored = db.prepare(`SELECT insuplc_admdvs, psn_no, year, ${ACCUM_FIELDS.join(', ')} FROM cross_region_accumulators
    ORDER BY psn_no, insuplc_admdvs, year`)
  for (const r of stored.iterate()) {
    const s = r as Totals
    const key = `${s.insuplc_admdvs}\u0000${s.psn_no}\u0000${s.year}`
    seen.add(key)
    for (const f of ACCUM_FIELDS) {
      const want = recomputed.get(key)?.[f] ?? 0
      if (s[f] !== want) into.push({ psn_no: s.psn_no, year: s.year, field: `${f} (insuplc_admdvs ${s.insuplc_admdvs})`, stored: s[f] as number, recomputed: want })
    }
  }
  for (const [key, re] of recomputed) {
    if (seen.has(key)) continue
    for (const f of ACCUM_FIELDS) {
      if (re[f] !== 0) into.push({ psn_no: re.psn_no, year: re.year, field: `${f} (insuplc_admdvs ${re.insuplc_admdvs})`, stored: 0, recomputed: re[f] as number })
    }
  }
}
