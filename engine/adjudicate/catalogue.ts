// SPEC §3 step 2 — the catalogue check per fee line (医保目录): what of each line is 全自费, 超限价自付, 乙类 先行自付,
// and in scope (政策范围内). Per line: amount = fulamt_ownpay + overlmt + preselfpay + inscp_scp.
//
// Choices (documented in docs and tested):
// - 甲类 is fully in scope unless the item carries its own 先行自付 proportion (诊疗项目 of 甲类 may, seed 001); 乙类
//   uses the item's proportion or policy.catalogue.default_selfpay_prop.
// - seed 001: 甲类 diagnosis-and-treatment items (list_type 201) whose billed unit price is at or above
//   policy.catalogue.jia_item_full_scope_above_yuan are 100 % in scope, their proportion ignored: "200元以上" includes
//   200, as 以上 does in Chinese law (Civil Code art. 1259; SPEC §3 step 2). The key keeps its historical name.
// - 限定支付范围 by diagnosis prefix is met by the main or any other diagnosis of the claim (a restricted drug may
//   treat a comorbidity that is coded as a secondary diagnosis).
// - A level-1 member of a county alliance bills with the level-2 catalogue when the policy says so (seed 001).
import { mulPpmFen, ratioToPpm, yuanToFen } from '../money.js'
import { lineReason, type LineReason } from '../reasons.js'
import type { FeeLine } from '../claim.js'
import type { LineResultFen } from '../result.js'
import type { CatalogueItem, HospitalLevel } from '../tables/types.js'
import { qtyTimesFen } from './quantity.js'
import { invariantBroken, type Working } from './working.js'

/** 诊疗项目 in the national list_type. */
const LIST_TYPE_TREATMENT_ITEM = '201'

interface LineRules {
  readonly catalogueLevel: HospitalLevel
  /** The hospital's own level is below the catalogue level it bills with (alliance upgrade). */
  readonly upgraded: boolean
  readonly diagnoses: readonly string[]
  readonly jiaFullScopeAboveFen: number
  readonly defaultPropPpm: number
}

export function classifyLines(w: Working): undefined {
  const { claim, hospital, policy } = w
  // seed 001: 医共体 primary institutions use the level-2 catalogue
  const upgraded = hospital.level === 1 && hospital.allianceId !== null && policy.alliance.primary_uses_level2_catalogue
  const rules: LineRules = {
    catalogueLevel: upgraded ? 2 : hospital.level,
    upgraded,
    diagnoses: [claim.mainDx, ...claim.otherDx],
    jiaFullScopeAboveFen: yuanToFen(policy.catalogue.jia_item_full_scope_above_yuan),
    defaultPropPpm: ratioToPpm(policy.catalogue.default_selfpay_prop),
  }
  for (const fee of claim.fees) {
    const line = classifyLine(fee, w.ctx.tables.catalogue.get(fee.code.toUpperCase()), rules)
    w.lines.push(line)
    w.medfeeFen += fee.amountFen
    w.fulamtFen += line.fulamt_ownpay_amt_fen
    w.overlmtFen += line.overlmt_amt_fen
    w.preselfpayFen += line.preselfpay_amt_fen
    w.inscpFen += line.inscp_scp_amt_fen
  }
  return undefined
}

/** The one-reason lists of the self-paid outcomes, shared by every such line (never added to). */
const SELF_PAID_REASONS = new Map<LineReason, readonly LineReason[]>()

function selfPaid(fee: FeeLine, chrgitmLv: LineResultFen['chrgitm_lv'], reason: LineReason): LineResultFen {
  let reasons = SELF_PAID_REASONS.get(reason)
  if (reasons === undefined) SELF_PAID_REASONS.set(reason, reasons = Object.freeze([reason]))
  return {
    feedetl_sn: fee.feedetlSn, chrgitm_lv: chrgitmLv, fulamt_ownpay_amt_fen: fee.amountFen, overlmt_amt_fen: 0,
    preselfpay_amt_fen: 0, inscp_scp_amt_fen: 0, reasons,
  }
}

function classifyLine(fee: FeeLine, item: CatalogueItem | undefined, rules: LineRules): LineResultFen {
  if (!item) return selfPaid(fee, '03', lineReason('L_NOT_IN_CATALOGUE'))
  if (item.chrgitmLv === '03') return selfPaid(fee, '03', lineReason('L_CLASS_C'))
  const reasons: LineReason[] = []
  if (item.minHospLv !== null) {
    if (rules.catalogueLevel < item.minHospLv) return selfPaid(fee, item.chrgitmLv, lineReason('L_LEVEL_RESTRICTED'))
    // allowed only thanks to the alliance upgrade: say so on the line
    if (rules.upgraded && item.minHospLv > 1) reasons.push(lineReason('L_ALLIANCE_LEVEL2_CATALOGUE'))
  }
  if (item.dxPrefix !== null) {
    const prefix = item.dxPrefix
    if (!rules.diagnoses.some((d) => d.startsWith(prefix))) return selfPaid(fee, item.chrgitmLv, lineReason('L_DX_RESTRICTED'))
  }

  // 超限价自付: (price − cap) × qty, to the fen; the proportion applies to the rest
  let overlmtFen = 0
  if (item.priceCapFen !== null && fee.priceFen > item.priceCapFen) {
    overlmtFen = qtyTimesFen(fee.qtyE4, fee.priceFen - item.priceCapFen)
    reasons.push(lineReason('L_OVER_PRICE_CAP'))
  }
  const restFen = fee.amountFen - overlmtFen

  let propPpm: number
  if (item.chrgitmLv === '02') propPpm = item.selfpayPropPpm ?? rules.defaultPropPpm
  else if (item.listType === LIST_TYPE_TREATMENT_ITEM && fee.priceFen >= rules.jiaFullScopeAboveFen) {
    // seed 001: 甲类 诊疗项目 of the price or more ("以上" includes it) are fully in scope (no 先行自付)
    propPpm = 0
    if ((item.selfpayPropPpm ?? 0) > 0) reasons.push(lineReason('L_JIA_HIGH_PRICE_FULL_SCOPE'))
  } else propPpm = item.selfpayPropPpm ?? 0
  const preselfpayFen = propPpm > 0 ? mulPpmFen(restFen, propPpm) : 0
  if (preselfpayFen > 0) reasons.push(lineReason('L_SELFPAY_PROP'))

  const line: LineResultFen = {
    feedetl_sn: fee.feedetlSn, chrgitm_lv: item.chrgitmLv, fulamt_ownpay_amt_fen: 0, overlmt_amt_fen: overlmtFen,
    preselfpay_amt_fen: preselfpayFen, inscp_scp_amt_fen: restFen - preselfpayFen, reasons,
  }
  // the messages are built only when an invariant breaks (this runs for every fee line)
  if (!(overlmtFen >= 0 && restFen >= 0 && preselfpayFen >= 0 && line.inscp_scp_amt_fen >= 0)) invariantBroken(`line ${fee.feedetlSn}: no negative part`)
  if (fee.amountFen !== line.fulamt_ownpay_amt_fen + overlmtFen + preselfpayFen + line.inscp_scp_amt_fen) {
    invariantBroken(`line ${fee.feedetlSn}: amount = fulamt + overlmt + preselfpay + inscp`)
  }
  return line
}
