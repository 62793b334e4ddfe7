// Synthetic demo claims over a region's tables: realistic enough to exercise every rule (case mix drawn from the DIP
// catalogue's case counts, fee lines from the service catalogue, alliance referrals, outpatient visits), and
// deterministic: the same tables, seed and options give the same claims. Used by `dipsettle demo`, the tests,
// the benchmarks and `npm start`'s example claim.
import type { ClaimInput } from '../claim.js'
import type { CatalogueItem, DipGroup, Hospital, Person, Tables } from '../tables/types.js'
import { fnv1a32 } from '../fnv.js'
import { Prng } from './prng.js'

export interface DemoClaimOptions {
  readonly count: number
  readonly seed?: number
  /** YYYY-MM: discharges fall in this month. */
  readonly month?: string
  /** Share of outpatient visits (med_type 11), 0..1. */
  readonly outpatientShare?: number
  /** Share of inpatient stays followed by an alliance referral (a second stay in the same alliance), 0..1. */
  readonly referralShare?: number
  /** Fee lines per claim (inpatient), inclusive range; ~40 lines make the ~7 KB claim of the benchmarks. */
  readonly linesPerClaim?: readonly [number, number]
  /** Prefix for msgid sequence uniqueness across runs (0–9999 offset of the timestamp seconds). */
  readonly msgidOffset?: number
  /**
   * 异地就医 (SPEC §13): every n-th claim is a visitor's (the tables' persons insured in another region), the rest are
   * insured here; absent: no visitor (the stream of claims is then the same as before visitors existed).
   */
  readonly visitorEvery?: number
}

interface Prepared {
  readonly groups: readonly DipGroup[]
  readonly cumCases: Float64Array
  readonly dxCode: ReadonlyMap<string, string>
  /** Persons insured here (visitors apart: the draws over these stay the same whatever visitors the tables hold). */
  readonly personsByType: readonly Person[]
  readonly visitors: readonly Person[]
  readonly hospitalsByCity: ReadonlyMap<string, readonly Hospital[]>
  readonly hospitals: readonly Hospital[]
  readonly allianceMembers: ReadonlyMap<string, readonly Hospital[]>
  readonly drugs: readonly CatalogueItem[]
  readonly items: readonly CatalogueItem[]
  readonly consumables: readonly CatalogueItem[]
}

const prepared = new WeakMap<Tables, Prepared>()

function prepare(t: Tables): Prepared {
  const hit = prepared.get(t)
  if (hit) return hit
  // a representative full diagnosis code per 亚目 (J18.9 → J18.900) and per 3-char category
  const dxCode = new Map<string, string>()
  for (const code of t.diagnoses) {
    const sub = code.slice(0, 5)
    const cur = dxCode.get(sub)
    if (cur === undefined || code.length < cur.length || (code.length === cur.length && code < cur)) dxCode.set(sub, code)
    const cat = code.slice(0, 3)
    const c3 = dxCode.get(cat)
    if (c3 === undefined || code < c3) dxCode.set(cat, code)
  }
  const groups: DipGroup[] = []
  for (const g of t.dipGroups.values()) {
    if (g.kind === 'composite') continue
    if (!dxCode.has(g.mainDx)) continue
    const ops = [g.mainOp, ...g.otherOps].filter((o): o is string => o !== null)
    if (!ops.every((o) => t.procedures.has(o))) continue
    groups.push(g)
  }
  groups.sort((a, b) => (a.groupCode < b.groupCode ? -1 : 1))
  const cumCases = new Float64Array(groups.length)
  let acc = 0
  groups.forEach((g, i) => { acc += Math.max(1, g.cases); cumCases[i] = acc })
  const hospitals = [...t.hospitals.values()].sort((a, b) => (a.code < b.code ? -1 : 1))
  const hospitalsByCity = new Map<string, Hospital[]>()
  const allianceMembers = new Map<string, Hospital[]>()
  for (const h of hospitals) {
    ;(hospitalsByCity.get(h.city) ?? hospitalsByCity.set(h.city, []).get(h.city)!).push(h)
    if (h.allianceId) (allianceMembers.get(h.allianceId) ?? allianceMembers.set(h.allianceId, []).get(h.allianceId)!).push(h)
  }
  const cat = [...t.catalogue.values()].sort((a, b) => (a.code < b.code ? -1 : 1))
  const p: Prepared = {
    groups, cumCases, dxCode,
    personsByType: [...t.persons.values()].filter((x) => (x.insuplcAdmdvs ?? null) === null).sort((a, b) => (a.psnNo < b.psnNo ? -1 : 1)),
    visitors: [...t.persons.values()].filter((x) => (x.insuplcAdmdvs ?? null) !== null).sort((a, b) => (a.psnNo < b.psnNo ? -1 : 1)),
    hospitalsByCity, hospitals, allianceMembers,
    drugs: cat.filter((c) => c.listType.startsWith('1')),
    items: cat.filter((c) => c.listType.startsWith('2')),
    consumables: cat.filter((c) => c.listType.startsWith('3')),
  }
  prepared.set(t, p)
  return p
}

/** A stable unit price for a catalogue item (fen): within its cap for most items, above it for a few. */
export function demoPriceFen(item: CatalogueItem): number {
  const h = fnv1a32(item.code)
  // the catalogue's typical price when it has one, a few items billed above their cap
  if (item.refPriceFen != null && item.refPriceFen > 0) {
    return item.priceCapFen !== null && h % 20 === 0 ? Math.round(item.priceCapFen * 1.1) : item.refPriceFen
  }
  if (item.priceCapFen !== null) {
    const overCap = h % 20 === 0
    const f = overCap ? 1.1 : 0.7 + ((h >>> 8) % 30) / 100
    return Math.max(1, Math.round(item.priceCapFen * f))
  }
  const [lo, hi] = item.listType.startsWith('1') ? [200, 30000] : item.listType.startsWith('2') ? [500, 60000] : [1000, 200000]
  return lo + ((h >>> 4) % (hi - lo))
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0')
}

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10)
}

function monthDays(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const first = Date.UTC(y, m - 1, 1) / 86_400_000
  const last = Date.UTC(y, m, 0) / 86_400_000
  return [first, last]
}

/** msgid = hospital code (12) + yyyyMMddHHmmss (14) + 4-digit sequence (SPEC §1). */
function msgidFor(hospital: string, day: number, seconds: number, seq: number): string {
  const d = new Date(day * 86_400_000 + (seconds % 86_400) * 1000)
  const ts = d.toISOString().replace(/[-T:]/g, '').slice(0, 14)
  return hospital + ts + pad(seq % 10_000, 4)
}

function feeLines(rng: Prng, p: Prepared, targetFen: number, maxLines: number) {
  const fees: ClaimInput['fees'] = []
  // at least ~40 yuan a line on average, so a cheap stay does not get dozens of lines each above its share
  const nLines = Math.max(2, Math.min(maxLines, Math.floor(targetFen / 4000)))
  let left = targetFen
  for (let i = 0; i < nLines && left > 0; i++) {
    const share = i === nLines - 1 ? left : Math.max(1, Math.round((left / (nLines - i)) * (0.4 + rng.next() * 1.2)))
    // pick an item whose unit price fits the line's share (a few tries, else the cheapest seen)
    let item: CatalogueItem | undefined
    let priceFen = Infinity
    for (let t = 0; t < 8; t++) {
      const r = rng.next()
      const pool = r < 0.55 ? p.drugs : r < 0.85 ? p.items : p.consumables
      if (pool.length === 0) continue
      const cand = rng.pick(pool)
      const cp = demoPriceFen(cand)
      if (cp < priceFen) { item = cand; priceFen = cp }
      if (cp <= share * 1.2) { item = cand; priceFen = cp; break }
    }
    if (item === undefined) continue
    const qty = Math.max(1, Math.min(500, Math.round(share / priceFen)))
    const amountFen = qty * priceFen
    left -= amountFen
    fees.push({ feedetl_sn: String(i + 1), code: item.code, qty, price: priceFen / 100, amount: amountFen / 100 })
  }
  return fees
}

/** Generate `count` claims (an alliance referral adds its second stay as the next claim, counted). */
export function* generateDemoClaims(tables: Tables, opts: DemoClaimOptions): Generator<ClaimInput> {
  const p = prepare(tables)
  if (p.groups.length === 0 || p.personsByType.length === 0 || p.hospitals.length === 0) {
    throw new Error('generateDemoClaims: the tables have no usable DIP groups, persons or hospitals')
  }
  const rng = new Prng(opts.seed ?? 20261001)
  const [first, last] = monthDays(opts.month ?? '2026-10')
  const [minLines, maxLines] = opts.linesPerClaim ?? [25, 45]
  const offset = opts.msgidOffset ?? 0
  const total = p.cumCases[p.cumCases.length - 1] as number
  let emitted = 0
  for (let i = 0; emitted < opts.count; i++) {
    const drawn = rng.pick(p.personsByType)
    // a visitor takes the drawn person's place (same draws: only whose claim it is changes)
    const every = opts.visitorEvery ?? 0
    const person = every > 0 && p.visitors.length > 0 && i % every === every - 1
      ? p.visitors[Math.floor(i / every) % p.visitors.length] as Person : drawn
    const local = p.hospitalsByCity.get(person.city) ?? p.hospitals
    const hospital = rng.pick(local)
    const endDay = rng.int(first, last)
    const seq = i + offset
    if (rng.next() < (opts.outpatientShare ?? 0)) {
      const fees = feeLines(rng, p, Math.round(15000 * rng.logNormal(0.6)), rng.int(2, 8))
      const dx = p.dxCode.get(rng.pick(p.groups).mainDx) as string
      yield {
        msgid: msgidFor(hospital.code, endDay, seq, seq), fixmedins_code: hospital.code, psn_no: person.psnNo,
        insutype: person.insutype, mdtrt_id: `MD${pad(seq, 9)}`, med_type: '11', begndate: isoDay(endDay),
        enddate: isoDay(endDay), dscg_way: '1', referral_from: null,
        diagnoses: [{ code: dx, main: true }], procedures: [], fees,
        // 职工 pay their outpatient share from the personal account (SPEC §15; the demo credits the month first)
        ...(person.insutype === '310' ? { acct_used_flag: '1' as const } : {}),
      }
      emitted++
      continue
    }
    // case mix: draw a group with probability proportional to its case count
    const x = rng.next() * total
    let lo = 0
    let hi = p.cumCases.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((p.cumCases[mid] as number) > x) hi = mid
      else lo = mid + 1
    }
    const g = p.groups[lo] as DipGroup
    const days = Math.max(1, Math.round(g.avgIptDays * (0.6 + rng.next() * 0.8)))
    const begnDay = endDay - days
    const ops = [g.mainOp, ...g.otherOps].filter((o): o is string => o !== null)
    const claim: ClaimInput = {
      msgid: msgidFor(hospital.code, endDay, seq, seq), fixmedins_code: hospital.code, psn_no: person.psnNo,
      insutype: person.insutype, mdtrt_id: `MD${pad(seq, 9)}`, med_type: '21', begndate: isoDay(begnDay),
      enddate: isoDay(endDay), dscg_way: '1', referral_from: null,
      diagnoses: [{ code: p.dxCode.get(g.mainDx) as string, main: true }],
      procedures: ops.map((code, k) => ({ code, main: k === 0 })),
      fees: feeLines(rng, p, Math.round(g.avgCostFen * rng.logNormal(0.35)), rng.int(minLines, maxLines)),
    }
    yield claim
    emitted++
    // an upward referral inside the county alliance (双向转诊), the day after discharge
    if (emitted < opts.count && hospital.allianceId && !hospital.allianceLead && rng.next() < (opts.referralShare ?? 0.03)) {
      const lead = (p.allianceMembers.get(hospital.allianceId) ?? []).find((h) => h.allianceLead)
      const b = endDay + 1
      if (lead && b + days <= last) {
        yield {
          ...claim,
          msgid: msgidFor(lead.code, b + days, seq, seq + 5000), fixmedins_code: lead.code,
          mdtrt_id: `MR${pad(seq, 9)}`, begndate: isoDay(b), enddate: isoDay(b + days),
          referral_from: claim.mdtrt_id,
          fees: feeLines(rng, p, Math.round(g.avgCostFen * rng.logNormal(0.35)), rng.int(minLines, maxLines)),
        }
        emitted++
      }
    }
  }
}
