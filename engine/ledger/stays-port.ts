// The stays side of the ledger port (SPEC §12): a visit between the national interface's calls — opened (2401 / 2201),
// its fee lines uploaded and withdrawn (2301 / 2302, 2204 / 2205), discharged (2402), settled (2304 / 2207) — and the
// envelope msgid answers of the national gateway. Kept in the ledger, so a restart between 2301 and 2304 loses
// nothing and another server process on the same ledger can finish a stay the first began. Promise-returning, so
// that the PostgreSQL ledger fits; the SQLite implementation is engine/ledger/sqlite/stays.ts.
//
// Every change is one transaction with the envelope's answer: the change and the answer that reports it are stored
// together or not at all, and a second call with the same msgid finds the first answer instead of changing again.

/**
 * open: admitted / registered; discharged: 2402 done; settling: a 2304 / 2207 is being recorded (fee lines are frozen
 * until it ends; a crash leaves it here, and re-sending the settlement finishes it); settled: recorded;
 * cancelled: 2404 / 2202.
 */
export type StayStatus = 'open' | 'discharged' | 'settling' | 'settled' | 'cancelled'

export interface StayDiagnosis {
  readonly code: string
  readonly main: boolean
}

/** What the visit is, as the engine's claim needs it (national field names mapped in server/national/claim-of-stay.ts). */
export interface StayVisit {
  readonly med_type: string
  /** Admission / registration day, YYYY-MM-DD. */
  readonly begndate: string
  /** The admission's diagnoses (2401), or the visit's (2203). */
  readonly diagnoses: readonly StayDiagnosis[]
  /** Set by 2402 with the discharge diagnoses (which the claim then uses), cleared by 2405. */
  readonly discharge: { readonly enddate: string; readonly dscg_way: string; readonly diagnoses: readonly StayDiagnosis[] } | null
}

/** One uploaded fee line (2301 / 2204), money as sent (yuan, validated), plus the national fields it was sent with. */
export interface StayFee {
  readonly feedetl_sn: string
  readonly med_list_codg: string
  readonly cnt: number
  readonly pric: number
  readonly det_item_fee_sumamt: number
  /** The rest of the line as sent (fee_ocur_time, medins_list_codg, …), kept for the record. */
  readonly extra: Readonly<Record<string, unknown>>
}

export interface Stay {
  readonly mdtrt_id: string
  readonly fixmedins_code: string
  readonly psn_no: string
  readonly insutype: string
  readonly inpatient: boolean
  readonly status: StayStatus
  readonly visit: StayVisit
  /** The live settlement (status 'settled'), else null. */
  readonly setl_id: string | null
  /** Fee lines not withdrawn, in upload order. */
  readonly fees: readonly StayFee[]
}

export interface NewStay {
  readonly fixmedins_code: string
  readonly psn_no: string
  readonly insutype: string
  readonly inpatient: boolean
  readonly visit: StayVisit
}

/**
 * The envelope whose answer is stored with a change. `answer` builds the answer's JSON from what the change did (2401
 * answers the mdtrt_id the change assigned); it is called inside the transaction and must not fail.
 */
export interface EnvelopeRecord<T> {
  readonly msgid: string
  readonly fixmedins_code: string
  readonly infno: string
  readonly bodyHash: string
  answer(value: T): string
}

export type StayChange<T> =
  | { readonly status: 'done'; readonly value: T; readonly answerJson: string }
  /** The msgid was answered before (same body: replay it; another body: the gateway refuses). */
  | { readonly status: 'seen'; readonly bodyHash: string; readonly answerJson: string }
  /** The stay is not in a state that allows the change (or does not exist); nothing was written. */
  | { readonly status: 'refused'; readonly code: StayRefusal; readonly detail: string }

export type StayRefusal = 'E_STAY_UNKNOWN' | 'E_STAY_STATE' | 'E_FEEDETL_SN_TAKEN' | 'E_FEEDETL_SN_UNKNOWN'

/** A state change: allowed only from `from`; `visit` / `setl_id` replace the stored ones when given. */
export interface StayTransition {
  readonly from: readonly StayStatus[]
  readonly to: StayStatus
  readonly visit?: StayVisit
  readonly setl_id?: string | null
}

/** A 4101A settlement list as recorded: what DIP grouped the settled stay on, and the group it answered. */
export interface SetlList {
  readonly setl_id: string
  readonly mdtrt_id: string
  readonly fixmedins_code: string
  readonly list: unknown
  readonly dip: unknown
}

/** 3201: a hospital's settlement totals over days, per insutype and clearing type (reversals netted), fen. */
export interface ReconcileTotal {
  readonly insutype: string
  /** 11 门诊, 21 住院. */
  readonly clr_type: string
  readonly medfee_sumamt_fen: number
  readonly fund_pay_sumamt_fen: number
  readonly acct_pay_fen: number
  /** Settlements minus reversals. */
  readonly count: number
}

export interface StaysPort {
  /** The stored answer of an envelope msgid, if any. */
  envelopeAnswer(msgid: string): Promise<{ readonly bodyHash: string; readonly answerJson: string } | undefined>
  /** Store the answer of an envelope that changes no stay (1101, 2303, 3201, …). */
  rememberAnswer(env: EnvelopeRecord<void>): Promise<StayChange<void>>
  /** Open a stay (2401 / 2201): dipsettle assigns its mdtrt_id. */
  openStay(stay: NewStay, env: EnvelopeRecord<Stay>): Promise<StayChange<Stay>>
  /** The stay of that hospital with that mdtrt_id, with its live fee lines. */
  stay(fixmedinsCode: string, mdtrtId: string): Promise<Stay | undefined>
  /** Append fee lines to an open or discharged stay; a feedetl_sn already live on the stay refuses the whole upload. */
  addFees(fixmedinsCode: string, mdtrtId: string, fees: readonly StayFee[], env: EnvelopeRecord<Stay>): Promise<StayChange<Stay>>
  /** Withdraw fee lines (null: all) of an open or discharged stay; an unknown feedetl_sn refuses the whole withdrawal. */
  removeFees(fixmedinsCode: string, mdtrtId: string, feedetlSns: readonly string[] | null, env: EnvelopeRecord<Stay>): Promise<StayChange<Stay>>
  /**
   * Move a stay from one of `t.from` to `t.to`; with `env`, the envelope's answer is stored with it (without, the step
   * is one inside a call, e.g. 2304's discharged → settling before the settlement is recorded).
   */
  transition(fixmedinsCode: string, mdtrtId: string, t: StayTransition, env?: EnvelopeRecord<Stay>): Promise<StayChange<Stay>>
  /** Record (or replace) the 4101A settlement list of a settlement. */
  recordSetlList(list: SetlList, env: EnvelopeRecord<void>): Promise<StayChange<void>>
  setlList(setlId: string): Promise<SetlList | undefined>
  /**
   * The visit's live (not reversed) settlement in the ledger, if any: a stay whose 2304 was recorded but not marked
   * (a fault between the two) takes it.
   */
  liveSettlement(psnNo: string, mdtrtId: string): Promise<string | undefined>
  /** 3201: the hospital's settlements recorded on days [fromDate, toDate] (YYYY-MM-DD, China time), totalled. */
  reconcileTotals(fixmedinsCode: string, fromDate: string, toDate: string): Promise<readonly ReconcileTotal[]>
}
