// Procedure kind for composite grouping (SPEC §2, §5): 手术 surgery / 治疗性操作 therapeutic / 诊断性操作 diagnostic.
// The ICD-9-CM-3 医保版 list carries no kind column, so the builder derives one when procedures.csv leaves it empty.
//
// The rule, first match wins (each step is counted in the build report under its name):
//   1. diagnostic-keyword   the name says it looks rather than treats: 活检 (unless 开放性/切开 — an open biopsy is an
//                           operation), 造影, 镜检查, 检查, 扫描, 显像, 测定, 测量, 监测, 描记, 诊断性, 评估 → diagnostic
//   2. diagnostic-chapter   ICD-9-CM-3 chapters of examination: 87–91 (radiology, interview, examination, microscopy),
//                           92.0–92.1 (nuclear-medicine scans), 95 (eye/ear examination) → diagnostic
//   3. nonoperative-chapter the rest of 92–99 (radiotherapy 92.2–92.4, physical therapy 93, psychiatric 94,
//                           intubation/irrigation 96, replacement/removal of devices 97–98, other 99) → therapeutic
//   4. therapeutic-keyword  an operative chapter (00–86) done through a needle, catheter or endoscope without opening:
//                           经皮, 经导管, 内镜下, 注射, 抽吸, 冲洗, 灌注, 封闭, 置管, 穿刺, 消融, 栓塞, 碎石, 闭合性 → therapeutic
//   5. surgery-keyword      切除, 置入, 修补, 吻合, 成形, 移植, 重建, 切开, 固定, 置换, 缝合, 结扎, 离断, 松解, 造口, 剥除,
//                           摘除, 切断, 融合, 修复, 探查, 矫正, 再植, 分流 → surgery
//   6. operative-chapter    any other code of chapters 01–86 (the operations on body systems) → surgery
//   7. default              the rest (chapter 00: ultrasound therapy, drugs, adjuncts) → therapeutic
// A `kind` given in procedures.csv wins over the rule ("given"); procedure-kind-overrides.csv (code,kind) in the
// sources directory is applied last ("override") for the codes the rule gets wrong.
import type { ProcedureKind } from '../engine/tables/types.js'

export type KindRule =
  | 'given' | 'override' | 'diagnostic-keyword' | 'diagnostic-chapter' | 'nonoperative-chapter' | 'therapeutic-keyword'
  | 'surgery-keyword' | 'operative-chapter' | 'default'

export const PROCEDURE_KINDS: readonly ProcedureKind[] = ['surgery', 'therapeutic', 'diagnostic']

const DIAGNOSTIC_WORDS = ['造影', '镜检查', '检查', '扫描', '显像', '测定', '测量', '监测', '描记', '诊断性', '评估']
const OPEN_BIOPSY_WORDS = ['开放性', '切开']
const THERAPEUTIC_WORDS = ['经皮', '经导管', '内镜下', '注射', '抽吸', '冲洗', '灌注', '封闭', '置管', '穿刺', '消融', '栓塞',
  '碎石', '闭合性']
const SURGERY_WORDS = ['切除', '置入', '修补', '吻合', '成形', '移植', '重建', '切开', '固定', '置换', '缝合', '结扎', '离断',
  '松解', '造口', '剥除', '摘除', '切断', '融合', '修复', '探查', '矫正', '再植', '分流']

const has = (name: string, words: readonly string[]): boolean => words.some((w) => name.includes(w))

/** Derive the kind of one procedure from its ICD-9-CM-3 code and name, and say which rule decided. */
export function deriveProcedureKind(code: string, name: string): { kind: ProcedureKind; rule: KindRule } {
  const chapter = Number.parseInt(code.slice(0, 2), 10)
  const sub = code.slice(0, 4) // e.g. `92.2`
  if ((name.includes('活检') && !has(name, OPEN_BIOPSY_WORDS)) || has(name, DIAGNOSTIC_WORDS)) {
    return { kind: 'diagnostic', rule: 'diagnostic-keyword' }
  }
  if ((chapter >= 87 && chapter <= 91) || sub === '92.0' || sub === '92.1' || chapter === 95) {
    return { kind: 'diagnostic', rule: 'diagnostic-chapter' }
  }
  if (chapter >= 92 && chapter <= 99) return { kind: 'therapeutic', rule: 'nonoperative-chapter' }
  if (has(name, THERAPEUTIC_WORDS)) return { kind: 'therapeutic', rule: 'therapeutic-keyword' }
  if (has(name, SURGERY_WORDS)) return { kind: 'surgery', rule: 'surgery-keyword' }
  if (chapter >= 1 && chapter <= 86) return { kind: 'surgery', rule: 'operative-chapter' }
  return { kind: 'therapeutic', rule: 'default' }
}
