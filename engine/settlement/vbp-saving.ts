// 集采 savings kept (seed 001: 集采药品耗材结余留用; SPEC §6 annual clearing): for each 集采 item (catalogue `vbp`
// with its 集采 price `price_yuan` and its pre-集采 price `pre_vbp_price_yuan`) a hospital billed in the year's DIP
// discharges, the saving is what the same quantity would have cost more before 集采:
//   saving = amount × (pre-集采 price − 集采 price) ÷ 集采 price, rounded half away from zero per item,
// the quantity taken as amount ÷ the 集采 price (the ledger keeps each line's amount, not its quantity). Reversals
// net out (their lines are negated). Summed per settlement unit; annual clearing keeps it whole (annual-clearing.ts).
import type { VbpLineAmount } from '../ledger/clearing-port.js'
import { divRoundHalfAwayBig } from '../money.js'
import type { Tables } from '../tables/types.js'

/** The catalogue codes that carry a saving: 集采, with both prices, the pre-集采 one above. */
export function vbpCodes(tables: Tables): string[] {
  const out: string[] = []
  for (const c of tables.catalogue.values()) {
    if (c.vbp && c.preVbpPriceFen !== undefined && c.refPriceFen != null && c.refPriceFen > 0 && c.preVbpPriceFen > c.refPriceFen) out.push(c.code)
  }
  return out.sort()
}

export function vbpSavings(tables: Tables, lines: readonly VbpLineAmount[], unitOf: (code: string) => string): Map<string, number> {
  const out = new Map<string, number>()
  for (const l of lines) {
    const c = tables.catalogue.get(l.item)
    if (c === undefined || c.preVbpPriceFen === undefined || c.refPriceFen == null || c.refPriceFen <= 0) continue
    const fen = Number(divRoundHalfAwayBig(BigInt(l.amountFen) * BigInt(c.preVbpPriceFen - c.refPriceFen), BigInt(c.refPriceFen)))
    const u = unitOf(l.code)
    out.set(u, (out.get(u) ?? 0) + fen)
  }
  return out
}
