// Who may open a visit (2401, 2201): a person of the region, under the insutype the person is insured with on the
// visit's first day (SPEC §11: the version in force that day), at a designated hospital. Looked up in the tables and
// the ledger's persons (data, not rules), so that the call opening the visit is the one refused.
import { NationalRefusal } from './fields.js'
import type { CallContext } from './context.js'

/** `begndate`: YYYY-MM-DD, the visit's first day (its begntime's date). */
export async function checkVisitor(ctx: CallContext, psnNo: string, insutype: string, begndate: string, path: string): Promise<void> {
  const { tables } = ctx.deps
  if (!tables.hospitals.has(ctx.hospital)) throw new NationalRefusal('fixmedins_code', `fixmedins_code ${ctx.hospital} 不是本统筹区定点医药机构`)
  const p = await ctx.deps.personAsOf(psnNo, begndate)
  if (p === undefined) throw new NationalRefusal(`${path}.psn_no`, `${path}.psn_no: ${psnNo} 不是本统筹区参保人员`)
  if (p.insutype !== insutype) throw new NationalRefusal(`${path}.insutype`, `${path}.insutype: 险种 ${insutype} 与参保人的险种 ${p.insutype} 不符`)
}
