// What adjudication needs from a person's past (SPEC §3 steps 2, 5, 10): their year accumulators and their settled,
// not reversed stays. Domain types, not storage: the ledger (engine/ledger/) reads them and answers them through its
// port as a per-person snapshot (HistorySnapshot), which decide() consults and which can absorb a record decided in
// the same batch, so that the person's next claim decides without a re-read.
import { strict as assert } from 'node:assert'
import type { PersonVersion } from './persons/versions.js'

/** A person's accumulators for one calendar year (年度累计, national 5206). All fen. */
export interface PersonYear {
  /** Settled, not reversed inpatient admissions (alliance-merged stays count once). */
  readonly admissions: number
  /** Inpatient basic fund (统筹) paid, against the annual cap. */
  readonly hifp_paid_fen: number
  /** 大病 base: in-scope amount the basic fund did not pay (deductible, co-payment, above the cap). */
  readonly serious_base_fen: number
  /** 大病保险 / 职工大额 paid. */
  readonly serious_paid_fen: number
  /** 医疗救助 paid. */
  readonly maf_paid_fen: number
  /** 个人账户 paid. */
  readonly acct_paid_fen: number
  /** Outpatient deductible used and outpatient basic fund paid. */
  readonly op_dedc_fen: number
  readonly op_hifp_paid_fen: number
  /** 门诊慢特病 (med_type 14) deductible used and basic fund paid: apart from 门诊统筹's (#20 item 9). */
  readonly chronic_dedc_fen: number
  readonly chronic_hifp_paid_fen: number
}

export const ZERO_YEAR: PersonYear = Object.freeze({
  admissions: 0, hifp_paid_fen: 0, serious_base_fen: 0, serious_paid_fen: 0, maf_paid_fen: 0, acct_paid_fen: 0,
  op_dedc_fen: 0, op_hifp_paid_fen: 0, chronic_dedc_fen: 0, chronic_hifp_paid_fen: 0,
})

/** A settled, not reversed inpatient stay, as later claims need it (alliance merging, readmission). */
export interface StayRecord {
  readonly mdtrt_id: string
  readonly setl_id: string
  readonly psn_no: string
  readonly fixmedins_code: string
  readonly alliance_id: string | null
  readonly level: 1 | 2 | 3
  readonly begn_day: number
  readonly end_day: number
  /** mdtrt_id of the first stay of the alliance episode (itself when not merged). */
  readonly episode_id: string
  /** The episode's nth admission of the year. */
  readonly episode_n: number
  /** Deductible charged over the episode up to and including this stay, fen. */
  readonly episode_dedc_fen: number
  /** 3-character category of the main diagnosis. */
  readonly dx_category: string
  readonly year: number
}

/**
 * A settled, not reversed outpatient settlement (inpatient = 0), as monitoring needs it (SPEC §14
 * M_OUTPATIENT_DURING_STAY: a stay settled at discharge, after the visits made during it).
 */
export interface OutpatientVisit {
  readonly mdtrt_id: string
  readonly setl_id: string
  readonly fixmedins_code: string
  readonly begn_day: number
  readonly end_day: number
}

/** Read-only view of the past that adjudication consults. */
export interface History {
  /**
   * The person's year accumulators; `insuplcAdmdvs` (a visitor's insuring region, SPEC §13) selects those kept for
   * that region — apart from the person's local ones. Null or omitted: insured here.
   */
  personYear(psnNo: string, year: number, insuplcAdmdvs?: string | null): PersonYear
  /** The person's settled, not reversed stay with this mdtrt_id. */
  stay(psnNo: string, mdtrtId: string): StayRecord | undefined
  /** The person's settled, not reversed stays whose end_day ≥ sinceDay, newest first. */
  recentStays(psnNo: string, sinceDay: number): readonly StayRecord[]
  /** The person's settled, not reversed outpatient settlements whose end_day ≥ sinceDay, any order. */
  outpatientVisits(psnNo: string, sinceDay: number): readonly OutpatientVisit[]
  /**
   * Deductible charged so far over the alliance episode (医共体 单次住院): the sum over its settled, not reversed
   * stays. A stay referred from any stay of the episode is credited with all of it (a branching episode too: A→B
   * and A→C, C is credited with A's and B's).
   */
  episodeDeductibleFen(psnNo: string, episodeId: string): number
  /**
   * The personal account's movements over the whole ledger (SPEC §15): Σ credits − Σ acct_pay (reversals refund),
   * fen. The balance is the person's opening balance plus this (engine/accounts/balance.ts).
   */
  accountNetFen(psnNo: string): number
}

export const EMPTY_HISTORY: History = {
  personYear: () => ZERO_YEAR,
  stay: () => undefined,
  recentStays: () => [],
  outpatientVisits: () => [],
  episodeDeductibleFen: () => 0,
  accountNetFen: () => 0,
}

/** A live stay as the ledger keeps it for the snapshot: the stay, its own deductible and its append order. */
export interface LiveStay {
  readonly stay: StayRecord
  /** act_pay_dedc of this stay, fen (the episode's deductible is the sum over its stays). */
  readonly dedcFen: number
  /** Append order (the ledger's seq); absorbed stays come after every stored one. */
  readonly seq: number
}

/**
 * Which of a person's stays a read loads (the rest of the history — every year's accumulators — always comes whole):
 * those that ended on or after `sinceDay` (the readmission window, SPEC §4), those with one of `mdtrtIds` (the claim's
 * own visit and its referral) and every stay of their episodes. Bounded per claim, whatever the person's past; the
 * snapshot asserts that adjudication asks nothing outside it.
 */
export interface HistoryScope {
  readonly sinceDay: number
  readonly mdtrtIds: readonly string[]
}

/** The scope covering both (a batch reads a person once for all their claims). */
export function unionScope(a: HistoryScope, b: HistoryScope): HistoryScope {
  return { sinceDay: Math.min(a.sinceDay, b.sinceDay), mdtrtIds: [...new Set([...a.mdtrtIds, ...b.mdtrtIds])] }
}

/** What the ledger reads for one person in one call (LedgerPort.readHistory). */
export interface PersonHistoryData {
  readonly psnNo: string
  /** The seq of the person's latest settlement or reversal (0: none). Commit refuses a record decided on another. */
  readonly version: number
  readonly years: ReadonlyMap<number, PersonYear>
  /** 异地就医 (SPEC §13): the person's accumulators kept per insuring region (admdvs → year → totals); absent = none. */
  readonly regionYears?: ReadonlyMap<string, ReadonlyMap<number, PersonYear>>
  /** Live stays within `scope` (all of them when it is undefined), any order. */
  readonly stays: readonly LiveStay[]
  /** Live outpatient settlements that ended on or after the scope's sinceDay (all of them when it is undefined). */
  readonly visits?: readonly OutpatientVisit[]
  readonly scope?: HistoryScope
  /** Σ of the person's personal account credits, fen (accounts-port.ts; absent: none recorded). */
  readonly accountCreditsFen?: number
  /**
   * The person's versions imported into the ledger, read with this history (PostgreSQL, SPEC §11; engine/persons/
   * snapshot.ts); absent: the engine's persons lookup reads them itself (SQLite).
   */
  readonly personVersions?: readonly PersonVersion[]
}

/** What a record decided in this batch adds to its person's history (engine/ledger/codec.ts builds it). */
export interface HistoryDelta {
  /** The record's msgid: a repeat of it in the same batch is answered by the commit, not adjudicated again. */
  readonly msgid: string
  readonly year: number
  readonly accum: PersonYear
  /** The visitor's insuring region whose accumulators the record adds to (SPEC §13); absent or null: the local ones. */
  readonly insuplcAdmdvs?: string | null
  /** The record's stay (setl_id '' until committed), when it is an inpatient stay. */
  readonly stay: StayRecord | null
  /** The record's visit (setl_id '' until committed), when it is an outpatient settlement. */
  readonly visit?: OutpatientVisit | null
  readonly dedcFen: number
}

/**
 * One person's history at `version`, plus the records absorbed since (decided in this batch, not yet committed).
 * `absorbed` counts them: a record decided after k absorbed ones is valid only if those k were appended, in order, in
 * the same commit (the ledger checks; else 'stale').
 */
export class HistorySnapshot implements History {
  /** The read's own map until the first absorb (copied then: the read's data stays as read). */
  private years: ReadonlyMap<number, PersonYear>
  /** A visitor's years per insuring region; copied on the first absorb into one of them. */
  private regionYears: ReadonlyMap<string, ReadonlyMap<number, PersonYear>>
  private regionsOwned = false
  /** Newest first: end_day descending, then seq descending. */
  private stays: readonly LiveStay[]
  private owned = false
  /** The read's visits, then (copied on the first absorb of one) with the batch's. */
  private visits: readonly OutpatientVisit[]
  private visitsOwned = false
  private nextSeq = Number.MAX_SAFE_INTEGER / 2
  private readonly absorbedMsgids = new Set<string>()
  absorbed = 0

  constructor(readonly data: PersonHistoryData) {
    this.years = data.years
    this.regionYears = data.regionYears ?? new Map()
    this.stays = data.stays.length < 2 ? data.stays : data.stays.slice().sort(newestFirst)
    this.visits = data.visits ?? []
  }

  get psnNo(): string { return this.data.psnNo }
  get version(): number { return this.data.version }

  personYear(psnNo: string, year: number, insuplcAdmdvs: string | null = null): PersonYear {
    this.mine(psnNo)
    const years = insuplcAdmdvs === null ? this.years : this.regionYears.get(insuplcAdmdvs)
    return years?.get(year) ?? ZERO_YEAR
  }

  stay(psnNo: string, mdtrtId: string): StayRecord | undefined {
    this.mine(psnNo)
    const scope = this.data.scope
    if (scope !== undefined && !scope.mdtrtIds.includes(mdtrtId)) assert.fail(`stay ${mdtrtId} asked outside the history's scope`)
    let best: LiveStay | undefined
    for (const s of this.stays) if (s.stay.mdtrt_id === mdtrtId && (best === undefined || s.seq > best.seq)) best = s
    return best?.stay
  }

  recentStays(psnNo: string, sinceDay: number): readonly StayRecord[] {
    this.mine(psnNo)
    const scope = this.data.scope
    if (scope !== undefined && sinceDay < scope.sinceDay) assert.fail(`stays since day ${sinceDay} asked; the history holds them since ${scope.sinceDay}`)
    const out: StayRecord[] = []
    for (const s of this.stays) if (s.stay.end_day >= sinceDay) out.push(s.stay)
    return out
  }

  outpatientVisits(psnNo: string, sinceDay: number): readonly OutpatientVisit[] {
    this.mine(psnNo)
    const scope = this.data.scope
    if (scope !== undefined && sinceDay < scope.sinceDay) assert.fail(`visits since day ${sinceDay} asked; the history holds them since ${scope.sinceDay}`)
    return this.visits.filter((v) => v.end_day >= sinceDay)
  }

  episodeDeductibleFen(psnNo: string, episodeId: string): number {
    this.mine(psnNo)
    // complete for the episodes of the scope's visits (their stays are all read); no other is asked (alliance.ts asks
    // for the referral's episode)
    let sum = 0
    for (const s of this.stays) if (s.stay.episode_id === episodeId) sum += s.dedcFen
    return sum
  }

  accountNetFen(psnNo: string): number {
    this.mine(psnNo)
    // every year is read whole (PersonHistoryData.years), absorbed records included: their acct_pay is spent
    let paid = 0
    for (const y of this.years.values()) paid += y.acct_paid_fen
    return (this.data.accountCreditsFen ?? 0) - paid
  }

  /** Adds a record decided against this snapshot (its accumulators, its stay) for the person's next claim. */
  absorb(d: HistoryDelta): void {
    const stays = this.owned ? this.stays as LiveStay[] : this.stays.slice()
    const years = d.insuplcAdmdvs == null ? (this.owned ? this.years as Map<number, PersonYear> : new Map(this.years)) : this.years
    this.owned = true
    const target = d.insuplcAdmdvs == null ? years as Map<number, PersonYear> : this.regionYearsFor(d.insuplcAdmdvs)
    const y = target.get(d.year) ?? ZERO_YEAR
    const sum = {} as Record<keyof PersonYear, number>
    for (const k of Object.keys(ZERO_YEAR) as (keyof PersonYear)[]) sum[k] = y[k] + d.accum[k]
    target.set(d.year, sum)
    if (d.stay !== null) {
      stays.push({ stay: d.stay, dedcFen: d.dedcFen, seq: this.nextSeq++ })
      stays.sort(newestFirst)
    }
    if (d.visit != null) {
      const visits = this.visitsOwned ? this.visits as OutpatientVisit[] : this.visits.slice()
      visits.push(d.visit)
      this.visits = visits
      this.visitsOwned = true
    }
    this.years = years
    this.stays = stays
    this.absorbedMsgids.add(d.msgid)
    this.absorbed++
  }

  /** The region's years, owned by this snapshot (the read's maps stay as read). */
  private regionYearsFor(admdvs: string): Map<number, PersonYear> {
    if (!this.regionsOwned) {
      this.regionYears = new Map([...this.regionYears].map(([k, m]) => [k, new Map(m)]))
      this.regionsOwned = true
    }
    const all = this.regionYears as Map<string, Map<number, PersonYear>>
    let years = all.get(admdvs) as Map<number, PersonYear> | undefined
    if (years === undefined) all.set(admdvs, years = new Map())
    return years
  }

  /** True when a record with this msgid was absorbed (decided earlier in the batch, not yet committed). */
  hasAbsorbed(msgid: string): boolean {
    return this.absorbedMsgids.has(msgid)
  }

  private mine(psnNo: string): void {
    // a claim's adjudication asks about its own person only; anything else is a bug in the caller
    if (psnNo !== this.data.psnNo) assert.fail(`history of ${this.data.psnNo} asked about ${psnNo}`)
  }
}

function newestFirst(a: LiveStay, b: LiveStay): number {
  return b.stay.end_day - a.stay.end_day || b.seq - a.seq
}
