// The national ↔ engine field mapping (SPEC §12 ↔ §9): a stay kept between national calls becomes the engine's claim
// (the same body POST /v1/settlements takes), and the engine's answer becomes the national output. Names only: no
// amount is computed here.
import type { ClaimInput } from '../../engine/claim.js'
import type { AdjudicationResult } from '../../engine/result.js'
import type { Stay, StayDiagnosis, StayFee } from '../../engine/ledger/stays-port.js'
import { chinaTime } from './context.js'

/** Claim fee-line field → the national fee-detail field. */
export const FEE_FIELD: Readonly<Record<string, string>> = {
  feedetl_sn: 'feedetl_sn', code: 'med_list_codg', qty: 'cnt', price: 'pric', amount: 'det_item_fee_sumamt',
}

/** Claim field → the national field it comes from (the table of docs/national-interface.md). */
export const CLAIM_FIELD: Readonly<Record<string, string>> = {
  msgid: 'msgid (envelope)', fixmedins_code: 'fixmedins_code (envelope)', psn_no: 'psn_no', insutype: 'insutype',
  mdtrt_id: 'mdtrt_id', med_type: 'mdtrtinfo.med_type', begndate: 'mdtrtinfo.begntime', enddate: 'dscginfo.endtime',
  dscg_way: 'dscginfo.dscg_way', diagnoses: 'diseinfo', acct_used_flag: 'acct_used_flag',
}

export interface ClaimOfStay {
  readonly claim: ClaimInput
  /** A claim path of an engine reason (`fees[3].amount`) → the national field it came from. */
  fieldOf(claimPath: string): string
}

export interface ClaimOptions {
  /** The claim's msgid: the envelope's (2304's msgid is the settlement's idempotency key). */
  readonly msgid: string
  readonly acctUsedFlag?: string
  /** Lines being uploaded by this call (2301 / 2204), after the stay's: reasons about them name `feedetail[i]`. */
  readonly uploading?: readonly StayFee[]
  /** The claim's enddate when the stay is not discharged (a classification before 2402). */
  readonly enddate?: string
  /** Diagnoses and procedures of a 4101A settlement list (replacing the stay's). */
  readonly diagnoses?: readonly StayDiagnosis[]
  readonly procedures?: readonly { readonly code: string; readonly main: boolean }[]
}

export function claimOfStay(stay: Stay, o: ClaimOptions): ClaimOfStay {
  const v = stay.visit
  const fees = [...stay.fees, ...(o.uploading ?? [])]
  const dx = o.diagnoses ?? v.discharge?.diagnoses ?? v.diagnoses
  const claim: ClaimInput = {
    msgid: o.msgid, fixmedins_code: stay.fixmedins_code, psn_no: stay.psn_no, insutype: stay.insutype,
    mdtrt_id: stay.mdtrt_id, med_type: v.med_type, begndate: v.begndate,
    // an outpatient visit is one day; a stay ends at its discharge
    enddate: stay.inpatient ? (v.discharge?.enddate ?? o.enddate ?? v.begndate) : v.begndate,
    ...(stay.inpatient ? { dscg_way: v.discharge?.dscg_way ?? '1' } : {}),
    referral_from: null,
    diagnoses: dx.map((d) => ({ code: d.code, main: d.main })),
    procedures: (o.procedures ?? []).map((p) => ({ code: p.code, main: p.main })),
    fees: fees.map((f) => ({
      feedetl_sn: f.feedetl_sn, code: f.med_list_codg, qty: f.cnt, price: f.pric, amount: f.det_item_fee_sumamt,
      // SPEC §14: monitoring reads when a fee arose
      ...(typeof f.extra['fee_ocur_time'] === 'string' ? { fee_ocur_time: f.extra['fee_ocur_time'] } : {}),
    })),
    ...(o.acctUsedFlag !== undefined ? { acct_used_flag: o.acctUsedFlag } : {}),
  }
  const stored = stay.fees.length
  const dxSource = o.diagnoses !== undefined ? 'input.diseinfo' : v.discharge !== null ? 'dscg diseinfo (2402)' : 'diseinfo (2401/2203)'
  return {
    claim,
    fieldOf: (path) => {
      const fee = /^fees\[(\d+)\](?:\.(\w+))?$/.exec(path)
      if (fee !== null) {
        const i = Number(fee[1])
        const name = fee[2] === undefined ? '' : `.${FEE_FIELD[fee[2]] ?? fee[2]}`
        if (i >= stored) return `input.feedetail[${i - stored}]${name}`
        return `feedetl_sn ${fees[i]?.feedetl_sn ?? i} (已上传)${name}`
      }
      const d = /^diagnoses\[(\d+)\](?:\.code)?$/.exec(path)
      if (d !== null) return `${dxSource}[${d[1]}].diag_code`
      const p = /^procedures\[(\d+)\](?:\.code)?$/.exec(path)
      if (p !== null) return `input.oprninfo[${p[1]}].oprn_oprt_code`
      return CLAIM_FIELD[path] ?? path
    },
  }
}

/** Sum of the stay's uploaded lines, fen (what 2304's medfee_sumamt must equal). */
export function uploadedFen(stay: Stay, fenOf: (v: unknown) => number): number {
  return stay.fees.reduce((a, f) => a + fenOf(f.det_item_fee_sumamt), 0)
}

const FUND_NAMES: Readonly<Record<string, string>> = {
  310100: '职工基本医疗保险统筹基金', 310200: '职工基本医疗保险个人账户基金', 330100: '职工大额医疗费用补助',
  390100: '城乡居民基本医疗保险基金', 390200: '城乡居民大病医疗保险资金', 610100: '医疗救助基金',
}

/** The engine's answer as the national 2303/2304/2305 (2206/2207/2208) output: the §9 setlinfo fields unchanged. */
export function setlOutput(r: AdjudicationResult, stay: Stay, when: Date): { setlinfo: Record<string, unknown>; setldetail: unknown[] } {
  return {
    setlinfo: {
      setl_id: r.setl_id ?? null, mdtrt_id: stay.mdtrt_id, psn_no: stay.psn_no, insutype: stay.insutype,
      med_type: stay.visit.med_type, clr_type: stay.inpatient ? '21' : '11', setl_time: chinaTime(when),
      ...(r.reverses !== undefined ? { reverses: r.reverses } : {}),
      ...r.setlinfo,
    },
    setldetail: (r.setldetail ?? []).map((d) => ({
      fund_pay_type: d.fund_pay_type, fund_payamt: d.fund_payamt, fund_pay_type_name: FUND_NAMES[d.fund_pay_type] ?? '',
    })),
  }
}
