// Composite (综合) fallback (SPEC §5): a claim whose counting procedures form no core group goes to its 3-character
// category's composite group of the highest-ranking procedure kind present: surgery (SS 相关手术) > therapeutic
// (ZLXCZ 治疗性操作) > diagnostic (ZDXCZ 诊断性操作) > none (BSZL 保守治疗).
import type { CompositeKind, ProcedureKind, Tables } from '../tables/types.js'

const RANK: Readonly<Record<ProcedureKind, number>> = { surgery: 3, therapeutic: 2, diagnostic: 1 }
const KIND_OF_RANK: readonly CompositeKind[] = ['BSZL', 'ZDXCZ', 'ZLXCZ', 'SS']

/** The composite kind of a set of counting procedures; a code with no kind in the tables does not raise the rank. */
export function compositeKindOf(counting: Iterable<string>, procedures: Tables['procedures']): CompositeKind {
  let rank = 0
  for (const code of counting) {
    const kind = procedures.get(code)
    if (kind !== undefined && RANK[kind] > rank) rank = RANK[kind]
  }
  return KIND_OF_RANK[rank] as CompositeKind
}
